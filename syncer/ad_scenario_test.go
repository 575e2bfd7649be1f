package syncer

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// adEnv is a Samba AD domain with an OU of its own for the synchronized
// users and groups, a fresh store, and the AD preset pointed at both.
type adEnv struct {
	t      *testing.T
	ctx    context.Context
	srv    *sambatest.Server
	s      wizard.Settings
	getenv func(string) string
	db     *store.DB
	admin  *ldap.Conn
	ou     string
}

func newADEnv(t *testing.T, ou string) *adEnv {
	t.Helper()
	srv := sambatest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	e := &adEnv{t: t, ctx: ctx, srv: srv}
	e.s, e.getenv = adPresetFor(t, srv)
	e.ou = srv.AddOU(t, ou)
	e.s.Users.SearchBase, e.s.Groups.SearchBase = e.ou, e.ou
	e.s.Sync.Mode, e.s.Sync.Authority, e.s.Sync.MaxDelete = wizard.ModeTwoWay, wizard.AuthorityLDAP, "100%"
	e.s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	db, err := store.Open(ctx, e.s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	lc, err := e.s.LDAPConfig(e.getenv)
	if err != nil {
		t.Fatal(err)
	}
	if e.admin, err = ldap.Dial(ctx, lc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.admin.Close() })
	return e
}

// addUser creates an AD user in the OU with a password and mail.
func (e *adEnv) addUser(t *testing.T, sam, given, sn string, disabled bool) string {
	t.Helper()
	dn := ldap.BuildDN("cn", given+" "+sn, e.ou)
	err := e.admin.AddADUser(e.ctx, dn, ldap.ADUser{SAMAccountName: sam, UserPrincipalName: sam + "@example.test",
		Password: "Us3r!Passw0rd", Disabled: disabled,
		Attributes: map[string][]string{"givenName": {given}, "sn": {sn}, "mail": {sam + "@example.test"}}})
	if err != nil {
		t.Fatal(err)
	}
	return dn
}

func (e *adEnv) addGroup(t *testing.T, name string, members ...string) string {
	t.Helper()
	dn := ldap.BuildDN("cn", name, e.ou)
	if err := e.admin.AddADGroup(e.ctx, dn, name, ldap.GroupTypeGlobalSecurity, members); err != nil {
		t.Fatal(err)
	}
	return dn
}

func (e *adEnv) modify(t *testing.T, dn string, op ldap.ChangeOp, attr string, values ...string) {
	t.Helper()
	if err := e.admin.Modify(e.ctx, dn, []ldap.Change{{Op: op, Attr: attr, Values: values}}); err != nil {
		t.Fatalf("modify %s %s: %v", dn, attr, err)
	}
}

func (e *adEnv) entry(t *testing.T, dn string) *ldap.Entry {
	t.Helper()
	en, err := e.admin.Entry(e.ctx, dn)
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return en
}

// sync runs a sync and fails the test on any error or failed change.
func (e *adEnv) sync(t *testing.T) *Report {
	t.Helper()
	rep, err := Run(e.ctx, e.s, e.db, Options{Getenv: e.getenv})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

func (e *adEnv) preview(t *testing.T) *Plan {
	t.Helper()
	p, err := Preview(e.ctx, e.s, e.db, Options{Getenv: e.getenv})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	return p
}

func (e *adEnv) idle(t *testing.T) {
	t.Helper()
	if p := e.preview(t); !p.Empty() {
		t.Errorf("a rerun plans %d actions: %s", len(p.Actions), describe(p.Actions))
	}
}

func (e *adEnv) user(t *testing.T, name string) *store.User {
	t.Helper()
	u, err := e.db.GetUserByName(e.ctx, name)
	if err != nil {
		t.Fatalf("store user %s: %v", name, err)
	}
	return u
}

// dnOf returns the DN the store user is linked to.
func (e *adEnv) dnOf(t *testing.T, name string) string {
	t.Helper()
	l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, e.user(t, name).ID)
	if err != nil {
		t.Fatalf("%s is not linked: %v", name, err)
	}
	return l.DN
}

func (e *adEnv) uac(t *testing.T, name string) string {
	t.Helper()
	return e.entry(t, e.dnOf(t, name)).First("userAccountControl")
}

func (e *adEnv) storeMembers(t *testing.T, group string) string {
	t.Helper()
	g, err := e.db.GetGroupByName(e.ctx, group)
	if err != nil {
		t.Fatalf("store group %s: %v", group, err)
	}
	ids, err := e.db.GroupMembers(e.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range ids {
		u, err := e.db.GetUser(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, u.Username)
	}
	return strings.Join(sortedStrings(names), ",")
}

func (e *adEnv) dirMembers(t *testing.T, groupDN string) string {
	t.Helper()
	var names []string
	for _, m := range e.entry(t, groupDN).Get("member") {
		names = append(names, e.entry(t, m).First("sAMAccountName"))
	}
	return strings.Join(sortedStrings(names), ",")
}

// bind reports whether the account dn binds with password.
func (e *adEnv) bind(dn, password string) error {
	lc, err := e.s.LDAPConfig(e.getenv)
	if err != nil {
		return err
	}
	lc.BindDN, lc.BindPassword = dn, password
	c, err := ldap.Dial(e.ctx, lc)
	if err == nil {
		c.Close()
	}
	return err
}

func sortedStrings(s []string) []string {
	out := append([]string{}, s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && strings.ToLower(out[j]) < strings.ToLower(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// The two-way scenario on Active Directory (Samba): creates on each side,
// updates on each side, disable and re-enable from each side, a password
// change from the store, membership changes on each side; after each step
// a rerun plans nothing.
func TestSyncADTwoWayScenario(t *testing.T) {
	e := newADEnv(t, "sync")
	ctx := e.ctx
	aliceDN := e.addUser(t, "alice", "Alice", "Liddell", false)
	bobDN := e.addUser(t, "bob", "Bob", "Stone", true)
	teamDN := e.addGroup(t, "team", aliceDN, bobDN)

	t.Run("first sync creates on each side", func(t *testing.T) {
		dave, err := e.db.CreateUser(ctx, store.NewUser{Username: "dave", FirstName: "Dave", LastName: "Dunn", Email: "dave@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SetPassword(ctx, dave.ID, "D4ve!Passw0rd"); err != nil {
			t.Fatal(err)
		}
		devs, err := e.db.CreateGroup(ctx, "devs", "", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.AddMember(ctx, dave.ID, devs.ID); err != nil {
			t.Fatal(err)
		}
		// 21 characters: too long for a sAMAccountName.
		if _, err := e.db.CreateUser(ctx, store.NewUser{Username: "averyveryverylongname", LastName: "Long"}); err != nil {
			t.Fatal(err)
		}
		p := e.preview(t)
		var skip *Skip
		for i := range p.Skipped {
			if p.Skipped[i].Name == "averyveryverylongname" {
				skip = &p.Skipped[i]
			}
		}
		if skip == nil || skip.Reason != SkipInvalidUsername || !strings.Contains(skip.Detail, "at most 20") {
			t.Errorf("the 21-character username is not skipped with the reason: %+v", p.Skipped)
		}
		rep := e.sync(t)
		if rep.Failed != 0 || rep.Outcome != store.OutcomeSuccess {
			t.Fatalf("first sync: %s %s", rep.Outcome, rep.Error)
		}
		alice, bob := e.user(t, "alice"), e.user(t, "bob")
		if alice.Disabled || !bob.Disabled || alice.Email != "alice@example.test" || alice.LastName != "Liddell" {
			t.Errorf("imported: alice %+v, bob disabled=%v", alice, bob.Disabled)
		}
		l, err := e.db.LinkByLocalID(ctx, store.KindUser, alice.ID)
		if err != nil || !guidPattern.MatchString(l.StableID) {
			t.Errorf("alice's link should hold her objectGUID as a GUID string: %+v %v", l, err)
		}
		if got := e.storeMembers(t, "team"); got != "alice,bob" {
			t.Errorf("store team members %q", got)
		}
		// dave, created in AD in one add: sAMAccountName, UPN, password, 512.
		de := e.entry(t, e.dnOf(t, "dave"))
		if de.First("sAMAccountName") != "dave" || de.First("userPrincipalName") != "dave@example.test" ||
			de.First("userAccountControl") != "512" || de.First("sn") != "Dunn" || de.First("mail") != "dave@example.test" {
			t.Errorf("dave in AD: %v", de.Attributes)
		}
		if err := e.bind("dave@example.test", "D4ve!Passw0rd"); err != nil {
			t.Errorf("dave cannot bind by UPN with the store's password: %v", err)
		}
		// devs, created in AD as a global security group with its member.
		var devsDN string
		err = e.admin.Search(ctx, ldap.SearchRequest{Base: e.ou, Filter: "(&(objectClass=group)(cn=devs))",
			Attributes: []string{"sAMAccountName", "groupType", "member"}}, func(en *ldap.Entry) error {
			devsDN = en.DN
			if en.First("sAMAccountName") != "devs" || en.First("groupType") != "-2147483646" {
				t.Errorf("devs in AD: %v", en.Attributes)
			}
			return nil
		})
		if err != nil || devsDN == "" {
			t.Fatalf("devs not created in AD: %v", err)
		}
		if got := e.dirMembers(t, devsDN); got != "dave" {
			t.Errorf("AD devs members %q", got)
		}
		e.idle(t)
	})

	t.Run("updates on each side", func(t *testing.T) {
		e.modify(t, aliceDN, ldap.ModReplace, "mail", "alice.liddell@example.test")
		dave := e.user(t, "dave")
		last, phone := "Dunne", "+1 555 0199"
		if _, err := e.db.UpdateUser(ctx, dave.ID, store.UserUpdate{LastName: &last, Phone: &phone}); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		if got := e.user(t, "alice").Email; got != "alice.liddell@example.test" {
			t.Errorf("alice's mail in the store: %q", got)
		}
		de := e.entry(t, e.dnOf(t, "dave"))
		if de.First("sn") != "Dunne" || de.First("telephoneNumber") != phone {
			t.Errorf("dave in AD: sn %q phone %q", de.First("sn"), de.First("telephoneNumber"))
		}
		e.idle(t)
	})

	t.Run("disable on each side, never delete", func(t *testing.T) {
		e.modify(t, aliceDN, ldap.ModReplace, "userAccountControl", "514")
		if _, err := e.db.SetUserDisabled(ctx, e.user(t, "dave").ID, true); err != nil {
			t.Fatal(err)
		}
		rep := e.sync(t)
		if n := len(rep.Plan.Select("", OpDelete)); n != 0 {
			t.Errorf("disabling planned %d deletes", n)
		}
		if !e.user(t, "alice").Disabled {
			t.Error("alice, disabled in AD, is enabled in the store")
		}
		if got := e.uac(t, "dave"); got != "514" {
			t.Errorf("dave's userAccountControl is %s, want 514", got)
		}
		if err := e.bind("dave@example.test", "D4ve!Passw0rd"); err == nil || !strings.Contains(ldap.Explain(err).SubCode, "533") {
			t.Errorf("disabled dave binds or the error does not say 533: %v", err)
		}
		e.idle(t)
	})

	t.Run("re-enable on each side", func(t *testing.T) {
		if _, err := e.db.SetUserDisabled(ctx, e.user(t, "alice").ID, false); err != nil {
			t.Fatal(err)
		}
		e.modify(t, e.dnOf(t, "dave"), ldap.ModReplace, "userAccountControl", "512")
		e.sync(t)
		if got := e.uac(t, "alice"); got != "512" {
			t.Errorf("alice's userAccountControl is %s, want 512", got)
		}
		if e.user(t, "dave").Disabled {
			t.Error("dave, enabled in AD, is still disabled in the store")
		}
		e.idle(t)
	})

	t.Run("password change from the store", func(t *testing.T) {
		if _, err := e.db.SetPassword(ctx, e.user(t, "alice").ID, "N3w!Passw0rd"); err != nil {
			t.Fatal(err)
		}
		rep := e.sync(t)
		if n := len(rep.Plan.Select(SideLDAP, OpPassword)); n != 1 {
			t.Errorf("%d password changes planned", n)
		}
		if err := e.bind(aliceDN, "N3w!Passw0rd"); err != nil {
			t.Errorf("alice cannot bind with her new password: %v", err)
		}
		if err := e.bind(aliceDN, "Us3r!Passw0rd"); err == nil {
			t.Error("alice still binds with her old password")
		}
		if u := e.user(t, "alice"); u.PasswordPending {
			t.Error("the pending password was not cleared")
		}
		e.idle(t)
	})

	t.Run("membership changes on each side", func(t *testing.T) {
		e.modify(t, teamDN, ldap.ModAdd, "member", e.dnOf(t, "dave"))
		e.modify(t, teamDN, ldap.ModDelete, "member", bobDN)
		devs, err := e.db.GetGroupByName(ctx, "devs")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.AddMember(ctx, e.user(t, "alice").ID, devs.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RemoveMember(ctx, e.user(t, "dave").ID, devs.ID); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		if got := e.storeMembers(t, "team"); got != "alice,dave" {
			t.Errorf("store team members %q, want alice,dave", got)
		}
		devsDN := ldap.BuildDN("cn", "devs", e.ou)
		if got := e.dirMembers(t, devsDN); got != "alice" {
			t.Errorf("AD devs members %q, want alice", got)
		}
		e.idle(t)
	})

	t.Run("a store user without a password is created disabled", func(t *testing.T) {
		if _, err := e.db.CreateUser(ctx, store.NewUser{Username: "erin", FirstName: "Erin", LastName: "Moss"}); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		if !e.user(t, "erin").Disabled {
			t.Error("erin, created disabled in AD for want of a password, is enabled in the store")
		}
		if dis, err := ldap.UACDisabled(e.uac(t, "erin")); err != nil || !dis {
			t.Errorf("erin's userAccountControl %s", e.uac(t, "erin"))
		}
		e.idle(t)
		// A password and enabling in the store enable the account in AD.
		erin := e.user(t, "erin")
		if _, err := e.db.SetPassword(ctx, erin.ID, "Er1n!Passw0rd"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SetUserDisabled(ctx, erin.ID, false); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		if err := e.bind("erin@example.test", "Er1n!Passw0rd"); err != nil {
			t.Errorf("erin cannot bind after the password and enabling: %v", err)
		}
		e.idle(t)
	})

	t.Run("a moved entry is followed by its objectGUID", func(t *testing.T) {
		sub := "OU=moved," + e.ou
		if err := e.admin.Add(ctx, sub, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"moved"}}); err != nil {
			t.Fatal(err)
		}
		bob := e.user(t, "bob")
		before, err := e.db.LinkByLocalID(ctx, store.KindUser, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		newDN, err := e.admin.Rename(ctx, bobDN, "CN=Bob Stone", sub)
		if err != nil {
			t.Fatalf("move bob: %v", err)
		}
		rep := e.sync(t)
		if got := rep.Plan.Select("", ""); len(got) != 1 || got[0].Op != OpRename {
			t.Errorf("moving bob plans: %s", describe(got))
		}
		after, err := e.db.LinkByLocalID(ctx, store.KindUser, bob.ID)
		if err != nil || after.StableID != before.StableID || !ldap.DNEqual(after.DN, newDN) {
			t.Errorf("bob's link after the move: %+v (before %+v) %v", after, before, err)
		}
		e.idle(t)
	})
}
