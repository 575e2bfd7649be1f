package ui

import (
	"testing"

	"ldapwiz/wizard"
)

// The Groups screen edits groups.filter (with the filter's problem shown
// at the field) and groups.flatten_nested; the Sync screen edits
// sync.missing_users and sync.missing_grace, the grace period only once
// missing users are disabled. Everything through key presses.
func TestScopeOptionFields(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 120, 40)
	d.keys("enter") // the OpenLDAP preset
	d.gotoScreen(wizard.ScreenGroups)
	d.contains("Extra filter", "Optional LDAP filter groups must also match", "Flatten nested groups",
		"Users also become members of the groups their groups are nested in.")

	d.keys("tab", "tab", "type:(cn=a")
	if got := d.m.Settings().Groups.Filter; got != "(cn=a" {
		t.Fatalf("groups.filter = %q after typing", got)
	}
	d.contains("is not a valid LDAP filter")
	d.keys("type:*)")
	if got := d.m.Settings().Groups.Filter; got != "(cn=a*)" {
		t.Fatalf("groups.filter = %q", got)
	}
	d.lacks("is not a valid LDAP filter")

	d.keys("tab", "tab", "tab", "tab", "space") // to flatten_nested, and toggle it
	if !d.m.Settings().Groups.FlattenNested {
		t.Fatalf("space on Flatten nested groups left it off:\n%s", d.screen())
	}

	d.gotoScreen(wizard.ScreenSync)
	d.contains("Missing users", "A user gone from the directory: deleted from the store, or disabled first.", "Grace period",
		"Only with users gone from the directory disabled")
	d.keys("tab", "tab", "tab", "tab") // mode, authority, max_delete, interval, to missing_users
	d.keys("space")
	if got := d.m.Settings().Sync.MissingUsers; got != wizard.MissingDisable {
		t.Fatalf("sync.missing_users = %q after space:\n%s", got, d.screen())
	}
	d.lacks("Only with users gone from the directory disabled")
	d.keys("tab", "type:3d")
	if got := d.m.Settings().Sync.MissingGrace; got != "3d" {
		t.Fatalf("sync.missing_grace = %q", got)
	}
	d.contains("is not a duration", "Days are")
	d.keys("backspace", "backspace", "type:72h")
	if got := d.m.Settings().Sync.MissingGrace; got != "72h" {
		t.Fatalf("sync.missing_grace = %q", got)
	}
	d.lacks("is not a duration")
}
