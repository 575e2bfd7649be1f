package ui

import (
	"context"
	"fmt"
	"testing"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestUsersCountAppliesSyncOnly (issue 17, defect 5): with groups.sync_only
// naming a group, the Users live count says how many users the sync keeps
// (read as the sync reads them), not every user of the base; a name that
// matches no group is flagged beside the field on Groups and on Review,
// before any preview.
func TestUsersCountAppliesSyncOnly(t *testing.T) {
	s := startDemo(t, false)
	s.Groups.SyncOnly = []string{"sales"}
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter") // Open the file
	d.gotoScreen(wizard.ScreenUsers)

	all, inScope := syncReads(t, s)
	if inScope == 0 || inScope >= all {
		t.Fatalf("the demo's sales group should keep some of the users: %d of %d", inScope, all)
	}
	d.contains(fmt.Sprintf("✓ %s to sync: members of sales", countOf(inScope, "user")), "of "+thousands(all)+" matching")
	d.lacks("✓ matches " + countOf(all, "user"))

	// The Groups count is the sync's too: sales, and what is nested in it.
	d.gotoScreen(wizard.ScreenGroups)
	d.contains("✓ 1 group to sync: sales and the groups nested in them")

	// A name that is no group: flagged beside the field and on Review.
	d.replace("groups.sync_only", "sales, nosuchgroup")
	if got := d.m.Settings().Groups.SyncOnly; len(got) != 2 || got[1] != "nosuchgroup" {
		t.Fatalf("sync_only = %q", got)
	}
	d.keys("tab") // leave the field; the check runs after the pause in typing
	d.contains("no group named nosuchgroup")
	d.gotoScreen(wizard.ScreenReview)
	d.contains("From the directory", "no group named nosuchgroup")

	// The Users count says the sync cannot apply the list.
	d.gotoScreen(wizard.ScreenUsers)
	d.contains("groups.sync_only cannot be applied")
}

// syncReads is how many users the base, class and filter match, and how
// many of them the sync keeps (groups.sync_only applied).
func syncReads(t *testing.T, s wizard.Settings) (all, inScope int) {
	t.Helper()
	ctx := context.Background()
	dial := settingsDialer(s, "", func(string) string { return "" })
	conn, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if all, err = conn.Count(ctx, s.Users.SearchBase, s.Scope().UserFilter); err != nil {
		t.Fatal(err)
	}
	snap, err := syncer.ReadDirectory(ctx, conn, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return all, len(snap.Users)
}
