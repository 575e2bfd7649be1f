package syncer

import (
	"testing"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Progress events: phases in order; reading has no total on a first run
// and the last run's count, marked estimated, on the next; applying has
// its exact total and ends at it; rate and ETA follow the counts.
func TestSyncProgressEvents(t *testing.T) {
	e := newSmallEnv(t) // the first run: the baseline
	e.addDirUser("p1", "p1@example.com")
	e.addDirUser("p2", "p2@example.com")
	var evs []Event
	if _, err := e.trySync(wizard.ModeImport, wizard.AuthorityLDAP, Options{Progress: func(ev Event) { evs = append(evs, ev) }}); err != nil {
		t.Fatal(err)
	}
	order := map[Phase]int{PhaseConnect: 0, PhaseReadDirectory: 1, PhaseReadStore: 2, PhasePlan: 3, PhaseApply: 4, PhaseDone: 5}
	last := -1
	var firstRead, lastApply *Event
	for i, ev := range evs {
		o, ok := order[ev.Phase]
		if !ok || o < last {
			t.Fatalf("event %d: phase %q after %d", i, ev.Phase, last)
		}
		last = o
		if ev.Phase == PhaseReadDirectory && firstRead == nil {
			firstRead = &evs[i]
		}
		if ev.Phase == PhaseApply {
			lastApply = &evs[i]
		}
	}
	if last != order[PhaseDone] {
		t.Fatalf("the run did not end with %q: %+v", PhaseDone, evs[len(evs)-1])
	}
	// The baseline read 6 users and 1 group: 7 entries, as the estimate.
	if firstRead == nil || !firstRead.Estimated || firstRead.Total != 7 || firstRead.Fraction() != 0 {
		t.Errorf("first read event: %+v, want an estimated total of 7 from the last run", firstRead)
	}
	if lastApply == nil || lastApply.Estimated || lastApply.Total != 2 || lastApply.Done != 2 || lastApply.Action == nil {
		t.Errorf("last apply event: %+v, want 2 of 2 with its action", lastApply)
	}

	// A fresh store has no last run: the read total is unknown.
	e.s.Store.Path = e.t.TempDir() + "/fresh.db"
	fresh := newSyncEnvStore(t, e)
	evs = nil
	if _, err := fresh.trySync(wizard.ModeImport, wizard.AuthorityLDAP, Options{DryRun: true, Progress: func(ev Event) { evs = append(evs, ev) }}); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Phase == PhaseReadDirectory && (ev.Total != 0 || ev.Estimated || ev.Fraction() != -1) {
			t.Errorf("read event without a last run: %+v", ev)
		}
	}

	// ETA from rate and counts; none without a total or beyond it.
	ev := Event{Phase: PhaseApply, Done: 50, Total: 150, Rate: 25}
	if d, ok := ev.ETA(); !ok || d != 4*time.Second {
		t.Errorf("ETA = %s %v, want 4s", d, ok)
	}
	for _, ev := range []Event{{Done: 5, Rate: 2}, {Done: 5, Total: 10}, {Done: 11, Total: 10, Rate: 1}} {
		if d, ok := ev.ETA(); ok {
			t.Errorf("ETA of %+v = %s, want none", ev, d)
		}
	}
	if f := (Event{Done: 12, Total: 10}).Fraction(); f != 1 {
		t.Errorf("fraction beyond the total = %v, want 1", f)
	}
}

// newSyncEnvStore is e with a new, empty store at e.s.Store.Path.
func newSyncEnvStore(t *testing.T, e *syncEnv) *syncEnv {
	t.Helper()
	db, err := store.Open(e.ctx, e.s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := *e
	c.db = db
	return &c
}
