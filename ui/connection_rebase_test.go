package ui

import (
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestADPresetBasesFollowTheDomain: the AD preset with only the address
// (StartTLS: the demo speaks ldap:// only), CA, account and password filled
// in; the connection test moves the placeholder bases onto the domain on its
// own, says so, ctrl+z undoes it, the settings validate and a preview reads
// the domain.
func TestADPresetBasesFollowTheDomain(t *testing.T) {
	demo := startDemo(t, true)
	getenv := func(k string) string {
		if k == "DEMO_BIND_PASSWORD" {
			return demo.Connection.BindPassword
		}
		return ""
	}
	d := newDriver(t, Options{Getenv: getenv}, 120, 40)
	d.keys("down", "enter") // New: Active Directory
	if s := d.m.Settings(); !s.Connection.ActiveDirectory || !wizard.HasPlaceholderBases(s) {
		t.Fatalf("not the AD preset: %+v", s.Connection)
	}
	placeholder := d.m.Settings().Users.SearchBase
	d.replace("connection.url", demo.Connection.URL)
	d.m.formOf(wizard.ScreenConnection).focusKey("connection.start_tls", d.m.Settings())
	d.keys("space")
	d.replace("connection.ca_file", demo.Connection.CAFile)
	d.replace("connection.bind_dn", demo.Connection.BindDN)
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.password_source", d.m.Settings())
	d.keys("right") // a file → an environment variable
	d.replace("connection.bind_password_env", "DEMO_BIND_PASSWORD")
	d.keys("ctrl+t")

	s := d.m.Settings()
	if !ldap.DNEqual(s.Users.SearchBase, "cn=Users,DC=example,DC=test") || !ldap.DNEqual(s.Groups.SearchBase, "cn=Users,DC=example,DC=test") {
		t.Fatalf("bases after the test: %q, %q\n%s", s.Users.SearchBase, s.Groups.SearchBase, d.screen())
	}
	d.contains("Search bases moved under DC=example,DC=test", "ctrl+z undoes")
	for _, st := range d.m.connS().test.steps {
		if st.Status == ldap.StepFailed {
			t.Errorf("after the automatic move, step %s failed: %s", st.ID, st.Detail)
		}
	}
	if probs := wizard.Validate(s, wizard.ValidateOptions{Getenv: getenv}); wizard.HasErrors(probs) {
		t.Fatalf("the settings do not validate: %v", probs)
	}

	// ctrl+z puts the placeholders back; the next test moves them again.
	d.keys("ctrl+z")
	if got := d.m.Settings().Users.SearchBase; got != placeholder {
		t.Fatalf("ctrl+z left %q: %s", got, d.m.status)
	}
	d.contains("Search bases put back")
	d.keys("ctrl+t")
	if got := d.m.Settings().Users.SearchBase; !ldap.DNEqual(got, "cn=Users,DC=example,DC=test") {
		t.Fatalf("second test left %q", got)
	}

	// A preview of the domain with these settings succeeds.
	d.gotoScreen(wizard.ScreenPreview)
	p := d.m.previewS()
	if p.plan == nil {
		t.Fatalf("no plan: err %v, blocked %v\n%s", p.err, p.blocked, d.screen())
	}
	d.contains("Plan: two-way sync")
}

// TestChosenBasesAreNotMovedAutomatically: bases someone typed stay as they
// are after a test; ctrl+a still applies the finding.
func TestChosenBasesAreNotMovedAutomatically(t *testing.T) {
	s := startDemo(t, false)
	s.Users.SearchBase = "ou=staff,dc=corp,dc=local"
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter", "ctrl+t")
	if got := d.m.Settings().Users.SearchBase; got != "ou=staff,dc=corp,dc=local" {
		t.Fatalf("a chosen base was moved to %q", got)
	}
	if d.m.undo != nil {
		t.Fatal("an undo was offered for a change not made")
	}
	d.keys("ctrl+a")
	if got := d.m.Settings().Users.SearchBase; !ldap.DNEqual(got, "ou=staff,dc=example,dc=com") {
		t.Fatalf("ctrl+a gave %q", got)
	}
}

// TestApplyKeepsWorkingBasesAndUndoes: the 389 DS preset against the AD demo
// (issue 17, defect 2). The test moves the placeholder bases onto the domain
// (OU=People matches every user); ctrl+a applies the AD settings but keeps
// those bases, which match entries, instead of the AD preset's cn=Users
// (which matches none); ctrl+z undoes what ctrl+a did.
func TestApplyKeepsWorkingBasesAndUndoes(t *testing.T) {
	demo := startDemo(t, true)
	d := newDriver(t, Options{Getenv: func(string) string { return "" }}, 80, 24)
	d.keys("down", "down", "enter") // New: 389 Directory Server
	if s := d.m.Settings(); s.Connection.ActiveDirectory || s.Users.SearchBase != "ou=People,dc=example,dc=com" {
		t.Fatalf("not the 389 DS preset: %+v", s.Users)
	}
	d.replace("connection.url", demo.Connection.URL)
	d.replace("connection.ca_file", demo.Connection.CAFile)
	d.replace("connection.bind_dn", demo.Connection.BindDN)
	d.replace("ui.test_password", demo.Connection.BindPassword)
	d.keys("ctrl+t")
	moved := d.m.Settings()
	if !ldap.DNEqual(moved.Users.SearchBase, "ou=People,DC=example,DC=test") {
		t.Fatalf("the test did not move the placeholder users base: %q\n%s", moved.Users.SearchBase, d.screen())
	}
	d.contains("The server is Active Directory")

	d.keys("ctrl+a")
	s := d.m.Settings()
	if !s.Connection.ActiveDirectory || s.Users.ObjectClass != "user" {
		t.Fatalf("the AD settings were not applied: %+v", s.Users)
	}
	if s.Users.SearchBase != moved.Users.SearchBase || s.Groups.SearchBase != moved.Groups.SearchBase {
		t.Fatalf("ctrl+a replaced working bases: users %q (was %q), groups %q (was %q)",
			s.Users.SearchBase, moved.Users.SearchBase, s.Groups.SearchBase, moved.Groups.SearchBase)
	}
	d.contains("Applied what the test found", "ctrl+z undoes")

	d.keys("ctrl+z")
	s = d.m.Settings()
	if s.Connection.ActiveDirectory || s.Users.ObjectClass != moved.Users.ObjectClass ||
		s.Users.SearchBase != moved.Users.SearchBase || s.Groups.SearchBase != moved.Groups.SearchBase {
		t.Fatalf("ctrl+z did not undo ctrl+a: AD %v, users %+v", s.Connection.ActiveDirectory, s.Users)
	}
	d.contains("Search bases put back", "undone: ldapwiz applied what the test found")
	d.lacks("Nothing to undo")
}
