package ui

import (
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// groups.filter is counted live on the Groups screen as users.filter is on
// the Users screen: typing it recounts the groups, and a filter that
// removes every group is the setting the diagnosis blames.
func TestGroupsFilterLiveCount(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenGroups)
	all := d.m.liveCount("groups")
	if !all.done || all.err != "" || all.n != len(srv.Fixture.Groups) {
		t.Fatalf("group count = %+v, want %d", all, len(srv.Fixture.Groups))
	}
	d.replace("groups.filter", "!(cn=archive-all)")
	if c := d.m.liveCount("groups"); !c.done || c.n != len(srv.Fixture.Groups)-1 {
		t.Fatalf("count with groups.filter = %+v, want %d", c, len(srv.Fixture.Groups)-1)
	}
	d.contains("✓ matches " + countOf(len(srv.Fixture.Groups)-1, "group"))

	d.replace("groups.filter", "(cn=no-such-group)")
	d.contains("matches no groups", "groups.filter")
	if c := d.m.liveCount("groups"); c.setting != "groups.filter" {
		t.Fatalf("diagnosis blames %q: %s", c.setting, c.diagnose)
	}
}
