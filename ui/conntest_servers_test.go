package ui

import (
	"strings"
	"testing"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// With connection.url listing a port that refuses connections before
// slapd, the wizard's test (ctrl+t) passes against slapd and then shows
// each listed server's result under "Each listed server:": the refusing
// one with a warning mark, slapd's with a check mark; walking the results
// (PgDn, ↓) and opening the refusing one (enter) shows why in full.
func TestConnectionTestShowsEachServer(t *testing.T) {
	srv := slapdtest.Start(t)
	refusing := "ldap://" + harness.RefusingAddr(t)
	s := slapdSettings(srv)
	s.Connection.URL = refusing + " " + s.Connection.URL
	d := newDriver(t, Options{Settings: s, Exists: true}, 100, 40)
	d.keys("enter", "ctrl+t")
	res := d.m.connS().test.result
	if res == nil || res.Failed() || len(res.Servers) != 2 {
		t.Fatalf("the test: %+v\n%s", res, d.screen())
	}
	d.keys("pgdown")
	for range 3 * len(res.Steps) {
		if c := d.m.connS().test.cursorStep(); c != nil && c.ID == ldap.StepServerPrefix+"1" {
			break
		}
		d.keys("down")
	}
	d.keys("enter")
	scr := d.screen()
	for _, want := range []string{"Each listed server:", "! Server 1 of 2, " + refusing, "✓ Server 2 of 2, " + srv.URL} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen does not show %q:\n%s", want, scr)
		}
	}
	if !strings.Contains(squeeze(scr), squeeze("a sync passes over it")) {
		t.Errorf("the refusing server opened does not say why in full:\n%s", scr)
	}
}
