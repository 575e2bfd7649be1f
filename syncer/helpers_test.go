package syncer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/pgtest"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// syncEnv is a private slapd with the standard fixture, a fresh store and
// settings pointing at both.
type syncEnv struct {
	t    testing.TB
	ctx  context.Context
	srv  *slapdtest.Server
	s    wizard.Settings
	db   *store.DB
	conn *ldap.Conn // admin connection for seeding and checking the directory
}

func newSyncEnv(t testing.TB, opts slapdtest.Options) *syncEnv {
	t.Helper()
	return newSyncEnvOn(t, opts, storeSQLite)
}

// The store backends a syncEnv can use.
const (
	storeSQLite   = "sqlite"
	storePostgres = "postgres"
)

// storeBackends are the backends the scenario table runs on.
var storeBackends = []string{storeSQLite, storePostgres}

// newSyncEnvOn is newSyncEnv with the store on backend: a file, or a
// database of the test's own on the real PostgreSQL pgtest starts.
func newSyncEnvOn(t testing.TB, opts slapdtest.Options, backend string) *syncEnv {
	t.Helper()
	srv := slapdtest.StartWith(t, opts)
	e := newSyncEnvBackend(t, slapdSettings(srv), backend)
	e.srv = srv
	return e
}

// slapdSettings are the default settings, connecting to srv as the admin.
func slapdSettings(srv *slapdtest.Server) wizard.Settings {
	s := wizard.Default()
	s.Connection.URL = srv.URL
	s.Connection.BindDN = srv.AdminDN
	s.Connection.BindPassword = srv.AdminPassword
	return s
}

// newSyncEnvFor is a syncEnv for the directory s connects to, which holds
// the fixture's ou=people and ou=groups (srv stays nil when it is not slapd).
func newSyncEnvFor(t testing.TB, s wizard.Settings) *syncEnv {
	t.Helper()
	return newSyncEnvBackend(t, s, storeSQLite)
}

// newSyncEnvBackend is newSyncEnvFor with the store on backend.
func newSyncEnvBackend(t testing.TB, s wizard.Settings, backend string) *syncEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	s.Users.SearchBase = slapdtest.PeopleDN
	s.Groups.SearchBase = slapdtest.GroupsDN
	s.Sync.MaxDelete = "100%"
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	if backend == storePostgres {
		d := pgtest.NewDB(t)
		s.Store.URL, s.Store.PasswordFile, s.Store.CAFile = d.URL(), d.PasswordFile, d.CAFile
	}
	cfg, err := s.Store.Config(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := cfg.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &syncEnv{t: t, ctx: ctx, s: s, db: db}
	e.reconnect()
	return e
}

func (e *syncEnv) reconnect() {
	e.t.Helper()
	lc, err := e.s.LDAPConfig(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.conn, err = ldap.Dial(e.ctx, lc); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { e.conn.Close() })
}

// sync runs a sync with the given mode and authority and fails the test on error.
func (e *syncEnv) sync(mode, authority string) *Report {
	e.t.Helper()
	rep, err := e.trySync(mode, authority, Options{})
	if err != nil {
		e.t.Fatalf("sync %s/%s: %v", mode, authority, err)
	}
	return rep
}

func (e *syncEnv) trySync(mode, authority string, opts Options) (*Report, error) {
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, authority
	return Run(e.ctx, s, e.db, opts)
}

// preview plans with the given mode and authority.
func (e *syncEnv) preview(mode, authority string) *Plan {
	e.t.Helper()
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, authority
	p, err := Preview(e.ctx, s, e.db, Options{})
	if err != nil {
		e.t.Fatalf("preview: %v", err)
	}
	return p
}

// user returns the store user (tombstones included) or nil.
func (e *syncEnv) user(name string) *store.User {
	e.t.Helper()
	u, err := e.db.GetUserByName(e.ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// mustUser returns the live store user or fails.
func (e *syncEnv) mustUser(name string) *store.User {
	e.t.Helper()
	u := e.user(name)
	if u == nil || u.Deleted() {
		e.t.Fatalf("store user %q missing (%+v)", name, u)
	}
	return u
}

// entry returns the directory entry with uid=name under the base, or nil.
func (e *syncEnv) entry(uid string) *ldap.Entry {
	e.t.Helper()
	var found *ldap.Entry
	err := e.conn.Search(e.ctx, ldap.SearchRequest{Base: slapdtest.BaseDN, Filter: "(uid=" + ldap.EscapeFilter(uid) + ")",
		Attributes: []string{"*", "+"}}, func(en *ldap.Entry) error {
		found = en
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return found
}

func (e *syncEnv) mustEntry(uid string) *ldap.Entry {
	e.t.Helper()
	en := e.entry(uid)
	if en == nil {
		e.t.Fatalf("directory has no uid=%s", uid)
	}
	return en
}

func (e *syncEnv) modify(dn, attr string, values ...string) {
	e.t.Helper()
	if err := e.conn.Modify(e.ctx, dn, []ldap.Change{{Op: ldap.ModReplace, Attr: attr, Values: values}}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *syncEnv) addMember(groupDN, dn string, add bool) {
	e.t.Helper()
	op := ldap.ModAdd
	if !add {
		op = ldap.ModDelete
	}
	if err := e.conn.Modify(e.ctx, groupDN, []ldap.Change{{Op: op, Attr: "member", Values: []string{dn}}}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *syncEnv) addDirUser(uid, mail string) string {
	e.t.Helper()
	dn := "uid=" + uid + ",ou=sales,ou=people,dc=example,dc=com"
	err := e.conn.Add(e.ctx, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {uid}, "cn": {"New " + uid},
		"sn": {"Person"}, "givenName": {"New"}, "mail": {mail}})
	if err != nil {
		e.t.Fatal(err)
	}
	return dn
}

// groupMembers returns the store group's member usernames.
func (e *syncEnv) groupMembers(name string) []string {
	e.t.Helper()
	g, err := e.db.GetGroupByName(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	ids, err := e.db.GroupMembers(e.ctx, g.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		u, err := e.db.GetUser(e.ctx, id)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, u.Username)
	}
	return out
}

func (e *syncEnv) inGroup(name, user string) bool {
	for _, m := range e.groupMembers(name) {
		if strings.EqualFold(m, user) {
			return true
		}
	}
	return false
}

// dirHasMember reports whether the directory group has dn as a member.
func (e *syncEnv) dirHasMember(groupDN, dn string) bool {
	e.t.Helper()
	g, err := e.conn.Entry(e.ctx, groupDN)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range g.Get("member") {
		if ldap.DNEqual(m, dn) {
			return true
		}
	}
	return false
}

// checkIdle asserts a sync now would plan nothing and the store is sound.
// A preview that is quiet plans nothing by construction, so the plan is
// also made the long way: both sides read whole, as the sync's bind reads
// the directory.
func (e *syncEnv) checkIdle(mode, authority string) {
	e.t.Helper()
	p := e.preview(mode, authority)
	if !p.Empty() {
		e.t.Errorf("a second %s/%s run plans %d actions: %s", mode, authority, len(p.Actions), describe(p.Actions))
	}
	if full := e.fullPlan(mode, authority); !full.Empty() {
		e.t.Errorf("a second %s/%s run, planned from both sides read whole, plans %d actions: %s", mode, authority, len(full.Actions), describe(full.Actions))
	}
	if err := e.db.IntegrityCheck(e.ctx); err != nil {
		e.t.Error(err)
	}
}

// fullPlan plans with the given mode and authority from both sides read
// whole, never quietly.
func (e *syncEnv) fullPlan(mode, authority string) *Plan {
	e.t.Helper()
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, authority
	lcfg, err := s.LDAPConfig(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	conn, err := ldap.Dial(e.ctx, lcfg)
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	dir, err := ReadDirectory(e.ctx, conn, s, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := readStore(e.ctx, e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	return PlanSnapshots(s, dir, st)
}

func describe(as []Action) string {
	var out []string
	for i, a := range as {
		if i == 8 {
			out = append(out, "...")
			break
		}
		s := a.Side + " " + a.Op + " " + string(a.Kind) + " " + a.Name
		if a.Member() != "" {
			s += " member " + a.Member()
		}
		for _, d := range a.AttrDiffs() {
			s += " " + d.Field + ":" + d.Old + "->" + d.New
		}
		out = append(out, s+" ("+a.Reason+")")
	}
	return strings.Join(out, "; ")
}
