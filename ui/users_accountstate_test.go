package ui

import (
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// The Users screen edits users.account_state with its explanation; a
// mistyped kind is named with the values; the attribute/value pair appears
// only for "attribute", and its problems show until both are set.
// Everything through key presses.
func TestUsersScreenAccountState(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 120, 40)
	d.keys("enter") // the OpenLDAP preset
	d.gotoScreen(wizard.ScreenUsers)
	for range 11 { // search base ... extra classes, to account_state
		d.keys("tab")
	}
	d.contains("Disabled accounts", "auto (asks the server: AD, 389 DS, OpenLDAP ppolicy)")
	d.lacks("Disabled attribute")

	d.keys("backspace", "backspace", "backspace", "backspace", "type:atribute")
	d.contains("is not a way to mark disabled accounts", "auto, ad, 389, ppolicy, attribute, none")
	d.lacks("Disabled attribute")
	d.keys("left", "left", "left", "left", "left", "left", "type:t")
	if got := d.m.Settings().Users.AccountState; got != ldap.AccountStateAttribute {
		t.Fatalf("users.account_state = %q:\n%s", got, d.screen())
	}
	d.contains("Disabled attribute", "Disabled value", "no attribute is named")

	d.keys("tab", "type:employeeType", "tab", "type:disabled")
	u := d.m.Settings().Users
	if u.DisabledAttribute != "employeeType" || u.DisabledValue != "disabled" {
		t.Fatalf("pair = %q: %q:\n%s", u.DisabledAttribute, u.DisabledValue, d.screen())
	}
	d.lacks("no attribute is named", "no value is named")

	d.keys("shift+tab", "shift+tab", "ctrl+e", "ctrl+u", "type:none") // back to account_state
	if got := d.m.Settings().Users.AccountState; got != ldap.AccountStateNone {
		t.Fatalf("users.account_state = %q:\n%s", got, d.screen())
	}
	d.lacks("Disabled value")
}
