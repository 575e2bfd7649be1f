package ui

import (
	"testing"

	"ldapwiz/wizard"
)

// TestDemoWelcome: with Options.Demo the Welcome screen shows the banner,
// preselects the demo's preset, and the preset chosen goes through Adjust.
func TestDemoWelcome(t *testing.T) {
	adjust := func(s wizard.Settings) wizard.Settings {
		s.Connection.URL = "ldap://127.0.0.1:3899"
		s.Users.SearchBase = "OU=People,DC=example,DC=test"
		return s
	}
	demo := &Demo{Banner: "Demo directory running at ldap://127.0.0.1:3899", Preset: wizard.PresetAD, Adjust: adjust}
	d := newDriver(t, Options{Demo: demo}, 80, 24)
	d.contains("Demo directory running at ldap://127.0.0.1:3899", "▸ New: Active Directory")
	d.keys("enter")
	s := d.m.Settings()
	if d.m.Screen() != wizard.ScreenConnection || !s.Connection.ActiveDirectory || s.Users.ObjectClass != "user" {
		t.Fatalf("the AD preset was not taken: %v %+v", d.m.Screen(), s.Users)
	}
	if s.Connection.URL != "ldap://127.0.0.1:3899" || s.Users.SearchBase != "OU=People,DC=example,DC=test" {
		t.Fatalf("the preset was not adjusted for the demo: %+v", s)
	}

	// Another preset chosen on Welcome is adjusted too.
	d = newDriver(t, Options{Demo: demo}, 80, 24)
	d.keys("k", "enter")
	s = d.m.Settings()
	if s.Connection.ActiveDirectory || s.Connection.URL != "ldap://127.0.0.1:3899" {
		t.Fatalf("the OpenLDAP preset was not adjusted: %+v", s.Connection)
	}
}

// TestDemoWelcomeOffersTheSavedFile (issue 17, defect 3): when --demo finds
// a file saved from the demo, Welcome offers to open it, selected, and
// opening it keeps its settings.
func TestDemoWelcomeOffersTheSavedFile(t *testing.T) {
	s := wizard.Default()
	s.Connection.URL = "ldap://127.0.0.1:3899"
	s.Users.SearchBase = "ou=engineering,ou=people,dc=example,dc=com"
	demo := &Demo{Banner: "ldapwiz.toml was saved from the demo: open it, or start again from a preset.", Preset: wizard.PresetOpenLDAP,
		Adjust: func(s wizard.Settings) wizard.Settings { return s }}
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true, Demo: demo}, 80, 24)
	d.contains("was saved from the demo", "▸ Open ldapwiz.toml")
	d.keys("enter")
	if got := d.m.Settings().Users.SearchBase; got != s.Users.SearchBase || d.m.Screen() != wizard.ScreenConnection {
		t.Fatalf("opening the saved file gave %q on %s", got, d.m.Screen())
	}
}
