package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// runDriver opens the wizard on saved settings pointing at srv and a fresh
// store, on the Run screen.
func runDriver(t *testing.T, srv *slapdtest.Server) (*driver, string) {
	t.Helper()
	return runDriverWith(t, slapdSettings(srv))
}

// runDriverWith is runDriver with settings s (a store path is added).
func runDriverWith(t *testing.T, s wizard.Settings) (*driver, string) {
	t.Helper()
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 100, 30)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenRun)
	return d, s.Store.Path
}

// storeUsers counts the live users of the store at path.
func storeUsers(t *testing.T, path string) int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("store integrity: %v", err)
	}
	us, err := db.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(us)
}

func TestRunSyncGuardAndForce(t *testing.T) {
	srv := slapdtest.Start(t)
	d, storePath := runDriver(t, srv)
	d.contains("Runs a two-way sync", "enter starts the sync")
	d.keys("enter")
	d.contains("Run the sync now?", "y run it")
	d.keys("n")
	d.contains("enter starts the sync")
	d.keys("enter", "y") // runs to the end: the driver follows the progress
	r := d.m.runS()
	if r.stage != runFinished || r.err != nil {
		t.Fatalf("run: stage %v, err %v\n%s", r.stage, r.err, d.screen())
	}
	d.contains("✓ Sync finished", "307 of 307 changes applied", "Store:     307 creates", "Skipped: 0", "Conflicts: 0", "Report saved to")
	if fi, err := os.Stat(r.reportPath); err != nil || fi.Mode().Perm() != 0o600 || filepath.Dir(r.reportPath) != filepath.Dir(storePath) {
		t.Fatalf("report %s: %v %v", r.reportPath, err, fi)
	}
	if n := storeUsers(t, storePath); n != 300 {
		t.Fatalf("%d users in the store after the sync, want 300", n)
	}

	// A filter keeping one user would delete the 299 others: the Preview
	// warns, the Run refuses with the numbers, and force runs it after a
	// second confirmation.
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.filter", "(uid=zsimkova)")
	d.gotoScreen(wizard.ScreenPreview)
	d.contains("! A sync would be refused: the plan deletes 299 users, more than sync.max_delete")
	d.keys("enter") // on to Run
	d.keys("enter")
	if r.stage == runConfirm || d.m.status == "" {
		t.Fatalf("a run of unsaved settings was offered:\n%s", d.screen())
	}
	d.contains("not saved", "ctrl+s")
	d.keys("ctrl+s", "enter", "y")
	d.contains("✗ Refused before any change: the plan deletes 299 users", "f runs with force")
	if n := storeUsers(t, storePath); n != 300 {
		t.Fatalf("the refused run changed the store: %d users", n)
	}
	d.keys("f")
	d.contains("Run with force?", "the plan deletes 299 users")
	d.keys("esc")
	d.contains("Refused before any change")
	d.keys("f", "y")
	d.contains("✓ Sync finished", "299 deletes")
	if n := storeUsers(t, storePath); n != 1 {
		t.Fatalf("%d users in the store after the forced run, want 1", n)
	}
}

// cancelBulk is how many users TestRunCancelMidway adds to the fixture's
// 300: more than a store batch commits at once, so that the run is
// cancelled between two commits.
const cancelBulk = 2500

func TestRunCancelMidway(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{ExtraLDIF: slapdtest.BulkLDIF(cancelBulk)})
	s := slapdSettings(srv)
	s.Users.SearchBase = slapdtest.BaseDN // the fixture's people and ou=bulk
	d, storePath := runDriverWith(t, s)
	total := 307 + cancelBulk // users and groups to create
	d.keys("enter")
	// Follow the run by hand: at the first applied change, press esc.
	cancelled := false
	var deliver func(tea.Msg)
	deliver = func(msg tea.Msg) {
		if pm, ok := msg.(streamMsg); ok && !cancelled && lastEvent(pm).Phase == syncer.PhaseApply && lastEvent(pm).Done > 0 {
			cancelled = true
			d.contains("applying", "changes", "esc or ctrl+c cancels")
			d.keys("ctrl+c")
			d.contains("Cancelling")
		}
		_, cmd := d.m.Update(msg)
		d.runWith(cmd, deliver)
	}
	_, cmd := d.m.Update(keyMsg("y"))
	d.runWith(cmd, deliver)
	r := d.m.runS()
	if !cancelled || r.stage != runFinished || r.rep == nil || r.rep.Outcome != store.OutcomeCancelled {
		t.Fatalf("cancelled %v, stage %v, report %+v\n%s", cancelled, r.stage, r.rep, d.screen())
	}
	if r.rep.Applied == 0 || r.rep.Applied >= total {
		t.Fatalf("applied %d of %d before stopping", r.rep.Applied, total)
	}
	d.contains("Cancelled after", "of "+thousands(total)+" changes; the store is consistent; run again to finish.")
	if d.quit {
		t.Fatal("ctrl+c during the run quit the wizard instead of cancelling")
	}
	n := storeUsers(t, storePath)
	t.Logf("applied %d, store users %d", r.rep.Applied, n)
	d.keys("enter", "y")
	d.contains("✓ Sync finished")
	if n := storeUsers(t, storePath); n != 300+cancelBulk {
		t.Fatalf("%d users after the rerun, want %d", n, 300+cancelBulk)
	}
}

// TestRunProgressGolden draws a run in the middle of applying, from a
// synthetic event, at both sizes.
func TestRunProgressGolden(t *testing.T) {
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true}, size[0], size[1])
		d.keys("enter")
		d.gotoScreen(wizard.ScreenRun)
		r := d.m.runS()
		r.req.seq, r.stage = 7, runRunning
		r.phases = map[syncer.Phase]bool{syncer.PhaseConnect: true, syncer.PhaseReadDirectory: true, syncer.PhaseReadStore: true, syncer.PhasePlan: true}
		r.spin = spinner.New(spinner.WithSpinner(spinner.Line))
		r.bar = newRunBar()
		ev := syncer.Event{Phase: syncer.PhaseApply, Done: 1234, Total: 2940, Rate: 812.4, Elapsed: 1520 * time.Millisecond, Message: "applying 2,940 changes",
			Action: &syncer.Action{Side: syncer.SideStore, Op: syncer.OpCreate, Kind: store.KindUser, Name: "jdoe"}}
		d.m.Update(streamMsg{owner: ownerRun, seq: 7, evs: []any{ev}}) // the next read is not run: there is no engine
		d.contains("1,234 of 2,940 changes", "812/s", "about 2s left", "last: store create user jdoe")
		d.golden("run_progress_" + map[int]string{80: "80x24", 120: "120x40"}[size[0]])
		d.m.Update(streamMsg{owner: ownerRun, seq: 6, evs: []any{syncer.Event{Phase: syncer.PhaseApply, Done: 5}}})
		if r.ev.Done != 1234 {
			t.Fatal("an event of an older run was taken")
		}
	}
}

// lastEvent is the newest progress event a stream message carries.
func lastEvent(msg streamMsg) syncer.Event {
	ev, _ := msg.evs[len(msg.evs)-1].(syncer.Event)
	return ev
}
