package ui

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// squeeze drops every space and line break, so that wrapped text compares
// with the text it wraps.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// At 80x24 every step of a passing test, and its whole text, is reachable:
// PgDn takes the keyboard into the results, ↓ walks the steps and enter
// opens one in full.
func TestConnectionTestResultsScrollAt80x24(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter", "ctrl+t")
	res := d.m.connS().test.result
	if res == nil || res.Failed() {
		t.Fatalf("the test did not pass:\n%s", d.screen())
	}
	// The first steps show once the test is done, not only the newest.
	d.contains("Connection test", "✓ "+res.Steps[0].Title)
	d.keys("pgdown")
	seen := map[string]bool{}
	for range 3 * len(res.Steps) {
		scr := d.screen()
		for _, st := range res.Steps {
			if st.Status == ldap.StepNotRun || seen[st.ID] {
				continue
			}
			if !strings.Contains(scr, st.Title) {
				continue
			}
			// Open the step under the cursor when it is this one.
			if c := d.m.connS().test.cursorStep(); c != nil && c.ID == st.ID {
				d.keys("enter")
				whole := squeeze(d.screen())
				if !strings.Contains(whole, squeeze(st.Title+" — "+st.Detail)) {
					t.Fatalf("step %s opened does not show its whole text %q:\n%s", st.ID, st.Detail, d.screen())
				}
				d.keys("enter")
				seen[st.ID] = true
			}
		}
		d.keys("down")
	}
	for _, st := range res.Steps {
		if st.Status != ldap.StepNotRun && !seen[st.ID] {
			t.Errorf("step %s (%s) never reached", st.ID, st.Title)
		}
	}
	// esc gives the keyboard back to the fields; PgUp takes it again.
	d.keys("esc")
	if d.m.connS().test.focused {
		t.Fatal("esc left the results focused")
	}
	d.contains("Step 2 of 9: Connection", "▸")
	d.keys("pgup")
	if !d.m.connS().test.focused {
		t.Fatal("pgup did not focus the results")
	}
}

// A failed step shows with its hint without scrolling, at 80x24.
func TestConnectionTestFailureShowsAt80x24(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Connection.BindPassword = "not-the-password"
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter", "ctrl+t")
	bind := d.m.connS().test.result.Step(ldap.StepBind)
	if bind.Status != ldap.StepFailed {
		t.Fatalf("bind = %+v", bind)
	}
	d.contains("1 failed", "✗ Bind", "check the DN in connection.bind_dn", "ctrl+g goes to")
}
