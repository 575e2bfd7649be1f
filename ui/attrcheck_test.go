package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// The preset's uid is checked as soon as the Users screen shows: the demo
// carries the username "jdoe" twice, and the field says so.
func TestAttrCheckLoadedValueWarnsOfRepeats(t *testing.T) {
	s := startDemo(t, false)
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.contains("! uid: values repeat on 2 of", "sampled users (jdoe)")
	if d.m.checks.running {
		t.Fatal("the check still runs after its answer")
	}
	// Only the username attribute is checked: the empty naming attribute is it.
	if _, ok := d.m.checks.results["users.rdn_attribute"]; ok {
		t.Fatal("the empty naming attribute was checked on its own")
	}
	// The same warning is listed on Review, under its own heading, and enter
	// goes to the field.
	d.gotoScreen(wizard.ScreenReview)
	d.contains("From the directory (1)", "Users › users.username_attribute: uid: values repeat on 2 of")
	items := d.m.reviewItems()
	for range items {
		d.keys("down")
	}
	d.keys("enter")
	if d.m.Screen() != wizard.ScreenUsers || d.m.currentField().Key != "users.username_attribute" {
		t.Fatalf("enter went to %s / %s", d.m.Screen(), d.m.currentField().Key)
	}
}

// A value typed into the field is checked too; the old value's warning goes
// at once, and the naming attribute, once set, gets its own check.
func TestAttrCheckTypedValues(t *testing.T) {
	s := startDemo(t, false)
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.username_attribute", "mail")
	d.contains("! mail: missing on")
	d.lacks("uid: values repeat")
	d.replace("users.username_attribute", "uid")
	d.replace("users.rdn_attribute", "noSuchAttribute")
	d.contains("! uid: values repeat", "! noSuchAttribute: on none of")
	if n := len(d.m.dirWarnings()); n != 2 {
		t.Fatalf("%d directory warnings, want 2: %+v", n, d.m.dirWarnings())
	}
	// Clearing the naming attribute drops its verdict.
	d.replace("users.rdn_attribute", "")
	if _, ok := d.m.checks.results["users.rdn_attribute"]; ok {
		t.Fatal("the cleared naming attribute still has a verdict")
	}
	// Groups: the name attribute.
	d.gotoScreen(wizard.ScreenGroups)
	d.replace("groups.name_attribute", "displayName")
	d.contains("! displayName: on none of 12 sampled groups")
	r := d.m.checks.results["groups.name_attribute"]
	if !strings.Contains(r.warn, "sampled groups") {
		t.Fatalf("group check = %+v", r)
	}
	d.replace("groups.name_attribute", "cn")
	d.lacks("! displayName: ")
	if r := d.m.checks.results["groups.name_attribute"]; r.warn != "" || r.err != "" {
		t.Fatalf("cn on the demo's groups = %+v, want no warning", r)
	}
}

// Without a known directory (a new file, no passing connection test) nothing
// is asked, and answers to an older question are dropped.
func TestAttrCheckNeedsDirectoryAndDropsStale(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.username_attribute", "cn")
	if d.m.checks.asked != nil || d.m.checks.running {
		t.Fatalf("a check was asked with no directory known: %+v", d.m.checks)
	}

	m := d.m
	m.connOK = true
	if m.attrCheckCmd() == nil {
		t.Fatal("no check scheduled once the directory is known")
	}
	old := m.checks.req.seq
	m.settings.Users.UsernameAttribute = "uid"
	if m.attrCheckCmd() == nil {
		t.Fatal("no check scheduled for the new value")
	}
	if m.onAttrCheckTick(attrCheckTick{seq: old}) != nil {
		t.Fatal("a superseded debounce tick started a check")
	}
	stale := attrQuery{key: "users.username_attribute", attr: "cn", where: queryFor("users", m.settings)}
	m.Update(attrCheckMsg{seq: old, results: []attrResult{{q: stale, warn: "cn: values repeat"}}})
	if len(m.checks.results) != 0 || !m.checks.running {
		t.Fatalf("an answer to an older question was kept: %+v", m.checks)
	}
	cur := m.checks.asked[0]
	m.Update(attrCheckMsg{seq: m.checks.req.seq, results: []attrResult{{q: cur, warn: "uid: missing on 1 of 2 sampled users"}}})
	if m.checks.running || m.checks.results["users.username_attribute"].warn == "" {
		t.Fatalf("the current answer was not kept: %+v", m.checks)
	}
	if !strings.Contains(ansi.Strip(m.Render()), "! uid: missing on 1 of 2 sampled users") {
		t.Fatalf("the field does not show the answer:\n%s", ansi.Strip(m.Render()))
	}
}

// Against slapd: cn repeats (cn=user1 sits in two OUs) and the picker's note
// gives way to the check's precise answer; Review lists it.
func TestAttrCheckAgainstSlapd(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.lacks("! uid: values repeat")
	d.replace("users.username_attribute", "cn")
	d.contains("! cn: values repeat on", "user1")
	d.lacks("in the directory:")
	d.gotoScreen(wizard.ScreenReview)
	d.contains("From the directory (1)", "users.username_attribute: cn: values repeat on")
	d.contains("warning") // the status line counts it
}
