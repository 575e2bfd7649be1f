package ui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// explainDriver is the wizard on the Users screen against a private slapd,
// with a store.path that does not exist yet.
func explainDriver(t *testing.T, w, h int) (*driver, *slapdtest.Server) {
	t.Helper()
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Store.Path = filepath.Join(t.TempDir(), "users.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, w, h)
	d.gotoScreen(wizard.ScreenUsers)
	return d, srv
}

// focusExplain tabs down the Users screen to the "Explain a user…" button.
func focusExplain(t *testing.T, d *driver) {
	t.Helper()
	for range 20 {
		if f := d.m.currentField(); f != nil && f.Key == "ui.explain" {
			return
		}
		d.keys("tab")
	}
	t.Fatalf("no Explain a user… button on the Users screen:\n%s", d.screen())
}

// The Users screen's "Explain a user…" opens a line for the user; enter
// explains with the settings on screen, step by step; e asks for another
// user; esc closes it and the Users screen is back.
func TestExplainUserOverlay(t *testing.T) {
	d, _ := explainDriver(t, 120, 40)
	d.contains("[ Explain a user… ]")
	focusExplain(t, d)
	d.keys("enter")
	d.contains("Explain a user", "User:", "username, DN or e-mail address")
	// ? types into the line rather than opening the help.
	d.keys("type:jdoe?", "backspace", "enter")
	d.contains("✓ found: found cn=Doe", "by its uid", "✓ search base: under ou=people,dc=example,dc=com",
		"decided by users.search_base", "· next sync: create user jdoe on the store", "Outcome: changed")
	d.lacks("Where users are") // the overlay covers the form

	// An unsaved edit counts: a filter jdoe's entry fails names its clause.
	d.keys("esc")
	d.contains("Where users are")
	d.replace("users.filter", "(&(mail=*)(employeeType=staff))")
	focusExplain(t, d)
	d.keys("enter", "type:jdoe", "enter")
	d.contains("✗ users.filter:", "(employeeType=staff) does not hold: the entry has no employeeType", "Outcome: not in scope")
	d.lacks("(mail=*) does not hold")

	// e: another user, typed over the first.
	d.keys("e", "ctrl+u", "type:nobody", "enter")
	d.contains("✗ found: no entry in the directory has uid or mail \"nobody\"", "Outcome: not found")

	d.keys("esc")
	if d.m.explain != nil {
		t.Fatal("esc did not close the overlay")
	}
	d.contains("Where users are", "[ Explain a user… ]")
}

// Settings with errors are named instead of explaining; an empty line asks
// for a name; a pasted DN is explained; ctrl+c closes the overlay and asks
// to quit.
func TestExplainUserOverlayErrorsAndPaste(t *testing.T) {
	d, srv := explainDriver(t, 80, 24)
	focusExplain(t, d)
	d.keys("enter", "enter")
	d.contains("type a username, a DN or an e-mail address first")

	d.send(tea.PasteMsg{Content: srv.Fixture.Users[0].DN})
	d.keys("enter")
	d.contains("✓ found: found cn=user1,ou=ou1,ou=people,dc=example,dc=com by its DN")
	// At 80x24 the answer scrolls.
	before := d.screen()
	d.keys("pgdown")
	if d.screen() == before || !strings.Contains(d.screen(), "Outcome:") {
		t.Errorf("pgdown did not scroll to the outcome:\n%s", d.screen())
	}
	d.keys("esc")

	d.replace("users.filter", "(mail=*")
	focusExplain(t, d)
	d.keys("enter", "type:jdoe", "enter")
	d.contains("The settings have errors; fix them first:", "users.filter")

	d.keys("ctrl+c")
	if d.m.explain != nil || !d.m.confirmQuit {
		t.Errorf("ctrl+c: overlay open %v, quit asked %v", d.m.explain != nil, d.m.confirmQuit)
	}
}

// esc while an explanation is read cancels it: the line has the keyboard
// again, and the answer, when it comes, is dropped.
func TestExplainUserOverlayCancel(t *testing.T) {
	d, _ := explainDriver(t, 100, 30)
	focusExplain(t, d)
	d.keys("enter", "type:jdoe")
	_, cmd := d.m.Update(keyMsg("enter")) // the read starts; its answer is held back
	d.contains("reading the directory and the store, and planning")
	d.keys("esc")
	d.contains("cancelled; enter explains again", "User: jdoe")
	d.run(cmd) // the late answer
	d.lacks("Outcome:")
	if d.m.explain == nil || !d.m.explain.asking {
		t.Fatal("the line does not have the keyboard after the cancel")
	}
	d.keys("enter")
	d.contains("Outcome: changed")
}
