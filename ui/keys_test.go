package ui

import (
	"os"
	"path/filepath"
	"testing"

	"charm.land/bubbles/v2/key"

	"ldapwiz/wizard"
)

// TestSaveFromAnywhere: ctrl+s saves with the full help open, while the
// Enrollment screen asks for a test recipient, and while the Preview filter
// line is being typed.
func TestSaveFromAnywhere(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(d *driver)
		still func(d *driver) bool // the place ctrl+s was pressed in is still open
	}{
		{"help", func(d *driver) { d.keys("f1") }, func(d *driver) bool { return d.m.showHelp }},
		{"test-mail recipient", func(d *driver) {
			d.gotoScreen(wizard.ScreenEnrollment)
			d.keys("space", "tab", "space") // enrollment on, invitations on: the mail fields appear
			d.replace("smtp.host", "mail.example.com")
			d.keys("ctrl+t") // asks for the recipient
		}, func(d *driver) bool { return d.m.enrollS().mail.asking }},
		{"preview filter", func(d *driver) {
			d.gotoScreen(wizard.ScreenPreview)
			d.m.previewS().openFilter() // "/" once a plan is on show
		}, func(d *driver) bool { return d.m.previewS().filtering }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ldapwiz.toml")
			d := newDriver(t, Options{Path: path}, 80, 24)
			d.keys("enter") // the OpenLDAP preset
			tc.setup(d)
			d.keys("ctrl+s")
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("ctrl+s in the %s did not save: %v", tc.name, err)
			}
			if d.m.Dirty() {
				t.Fatal("still dirty after ctrl+s")
			}
			if !tc.still(d) {
				t.Fatalf("ctrl+s closed the %s", tc.name)
			}
		})
	}
}

// TestSyncScreenKeys drives the Synchronization screen with keys: the
// direction cycles with ←/→, the conflict winner is greyed out (and keys
// leave it alone) outside two-way mode, and the text fields edit settings.
func TestSyncScreenKeys(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenSync)
	if f := d.m.currentField(); f == nil || f.Key != "sync.mode" {
		t.Fatalf("focus on %v, want sync.mode", f)
	}
	if got := d.m.Settings().Sync.Mode; got != wizard.ModeTwoWay {
		t.Fatalf("preset mode = %q", got)
	}
	d.keys("right") // two-way wraps to import
	if got := d.m.Settings().Sync.Mode; got != wizard.ModeImport {
		t.Fatalf("mode after → = %q, want import", got)
	}
	d.contains("(•) import", "Only matters in two-way mode")
	d.keys("tab", "space", "right")
	if got := d.m.Settings().Sync.Authority; got != wizard.AuthorityLDAP {
		t.Fatalf("authority changed to %q while greyed out", got)
	}
	d.keys("shift+tab", "left") // back to two-way
	d.keys("tab", "right")
	if got := d.m.Settings().Sync.Authority; got != wizard.AuthorityStore {
		t.Fatalf("authority = %q, want store", got)
	}
	d.keys("tab", "end", "backspace", "backspace", "backspace", "type:25")
	if got := d.m.Settings().Sync.MaxDelete; got != "25" {
		t.Fatalf("max_delete = %q", got)
	}
	d.keys("tab", "ctrl+u", "type:soon")
	d.contains(`✗ The interval "soon" is not a duration`) // beside the field, as typed
	d.keys("ctrl+u", "type:15m")
	d.lacks("is not a duration")
	if got := d.m.Settings().Sync.Interval; got != "15m" {
		t.Fatalf("interval = %q", got)
	}
}

// TestFullHelpFitsAt80x24: every key's description is whole in the full
// help at the smallest supported terminal of the issue, 80x24.
func TestFullHelpFitsAt80x24(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("?")
	k := d.m.c.Keys
	for _, b := range []key.Binding{k.Next, k.Prev, k.Up, k.Down, k.Enter, k.Back, k.NextPane, k.PrevPane,
		k.Left, k.Right, k.Toggle, k.Browse, k.Pick, k.Test, k.Apply, k.GoTo, k.Undo,
		k.ListDown, k.ListUp, k.PageDown, k.PageUp, k.Filter, k.EntryDown, k.Save, k.Help, k.Quit} {
		d.contains(b.Help().Desc)
	}
	d.lacks("…")
}
