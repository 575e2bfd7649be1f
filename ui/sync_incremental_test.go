package ui

import (
	"testing"

	"ldapwiz/wizard"
)

// The Sync screen edits sync.incremental and sync.full_every, the period
// only while incremental reads are on; a bad period is explained at the
// field. Everything through key presses.
func TestSyncScreenIncrementalFields(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 120, 40)
	d.keys("enter") // the OpenLDAP preset
	d.gotoScreen(wizard.ScreenSync)
	d.contains("Read changes only", "(•) auto", "read only what changed (RFC 4533 content sync; uSNChanged on AD)",
		"Full read every", "Read the directory whole at least this often")

	d.replace("sync.full_every", "1d")
	if got := d.m.Settings().Sync.FullEvery; got != "1d" {
		t.Fatalf("sync.full_every = %q after pasting", got)
	}
	d.contains("is not a duration", "write 48h for two days")
	d.replace("sync.full_every", "12h")
	d.lacks("is not a duration")

	f := d.m.formOf(d.m.Screen())
	if f == nil || !f.focusKey("sync.incremental", d.m.Settings()) {
		t.Fatal("no sync.incremental field on the Sync screen")
	}
	d.keys("space")
	if got := d.m.Settings().Sync.Incremental; got != wizard.IncrementalOff {
		t.Fatalf("sync.incremental = %q after space:\n%s", got, d.screen())
	}
	d.contains("(•) off", "Only with incremental reads: with them off every run reads the directory whole.")
}
