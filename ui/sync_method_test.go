package ui

import (
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// The Sync screen says, when it opens, how the directory lets ldapwiz read
// only what changed: RFC 4533 content sync where slapd runs syncprov, and
// why not (the overlay) where it does not; nothing once incremental reads
// are off.
func TestSyncScreenSaysWhatTheDirectoryOffers(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts slapdtest.Options
		want string
	}{
		{"syncprov", slapdtest.Options{SyncProv: true}, "This directory: incremental sync by RFC 4533 content sync (syncrepl)."},
		{"no syncprov", slapdtest.Options{}, "This directory: no incremental sync: the syncprov overlay is not loaded (full syncs still work)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := slapdtest.StartWith(t, tc.opts)
			d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
			d.keys("enter")
			d.gotoScreen(wizard.ScreenSync)
			if d.m.syncS().method.running {
				t.Fatal("the question to the directory did not finish")
			}
			d.contains("Directory")
			if got := d.m.syncS().method.summary; "This directory: "+got+"." != tc.want {
				t.Fatalf("summary %q, want %q (screen:\n%s)", got, tc.want, d.screen())
			}
			f := d.m.formOf(d.m.Screen())
			if f == nil || !f.focusKey("sync.incremental", d.m.Settings()) {
				t.Fatal("no sync.incremental field on the Sync screen")
			}
			d.keys("space")
			if d.m.Settings().Sync.Incremental != wizard.IncrementalOff {
				t.Fatalf("sync.incremental = %q after space", d.m.Settings().Sync.Incremental)
			}
			d.lacks("This directory:")
		})
	}
}

// After a connection test with the same connection settings, the Sync
// screen takes the answer from the RootDSE the test read, without asking
// again, even when settings of other screens changed since.
func TestSyncScreenUsesTheConnectionTestsRootDSE(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter", "ctrl+t")
	if r := d.m.connS().test.result; r == nil || r.RootDSE == nil {
		t.Fatal("the connection test read no RootDSE")
	}
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.filter", "(mail=*)")
	if d.m.Settings().Users.Filter != "(mail=*)" {
		t.Fatalf("users.filter = %q", d.m.Settings().Users.Filter)
	}
	d.gotoScreen(wizard.ScreenSync)
	c := d.m.syncS().method
	if c.summary != "incremental sync by RFC 4533 content sync (syncrepl)" || c.running {
		t.Fatalf("summary %q (running %v)", c.summary, c.running)
	}
	if c.req.seq != 0 {
		t.Fatalf("the Sync screen asked the directory again (request %d)", c.req.seq)
	}
	d.contains("This directory: incremental sync by RFC 4533 content sync (syncrepl).")
}

// Without a connection test or a saved file, the Sync screen asks the
// directory nothing.
func TestSyncScreenAsksNothingBeforeAConnection(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenSync)
	if c := d.m.syncS().method; c.running || c.summary != "" || c.err != "" || c.target != "" {
		t.Fatalf("the Sync screen asked the directory: %+v", c)
	}
	d.lacks("Directory", "This directory:")
}
