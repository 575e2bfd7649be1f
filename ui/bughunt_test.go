package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// A save asked for on the way out while an earlier save is still writing
// must not quit with the edits made since that earlier save unsaved.
func TestSaveAndQuitDuringSaveKeepsLaterEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	d := newDriver(t, Options{Path: path}, 80, 24)
	d.keys("enter")
	_, pending := d.m.Update(keyMsg("ctrl+s")) // the first save, still writing
	d.replace("connection.url", "ldap://later.example.com")
	d.keys("ctrl+c", "s")
	d.run(pending)
	if !d.quit {
		t.Fatal("save and quit did not quit")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "ldap://later.example.com") {
		t.Fatalf("quit with the last edit unsaved; file:\n%s", data)
	}
}

// A live count that failed (here: the password file is missing) runs again
// once the password is fixed, instead of showing the old error for good.
func TestFailedLiveCountRetriesAfterPasswordFix(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Connection.BindPassword = ""
	s.Connection.BindPasswordFile = filepath.Join(t.TempDir(), "missing-pw")
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	if c := d.m.liveCount("users"); !c.done || c.err == "" {
		t.Fatalf("count with a missing password file = %+v, want an error", c)
	}
	d.gotoScreen(wizard.ScreenConnection)
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.test_password", d.m.Settings())
	d.send(tea.PasteMsg{Content: srv.AdminPassword})
	d.gotoScreen(wizard.ScreenUsers)
	if c := d.m.liveCount("users"); !c.done || c.err != "" || c.n < 100 {
		t.Fatalf("count after typing the right password = %+v", c)
	}
}

// An attribute check that could not run (the password file is missing)
// runs again once the password is fixed, instead of keeping the error.
func TestFailedAttrCheckRetriesAfterPasswordFix(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Connection.BindPassword = ""
	s.Connection.BindPasswordFile = filepath.Join(t.TempDir(), "missing-pw")
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	const k = "users.username_attribute"
	if r, ok := d.m.checks.results[k]; !ok || r.err == "" {
		t.Fatalf("check with a missing password file = %+v, want an error", r)
	}
	d.gotoScreen(wizard.ScreenConnection)
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.test_password", d.m.Settings())
	d.send(tea.PasteMsg{Content: srv.AdminPassword})
	d.gotoScreen(wizard.ScreenUsers)
	if r, ok := d.m.checks.results[k]; !ok || r.err != "" {
		t.Fatalf("check after typing the right password = %+v (ok %v), want an answer", r, ok)
	}
}
