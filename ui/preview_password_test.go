package ui

import (
	"path/filepath"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// A preview that failed on a wrong password is read again when the user
// comes back after typing the right password for the test: the typed
// password is part of what the answer was for.
func TestPreviewReadsAgainAfterThePasswordIsFixed(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Connection.BindPassword = "not-the-password"
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenPreview)
	if d.m.previewS().err == nil {
		t.Fatalf("a wrong password gave no preview error:\n%s", d.screen())
	}
	d.gotoScreen(wizard.ScreenConnection)
	d.m.testPassword = srv.AdminPassword // as typed into the test-password field
	d.gotoScreen(wizard.ScreenPreview)
	if d.m.previewS().err != nil || d.m.previewS().plan == nil {
		t.Fatalf("the preview was not read again with the typed password: err %v\n%s", d.m.previewS().err, d.screen())
	}
	d.contains("Plan: two-way sync")
}
