package syncer

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// state renders both sides for comparison: store users (with link DNs),
// groups and members; directory users and group members.
func (e *syncEnv) state() string {
	e.t.Helper()
	var lines []string
	users, err := e.db.ListUsers(e.ctx, store.UserFilter{IncludeDeleted: true})
	if err != nil {
		e.t.Fatal(err)
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Username
		dn := "-"
		if l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u.ID); err == nil {
			dn, _ = ldap.NormalizeDN(l.DN)
		}
		lines = append(lines, fmt.Sprintf("store user %s|%s|%s|%s|dis=%v|del=%v|pw=%v|%s",
			u.Username, u.Email, u.FirstName, u.LastName, u.Disabled, u.Deleted(), u.PasswordPending, dn))
	}
	groups, err := e.db.ListGroups(e.ctx, true)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range groups {
		ids, _ := e.db.GroupMembers(e.ctx, g.ID)
		var ms []string
		for _, id := range ids {
			ms = append(ms, names[id])
		}
		sort.Strings(ms)
		lines = append(lines, fmt.Sprintf("store group %s del=%v: %s", g.Name, g.Deleted(), strings.Join(ms, ",")))
	}
	lines = append(lines, e.settledDirectory()...)
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// settledDirectory returns the directory's users and groups as state
// lists them, once refint has settled: it rewrites member values in the
// background after a rename or delete, so a read right after a sync may
// still find a member naming an entry that is no longer there. It reads
// again, up to 5 s, until no member does, and returns the last read.
func (e *syncEnv) settledDirectory() []string {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines, dangling := e.directoryLines()
		if !dangling || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// directoryLines reads the directory's users and groups as state lists
// them, and reports whether a member value names none of them.
func (e *syncEnv) directoryLines() (lines []string, dangling bool) {
	e.t.Helper()
	entries := map[string]bool{}
	var members []string
	err := e.conn.Search(e.ctx, ldap.SearchRequest{Base: "dc=example,dc=com", Filter: "(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))",
		Attributes: []string{"uid", "mail", "cn", "sn", "member"}}, func(en *ldap.Entry) error {
		dn, _ := ldap.NormalizeDN(en.DN)
		entries[dn] = true
		var ms []string
		for _, m := range en.Get("member") {
			n, _ := ldap.NormalizeDN(m)
			ms = append(ms, n)
		}
		members = append(members, ms...)
		sort.Strings(ms)
		lines = append(lines, fmt.Sprintf("dir %s|%s|%s|%s|%s", dn, en.First("uid"), en.First("mail"), en.First("sn"), strings.Join(ms, ",")))
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range members {
		if !entries[m] {
			return lines, true
		}
	}
	return lines, false
}

// seedMany makes changes on both sides that need many directory writes.
func seedMany(e *syncEnv) {
	e.t.Helper()
	team, err := e.db.GetGroupByName(e.ctx, "team")
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		u, err := e.db.CreateUser(e.ctx, store.NewUser{Username: fmt.Sprintf("new%02d", i), Email: fmt.Sprintf("new%02d@example.com", i), LastName: "Newton"})
		if err != nil {
			e.t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := e.db.SetPassword(e.ctx, u.ID, "Secret-pw-1"); err != nil {
				e.t.Fatal(err)
			}
		}
		if i%2 == 0 {
			if _, err := e.db.AddMember(e.ctx, u.ID, team.ID); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	v := "alice@changed.example.com"
	if _, err := e.db.UpdateUser(e.ctx, e.mustUser("alice").ID, store.UserUpdate{Email: &v}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.DeleteUser(e.ctx, e.mustUser("jdoe").ID); err != nil {
		e.t.Fatal(err)
	}
	e.modify(carolDN, "mail", "carol@dir.example.com")
	e.addDirUser("dirnew", "dirnew@example.com")
	e.addMember(teamDN, carolDN, true)
}

func TestSyncInterruptedConverges(t *testing.T) {
	ref := newSmallEnv(t)
	seedMany(ref)
	rep := ref.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	total := len(rep.Plan.Actions)
	want := ref.state()
	if total < 20 {
		t.Fatalf("the seed plans only %d actions", total)
	}
	for _, stopAt := range []int{1, 7, total / 2, total - 2} {
		t.Run(fmt.Sprintf("stop_after_%d_of_%d", stopAt, total), func(t *testing.T) {
			e := newSmallEnv(t)
			seedMany(e)
			var once sync.Once
			_, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{Progress: func(ev Event) {
				if ev.Phase == PhaseApply && ev.Done >= stopAt {
					once.Do(e.srv.Stop)
				}
			}})
			if err == nil {
				t.Fatal("the run succeeded although slapd was stopped")
			}
			t.Logf("interrupted run: %v", err)
			if !strings.Contains(err.Error(), "the sync stopped after") || !strings.Contains(err.Error(), "run the sync again") {
				t.Errorf("unclear error: %v", err)
			}
			if err := e.db.IntegrityCheck(e.ctx); err != nil {
				t.Fatal(err)
			}
			runs, _ := e.db.ListRuns(e.ctx, 1)
			if len(runs) != 1 || runs[0].Outcome != store.OutcomeFailed {
				t.Errorf("last run: %+v", runs)
			}
			if err := e.srv.Restart(); err != nil {
				t.Fatal(err)
			}
			e.reconnect()
			e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if got := e.state(); got != want {
				t.Errorf("state after interruption and rerun differs from an uninterrupted run:\n%s", diffLines(want, got))
			}
			e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		})
	}
}

// diffLines shows the lines only in want or only in got.
func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var out []string
	for l := range w {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range g {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func TestSyncConcurrentRunsRefused(t *testing.T) {
	e := newSmallEnv(t)
	reading := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		_, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{Progress: func(ev Event) {
			if ev.Phase == PhaseReadDirectory {
				once.Do(func() { close(reading); <-release })
			}
		}})
		done <- err
	}()
	select {
	case <-reading:
	case err := <-done:
		t.Fatalf("first run ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("first run never started reading")
	}
	_, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
	close(release)
	if !errors.Is(err, store.ErrSyncRunning) || !strings.Contains(err.Error(), "another sync is running") {
		t.Errorf("second run: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first run: %v", err)
	}
	// A dry run needs no lock and changes nothing.
	e.modify(aliceDN, "mail", "dry@example.com")
	before := e.state()
	rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{DryRun: true})
	if err != nil || rep.Plan.Changes() != 1 {
		t.Fatalf("dry run: %v %+v", err, rep)
	}
	if e.state() != before {
		t.Error("the dry run changed something")
	}
	if runs, _ := e.db.ListRuns(e.ctx, 10); len(runs) != 2 {
		t.Errorf("a dry run recorded a run: %d runs", len(runs))
	}
}

func TestSyncSearchBaseTypoRefused(t *testing.T) {
	e := newSmallEnv(t)
	before := e.state()
	// A base that exists but holds no users: the empty-result guard.
	e.s.Users.SearchBase = "ou=groups,dc=example,dc=com"
	_, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
	var ge *GuardError
	if !errors.As(err, &ge) || ge.Guard != "empty-result" || !strings.Contains(err.Error(), "6 store users are linked") {
		t.Errorf("empty base: %v", err)
	}
	// A base that does not exist: the search itself fails, naming the setting.
	e.s.Users.SearchBase = "ou=peple,dc=example,dc=com"
	_, err = e.trySync(wizard.ModeImport, wizard.AuthorityLDAP, Options{})
	if err == nil || !strings.Contains(err.Error(), "users.search_base") {
		t.Errorf("missing base: %v", err)
	}
	if after := e.state(); after != before {
		t.Errorf("the store or directory changed:\n%s", diffLines(before, after))
	}
	// max_delete: deleting 2 of 6 linked users is more than 10%.
	e.s.Users.SearchBase = "ou=people,dc=example,dc=com"
	e.s.Sync.MaxDelete = "10%"
	for _, dn := range []string{aliceDN, bobDN} {
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
	if !errors.As(err, &ge) || ge.Guard != "max_delete" || !strings.Contains(err.Error(), "deletes 2 users") {
		t.Errorf("max_delete: %v", err)
	}
	if e.user("alice") == nil {
		t.Error("the refused run deleted alice")
	}
	if _, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{Force: true}); err != nil {
		t.Errorf("forced run: %v", err)
	}
	if e.user("alice") != nil {
		t.Error("the forced run kept alice")
	}
}
