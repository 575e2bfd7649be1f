package syncer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// storeRows renders what a store holds, row by row, without its own ids
// and clock times: users (tombstones included), groups, memberships by
// name, and links by stable id with their DN and base values. Two stores
// synced from the same directory must render alike.
func storeRows(t *testing.T, e *syncEnv) []string {
	t.Helper()
	users, err := e.db.ListUsers(e.ctx, store.UserFilter{IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := e.db.ListGroups(e.ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.db.Memberships(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	userName, groupName := map[int64]string{}, map[int64]string{}
	var rows []string
	for _, u := range users {
		userName[u.ID] = u.Username
		rows = append(rows, fmt.Sprintf("user %s email=%q first=%q last=%q phone=%q disabled=%v ldap=%v deleted=%v missing=%v",
			u.Username, u.Email, u.FirstName, u.LastName, u.Phone, u.Disabled, u.FromLDAP, u.Deleted(), !u.MissingSince.IsZero()))
	}
	for _, g := range groups {
		groupName[g.ID] = g.Name
		rows = append(rows, fmt.Sprintf("group %s ldap=%v deleted=%v", g.Name, g.FromLDAP, !g.DeletedAt.IsZero()))
	}
	for _, m := range ms {
		rows = append(rows, "member "+groupName[m.GroupID]+" "+userName[m.UserID])
	}
	for _, kind := range []store.Kind{store.KindUser, store.KindGroup} {
		links, err := e.db.ListLinks(e.ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			name := userName[l.LocalID]
			if kind == store.KindGroup {
				name = groupName[l.LocalID]
			}
			for _, vs := range l.Base { // memberships are a set
				sort.Strings(vs)
			}
			base, _ := json.Marshal(l.Base)
			rows = append(rows, fmt.Sprintf("link %s %s %s dn=%s base=%s", kind, name, l.StableID, strings.ToLower(l.DN), base))
		}
	}
	sort.Strings(rows)
	return rows
}

// sameRows fails the test with the rows that differ between two stores.
func sameRows(t *testing.T, a, b []string) {
	t.Helper()
	ina, inb := map[string]bool{}, map[string]bool{}
	for _, r := range a {
		ina[r] = true
	}
	for _, r := range b {
		inb[r] = true
	}
	var diff []string
	for _, r := range a {
		if !inb[r] {
			diff = append(diff, "only incremental: "+r)
		}
	}
	for _, r := range b {
		if !ina[r] {
			diff = append(diff, "only full:        "+r)
		}
	}
	for i, d := range diff {
		if len(d) > 200 {
			diff[i] = d[:200] + "…"
		}
	}
	if len(diff) > 0 || len(a) != len(b) {
		t.Fatalf("the stores differ (%d and %d rows):\n%s", len(a), len(b), strings.Join(diff, "\n"))
	}
}

// actionLines renders a plan's actions for comparing two plans.
func actionLines(p *Plan) []string {
	var out []string
	for _, a := range p.Actions {
		s := a.Side + " " + a.Op + " " + string(a.Kind) + " " + a.Name + " " + a.Member()
		for _, d := range a.AttrDiffs() {
			s += " " + d.Field + ":" + d.Old + "->" + d.New
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// incrementalEnvs are two stores synced from one slapd with syncprov: inc
// with sync.incremental = "auto", full with "off", both on backend.
func incrementalEnvs(t *testing.T, mode, backend string) (inc, full *syncEnv) {
	t.Helper()
	inc = newSyncEnvOn(t, slapdtest.Options{SyncProv: true}, backend)
	inc.s.Sync.Mode = mode
	s := inc.s
	s.Sync.Incremental = wizard.IncrementalOff
	s.Store.URL, s.Store.PasswordFile, s.Store.CAFile = "", "", ""
	full = newSyncEnvBackend(t, s, backend)
	full.srv = inc.srv
	return inc, full
}

// After a full run, 10 users modified, 3 added, 2 deleted, 1 moved and a
// membership changed in the directory: the incremental run reads only
// those, plans exactly what a full run plans, and leaves the store row for
// row as the full run leaves its own.
func TestIncrementalSyncAppliesTheChangesLikeAFullRun(t *testing.T) {
	for _, tc := range []struct{ mode, backend string }{
		{wizard.ModeImport, storeSQLite}, {wizard.ModeTwoWay, storeSQLite}, {wizard.ModeTwoWay, storePostgres},
	} {
		mode := tc.mode
		t.Run(mode+"/"+tc.backend, func(t *testing.T) {
			inc, full := incrementalEnvs(t, mode, tc.backend)
			first := inc.sync(mode, wizard.AuthorityLDAP)
			if r := first.Plan.Read; r == nil || r.Incremental || !strings.Contains(r.Reason, "no sync token yet") {
				t.Fatalf("first run read %+v; want a full read because there is no token", r)
			}
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))
			if again := inc.sync(mode, wizard.AuthorityLDAP); !again.Plan.Read.Incremental || again.Plan.Read.Changes != 0 || len(again.Plan.Actions) != 0 {
				t.Fatalf("a run with nothing changed: read %+v, actions %s", again.Plan.Read, describe(again.Plan.Actions))
			}

			users := inc.srv.Fixture.Users
			dns := make([]string, len(users))
			for i, u := range users {
				dns[i] = u.DN
			}
			added, newDN := inc.changeDirectoryForIncremental(dns, "ou=sales,ou=people,"+slapdtest.BaseDN)
			moved := users[50]
			// refint rewrites member values in the background: let it finish
			// so both stores read the same directory.
			if !inc.waitMember(slapdtest.BigGroupDN, newDN) {
				t.Fatalf("refint did not rename the moved user in %s", slapdtest.BigGroupDN)
			}
			for _, u := range users[40:42] {
				for deadline := time.Now().Add(3 * time.Second); inc.dirHasMember(slapdtest.BigGroupDN, u.DN); time.Sleep(50 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("refint did not remove the deleted %s from %s", u.DN, slapdtest.BigGroupDN)
					}
				}
			}
			inc.addMember(slapdtest.ProjectXGroupDN, added[0], true)
			inc.addMember(slapdtest.ProjectXGroupDN, slapdtest.JohnDoeDN, false)

			incPlan := inc.preview(mode, wizard.AuthorityLDAP)
			fullPlan := full.preview(mode, wizard.AuthorityLDAP)
			if r := incPlan.Read; !r.Incremental || !strings.HasPrefix(r.Token, "rid=") || r.Changes == 0 || r.Changes > 40 {
				t.Fatalf("preview read %+v; want incremental from the token, a few dozen changes at most", r)
			}
			if a, b := strings.Join(actionLines(incPlan), "\n"), strings.Join(actionLines(fullPlan), "\n"); a != b {
				t.Fatalf("the incremental plan differs from the full one:\n--- incremental\n%s\n--- full\n%s", a, b)
			}
			rep := inc.sync(mode, wizard.AuthorityLDAP)
			if !rep.Plan.Read.Incremental || rep.Outcome != store.OutcomeSuccess || rep.Failed != 0 {
				t.Fatalf("incremental run: read %+v, outcome %s, failed %d: %s", rep.Plan.Read, rep.Outcome, rep.Failed, rep.Error)
			}
			sum := rep.Plan.Summary()
			if sum["store create user"] != 3 || sum["store delete user"] != 2 {
				t.Errorf("summary %v; want 3 users created and 2 deleted in the store", sum)
			}
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))
			if l, err := inc.db.LinkByLocalID(inc.ctx, store.KindUser, inc.mustUser(moved.UID).ID); err != nil || !strings.Contains(strings.ToLower(l.DN), "ou=sales") {
				t.Errorf("the moved user's link: %+v, %v", l, err)
			}
			if !inc.inGroup("project-x", "inc.new1") || inc.inGroup("project-x", "jdoe") {
				t.Errorf("project-x members %v", inc.groupMembers("project-x"))
			}
			inc.checkIdle(mode, wizard.AuthorityLDAP)
		})
	}
}

// setCookies replaces the cookies of the saved view.
func setCookies(t *testing.T, e *syncEnv, cookie string) {
	t.Helper()
	tok, err := e.db.SyncToken(e.ctx)
	if err != nil || tok == nil {
		t.Fatalf("token %+v, %v", tok, err)
	}
	v, err := decodeView(tok.View)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Parts {
		p.Cookie = []byte(cookie)
	}
	if tok.View, err = encodeView(v); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveSyncToken(e.ctx, *tok); err != nil {
		t.Fatal(err)
	}
}

// A refused token, a scope change, a changed server and sync.full_every
// each make a full run, saying why in the report and the preview; the run
// after it is incremental again.
func TestIncrementalFallsBackToAFullRun(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	mode := wizard.ModeImport
	e.sync(mode, wizard.AuthorityLDAP)
	expectIncremental := func(what string) {
		t.Helper()
		if r := e.sync(mode, wizard.AuthorityLDAP).Plan.Read; !r.Incremental {
			t.Fatalf("%s: read %+v, want incremental", what, r)
		}
	}
	expectFull := func(what string, rep *Report, err error, reason string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r := rep.Plan.Read
		if r.Incremental || !strings.Contains(r.Reason, reason) || !strings.Contains(r.Line(), "full read: ") {
			t.Fatalf("%s: read %+v; want a full read because %q", what, r, reason)
		}
		var back Report
		var buf strings.Builder
		if err := rep.WriteJSON(&buf); err != nil || json.Unmarshal([]byte(buf.String()), &back) != nil || back.Plan.Read.Reason != r.Reason {
			t.Fatalf("%s: the JSON report does not carry the reason: %s", what, buf.String())
		}
		if rep.Outcome != store.OutcomeSuccess || len(rep.Plan.Actions) != 0 {
			t.Fatalf("%s: outcome %s, actions %s", what, rep.Outcome, describe(rep.Plan.Actions))
		}
		expectIncremental("the run after " + what)
	}
	expectIncremental("the second run")

	// A token from before anything in the database: e-syncRefreshRequired.
	setCookies(t, e, "rid=000,csn=20000101000000.000000Z#000000#000#000000")
	if p := e.preview(mode, wizard.AuthorityLDAP); p.Read.Incremental || !strings.Contains(p.Read.Token, "csn=2000") || !strings.Contains(p.Read.Reason, "refused") {
		t.Fatalf("preview with a token the server refuses: %+v; want a full read from the token, saying it was refused", p.Read)
	}
	rep, err := e.trySync(mode, wizard.AuthorityLDAP, Options{})
	expectFull("a refused token", rep, err, "refused the sync token (e-syncRefreshRequired)")

	// A scope change.
	e.s.Users.Filter = "(!(uid=nobody))"
	rep, err = e.trySync(mode, wizard.AuthorityLDAP, Options{})
	expectFull("users.filter changed", rep, err, "scope settings changed")

	// Another URL for the same server.
	e.s.Connection.URL = strings.Replace(e.srv.URL, "127.0.0.1", "localhost", 1)
	rep, err = e.trySync(mode, wizard.AuthorityLDAP, Options{})
	expectFull("the server changed", rep, err, "directory server changed")

	// sync.full_every has passed since the last full read.
	e.s.Sync.FullEvery = "1h"
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	rep, err = e.trySync(mode, wizard.AuthorityLDAP, Options{Now: later})
	expectFull("full_every passed", rep, err, "sync.full_every (1h0m0s) has passed")

	// "off" reads whole and says so.
	e.s.Sync.Incremental = wizard.IncrementalOff
	if p := e.preview(mode, wizard.AuthorityLDAP); p.Read.Incremental || !strings.Contains(p.Read.Reason, "\"off\"") {
		t.Fatalf("with incremental off: %+v", p.Read)
	}
}

// A directory without syncprov is read whole, with the reason naming the
// missing overlay, and no token is kept.
func TestIncrementalWithoutSyncProv(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if r := rep.Plan.Read; r.Incremental || !strings.Contains(r.Reason, "no syncprov overlay") {
		t.Fatalf("read %+v; want a full read naming syncprov", r)
	}
	if tok, err := e.db.SyncToken(e.ctx); err != nil || tok != nil {
		t.Fatalf("a token was kept: %+v, %v", tok, err)
	}
	_ = ldap.SyncMethodSyncrepl
}

// More writes since the token than syncprov's session log holds: the
// server answers with the present phase (every entry still in scope named,
// the others gone), and the run is still incremental and exact.
func TestIncrementalPresentPhase(t *testing.T) {
	inc, full := incrementalEnvs(t, wizard.ModeImport, storeSQLite)
	inc.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	full.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	users := inc.srv.Fixture.Users
	for i := 0; i <= slapdtest.SyncProvSessionlog; i++ {
		inc.modify(users[60].DN, "description", fmt.Sprint("write ", i))
	}
	inc.modify(users[61].DN, "sn", "Renamed")
	if err := inc.conn.Delete(inc.ctx, users[62].DN); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Second); inc.dirHasMember(slapdtest.BigGroupDN, users[62].DN); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("refint did not remove the deleted user")
		}
	}
	rep := inc.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	t.Logf("read: %s", rep.Plan.Read.Line())
	if !rep.Plan.Read.Incremental {
		t.Fatalf("read %+v; want incremental through the present phase", rep.Plan.Read)
	}
	full.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	sameRows(t, storeRows(t, inc), storeRows(t, full))
	if u := inc.user(users[62].UID); u != nil && !u.Deleted() {
		t.Errorf("the deleted user is still in the store: %+v", u)
	}
}

// Memberships read from the users' memberOf (groups.member_attribute
// empty) and groups.sync_only: the memberof overlay rewrites memberOf
// without telling a content-sync client, so the users whose membership
// changed are read again, and the store still equals a full run's.
func TestIncrementalMemberOfAndSyncOnly(t *testing.T) {
	for _, name := range []string{"memberOf", "sync_only"} {
		t.Run(name, func(t *testing.T) {
			inc := newSyncEnv(t, slapdtest.Options{SyncProv: true})
			if name == "memberOf" {
				inc.s.Groups.MemberAttribute = ""
			} else {
				inc.s.Groups.SyncOnly = []string{"project-x"}
			}
			s := inc.s
			s.Sync.Incremental = wizard.IncrementalOff
			full := newSyncEnvFor(t, s)
			mode := wizard.ModeImport
			inc.sync(mode, wizard.AuthorityLDAP)
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))

			users := inc.srv.Fixture.Users
			inc.addMember(slapdtest.ProjectXGroupDN, users[30].DN, true)
			inc.addMember(slapdtest.ProjectXGroupDN, slapdtest.JohnDoeDN, false)
			moved := users[31]
			inc.addMember(slapdtest.ProjectXGroupDN, moved.DN, true)
			newDN := strings.SplitN(moved.DN, ",", 2)[0] + ",ou=sales,ou=people," + slapdtest.BaseDN
			if _, err := inc.conn.Rename(inc.ctx, moved.DN, strings.SplitN(moved.DN, ",", 2)[0], "ou=sales,ou=people,"+slapdtest.BaseDN); err != nil {
				t.Fatal(err)
			}
			if !inc.waitMember(slapdtest.ProjectXGroupDN, newDN) {
				t.Fatal("refint did not rename the moved member")
			}
			rep := inc.sync(mode, wizard.AuthorityLDAP)
			if !rep.Plan.Read.Incremental {
				t.Fatalf("read %+v; want incremental", rep.Plan.Read)
			}
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))
			if !inc.inGroup("project-x", users[30].UID) || !inc.inGroup("project-x", moved.UID) || inc.inGroup("project-x", "jdoe") {
				t.Errorf("project-x members %v", inc.groupMembers("project-x"))
			}
			inc.checkIdle(mode, wizard.AuthorityLDAP)
		})
	}
}

// A users.filter on memberOf: the memberof overlay puts users in and out
// of it unseen by a content-sync client, so every run reads whole, says
// why, and a user added to the group is still found.
func TestIncrementalReadsWholeWithAMemberOfFilter(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	e.s.Users.Filter = "(memberOf=" + slapdtest.ProjectXGroupDN + ")"
	for i := 0; i < 2; i++ {
		rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
		if r := rep.Plan.Read; r.Incremental || !strings.Contains(r.Reason, "users.filter tests memberof") {
			t.Fatalf("run %d read %+v; want a full read naming users.filter", i, r)
		}
		if tok, err := e.db.SyncToken(e.ctx); err != nil || tok != nil {
			t.Fatalf("a token was kept: %+v, %v", tok, err)
		}
		e.addMember(slapdtest.ProjectXGroupDN, e.srv.Fixture.Users[40+i].DN, true)
	}
	e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if !e.inGroup("project-x", e.srv.Fixture.Users[41].UID) {
		t.Errorf("the user added to the group was not imported: %v", e.groupMembers("project-x"))
	}
}

// A preview (like a dry run) saves no token, so it takes none and packs
// no view for a next run: without a saved token it reads whole, as the
// first sync would, and with one it reads from it, and either way leaves
// nothing to save and the saved token as it was.
func TestPreviewKeepsNoView(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	first := e.preview(wizard.ModeImport, wizard.AuthorityLDAP)
	if r := first.Read; r.Incremental || !strings.Contains(r.Reason, "no sync token yet") || r.next != nil || len(first.Actions) == 0 {
		t.Fatalf("preview without a token: read %+v (a view to save: %v), %d actions; want a whole read, nothing to save", r, r.next != nil, len(first.Actions))
	}
	if tok, err := e.db.SyncToken(e.ctx); err != nil || tok != nil {
		t.Fatalf("after the preview: token %v, %v; want none", tok, err)
	}
	e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	saved, err := e.db.SyncToken(e.ctx)
	if err != nil || saved == nil {
		t.Fatalf("after the sync: token %v, %v", saved, err)
	}
	e.modify(slapdtest.JohnDoeDN, "sn", "Previewed")
	p := e.preview(wizard.ModeImport, wizard.AuthorityLDAP)
	if r := p.Read; !r.Incremental || r.Changes != 1 || r.next != nil {
		t.Fatalf("preview from the token: read %+v (a view to save: %v); want one change, read from the token, nothing to save", r, r.next != nil)
	}
	if lines := actionLines(p); len(lines) != 1 || !strings.Contains(lines[0], "Previewed") {
		t.Fatalf("preview from the token planned %q; want John Doe's new sn", lines)
	}
	if now, err := e.db.SyncToken(e.ctx); err != nil || now == nil || !bytes.Equal(now.Token, saved.Token) || !bytes.Equal(now.View, saved.View) {
		t.Fatalf("the preview changed the saved token (%v)", err)
	}
	if rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP); !rep.Plan.Read.Incremental || rep.Applied != 1 {
		t.Fatalf("the sync after the preview: read %+v, applied %d; want the change applied from the token", rep.Plan.Read, rep.Applied)
	}
}
