package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestPreviewListsMembershipsTheRunApplies (issue 17, defect 4): a first
// import against the demo directory adds the memberships of the groups it
// creates; the Preview lists each of them (the Members tab and the group
// create's row), and the run that follows applies exactly the plan the
// Preview showed, with the same counts. Then a two-way run with a
// membership changed on each side: the Preview lists both, per side, and
// the run applies them.
func TestPreviewListsMembershipsTheRunApplies(t *testing.T) {
	s := startDemo(t, false)
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 100, 30)
	d.keys("enter")

	// First import.
	pl := previewAndCheck(t, d)
	n := pl.MembershipChanges(syncer.SideStore)
	if n == 0 {
		t.Fatalf("a first import with groups lists no membership:\n%s", d.screen())
	}
	d.contains("Members "+thousands(n), countOf(n, "membership"))
	d.lacks("Members 0")
	rep := runAndCheck(t, d, pl)
	if got := storeMemberships(t, s.Store.Path); got != n {
		t.Fatalf("the store holds %d memberships after the import; the preview listed %d", got, n)
	}
	_ = rep

	// A membership added in the store, one removed in the directory.
	db, err := store.Open(context.Background(), s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	groups, err := db.ListGroups(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.Group{}
	for _, g := range groups {
		byName[g.Name] = g
	}
	sales, support := byName["sales"], byName["support"]
	u, err := db.GetUserByName(ctx, "user1")
	if err != nil || sales.ID == 0 || support.ID == 0 {
		t.Fatalf("user1 %v, groups %v", err, groups)
	}
	if added, err := db.AddMember(ctx, u.ID, sales.ID); err != nil || !added {
		t.Fatalf("add user1 to sales in the store: %v %v", added, err)
	}
	db.Close()
	conn, err := settingsDialer(s, "", func(string) string { return "" })(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var supportDN, removed string // aivanova, a member of support in the store too
	for _, q := range []struct {
		base, filter string
		dn           *string
	}{{s.Groups.SearchBase, "(cn=support)", &supportDN}, {s.Users.SearchBase, "(uid=aivanova)", &removed}} {
		err = conn.Search(ctx, ldap.SearchRequest{Base: q.base, Filter: q.filter, Attributes: []string{"1.1"}}, func(e *ldap.Entry) error {
			*q.dn = e.DN
			return nil
		})
		if err != nil || *q.dn == "" {
			t.Fatalf("search %s: %v", q.filter, err)
		}
	}
	if err := conn.Modify(ctx, supportDN, []ldap.Change{{Op: ldap.ModDelete, Attr: "member", Values: []string{removed}}}); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	pl = previewAndCheck(t, d, "r") // the settings did not change: r reads both sides again
	if pl.MembershipChanges(syncer.SideLDAP) != 1 || pl.MembershipChanges(syncer.SideStore) != 1 {
		t.Fatalf("two-way: memberships directory %d, store %d; want 1 and 1", pl.MembershipChanges(syncer.SideLDAP), pl.MembershipChanges(syncer.SideStore))
	}
	p := d.m.previewS()
	for range len(p.tabs) {
		if p.tabs[p.tab].title == "Members" {
			break
		}
		d.keys("right")
	}
	d.contains("[Members 2]", "directory add member  user1 in sales", "store     remove member  aivanova in support")
	runAndCheck(t, d, pl)
}

// previewAndCheck goes to the Preview, waits for the plan and returns it.
func previewAndCheck(t *testing.T, d *driver, keys ...string) *syncer.Plan {
	t.Helper()
	d.gotoScreen(wizard.ScreenPreview)
	d.keys(keys...)
	p := d.m.previewS()
	if p.plan == nil {
		t.Fatalf("no plan: %v\n%s", p.err, d.screen())
	}
	if got, want := p.tabs[4].count(), p.plan.MembershipChanges(""); got != want {
		t.Fatalf("the Members tab lists %d rows; the plan changes %d memberships", got, want)
	}
	return p.plan
}

// runAndCheck runs the sync from the Run screen and checks that it applied
// exactly the changes the preview's plan listed, and says the same counts.
func runAndCheck(t *testing.T, d *driver, pl *syncer.Plan) *syncer.Report {
	t.Helper()
	d.gotoScreen(wizard.ScreenRun)
	d.keys("enter", "y")
	r := d.m.runS()
	if r.rep == nil || r.rep.Failed > 0 || r.rep.Plan == nil {
		t.Fatalf("run: %+v\n%s", r.rep, d.screen())
	}
	want, got := changeKeys(pl.Visible()), []string{}
	for _, a := range r.rep.Plan.Visible() {
		if a.Done {
			got = append(got, changeKey(a))
		}
	}
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Fatalf("the run applied %d changes, the preview listed %d", len(got), len(want))
	}
	d.contains("Directory: "+sideCounts(pl, syncer.SideLDAP), "Store:     "+sideCounts(pl, syncer.SideStore))
	return r.rep
}

// changeKey identifies a change, with the members a group create adds.
func changeKey(a syncer.Action) string {
	return strings.Join([]string{a.Side, a.Op, string(a.Kind), a.Name, a.Member(), strings.Join(a.Members(), ",")}, "|")
}

func changeKeys(as []syncer.Action) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, changeKey(a))
	}
	slices.Sort(out)
	return out
}

// storeMemberships counts the memberships in the store at path.
func storeMemberships(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Memberships(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}
