package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"

	"ldapwiz/syncer"
)

// ldapwiz collects at gcPercent unless GOGC is set, which it leaves to
// the runtime; a run may set a memory limit unless GOGC or GOMEMLIMIT is
// set.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	unset := func(string) (string, bool) { return "", false }
	if got := tuneGC(unset); got != (gcTuning{percent: true, limit: true}) {
		t.Errorf("with GOGC and GOMEMLIMIT unset tuneGC = %+v, want both", got)
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("with GOGC unset the target is %d, want %d", got, gcPercent)
	}
	limited := func(k string) (string, bool) { return "100MiB", k == "GOMEMLIMIT" }
	if got := tuneGC(limited); got != (gcTuning{percent: true}) {
		t.Errorf("with GOMEMLIMIT set tuneGC = %+v, want the target only", got)
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("with GOMEMLIMIT set the target is %d, want %d", got, gcPercent)
	}
	set := func(k string) (string, bool) { return "200", k == "GOGC" }
	if got := tuneGC(set); got != (gcTuning{}) {
		t.Errorf("with GOGC set tuneGC = %+v, want nothing", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set the target is %d, want the runtime's (100 here)", got)
	}
}

// While a run plans the collector's target is planGCPercent, and
// gcPercent in every other phase and once the run is over; with GOGC set
// (tuneGC did not set the target) the run leaves it alone.
func TestPhaseGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	target := func() int {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return int(s[0].Value.Uint64())
	}
	g := &phaseGC{on: true}
	var seen []syncer.Phase
	progress := g.progress(func(e syncer.Event) { seen = append(seen, e.Phase) })
	for _, c := range []struct {
		phase syncer.Phase
		want  int
	}{{syncer.PhaseConnect, gcPercent}, {syncer.PhaseReadDirectory, gcPercent}, {syncer.PhaseReadDirectory, gcPercent},
		{syncer.PhaseReadStore, gcPercent}, {syncer.PhasePlan, planGCPercent}, {syncer.PhasePlan, planGCPercent},
		{syncer.PhaseApply, gcPercent}, {syncer.PhasePlan, planGCPercent}} {
		progress(syncer.Event{Phase: c.phase})
		if got := target(); got != c.want {
			t.Errorf("in phase %q the target is %d, want %d", c.phase, got, c.want)
		}
	}
	if len(seen) != 8 {
		t.Errorf("the progress it wraps saw %d events, want 8", len(seen))
	}
	g.done() // a run that stopped while planning
	if got := target(); got != gcPercent {
		t.Errorf("after the run the target is %d, want %d", got, gcPercent)
	}
	if g.progress(nil) == nil {
		t.Error("no progress function to give a run without one")
	}

	debug.SetGCPercent(200) // GOGC=200 in the environment
	off := &phaseGC{}
	if off.progress(nil) != nil {
		t.Error("with GOGC set, the run got a progress function of its own")
	}
	off.done()
	if got := target(); got != 200 {
		t.Errorf("with GOGC set the target is %d, want 200", got)
	}
}

// Once a run has planned, the heap is capped at capPercent above what was
// live then, plus the runtime's other memory, until the run is over or
// the next run of the process (ldapwiz sync --watch) begins; the cap
// rises when what is live outgrows it; with GOMEMLIMIT set there is no
// cap.
func TestPhaseGCCapsTheHeapAfterPlanning(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	held := make([][]byte, 0, 64)
	hold := func(mb int) { // live memory, as a run's read and plan
		for range mb {
			held = append(held, make([]byte, 1<<20))
		}
		runtime.GC()
	}
	hold(16)

	g := newPhaseGC(&cliEnv{gc: gcTuning{percent: true, limit: true}})
	progress := g.progress(nil)
	for _, p := range []syncer.Phase{syncer.PhaseConnect, syncer.PhaseReadDirectory, syncer.PhaseReadStore, syncer.PhasePlan} {
		progress(syncer.Event{Phase: p})
		if got := limit(); got != math.MaxInt64 {
			t.Fatalf("in phase %q the memory limit is %d, want none", p, got)
		}
	}
	u := readHeapUse()
	progress(syncer.Event{Phase: syncer.PhaseApply})
	capped := limit()
	if capped == math.MaxInt64 {
		t.Fatal("after planning the heap is not capped")
	}
	if lo, hi := u.live*(100+capPercent)/100, u.live*(100+capPercent)/100+u.other+(8<<20); capped < lo || capped > hi {
		t.Errorf("the cap is %d MiB, want %d-%d MiB (%d MiB live, %d MiB other)", capped>>20, lo>>20, hi>>20, u.live>>20, u.other>>20)
	}

	hold(32) // what is live triples while the run writes
	for range capCheckEvery {
		progress(syncer.Event{Phase: syncer.PhaseApply})
	}
	if got := limit(); got < readHeapUse().live*(100+capPercent)/100 {
		t.Errorf("with %d MiB live the cap stayed at %d MiB", readHeapUse().live>>20, got>>20)
	}
	progress(syncer.Event{Phase: syncer.PhaseDone})
	if limit() == math.MaxInt64 {
		t.Error("the cap went when the run said it was done; it holds until the run is over")
	}
	progress(syncer.Event{Phase: syncer.PhaseConnect}) // --watch: the next run
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("the next run began with a memory limit of %d MiB", got>>20)
	}
	progress(syncer.Event{Phase: syncer.PhasePlan})    // a run the guards refuse: planned, not applied
	progress(syncer.Event{Phase: syncer.PhaseConnect}) // and the next run
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("the run after one that stopped once it had planned began with a memory limit of %d MiB", got>>20)
	}
	progress(syncer.Event{Phase: syncer.PhasePlan})
	progress(syncer.Event{Phase: syncer.PhaseApply})
	g.done()
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("after the run the memory limit is %d MiB, want none", got>>20)
	}

	set := newPhaseGC(&cliEnv{gc: gcTuning{percent: true}}) // GOMEMLIMIT set
	progress = set.progress(nil)
	progress(syncer.Event{Phase: syncer.PhasePlan})
	progress(syncer.Event{Phase: syncer.PhaseApply})
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set the run set a limit of %d MiB", got>>20)
	}
	set.done()
	runtime.KeepAlive(held)
}

// Between the runs of a watching sync (phaseGC.rest) the run is over, as
// after done, and the heap's free pages go back to the system: what the
// run held no longer counts in the process's memory while it waits for
// the next, with or without GOGC set.
func TestPhaseGCRestGivesTheRunsMemoryBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	freeKept := func() uint64 { // free heap pages not yet given back
		s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	for _, tuning := range []gcTuning{{percent: true, limit: true}, {}} {
		g := newPhaseGC(&cliEnv{gc: tuning})
		progress := g.progress(func(syncer.Event) {})
		progress(syncer.Event{Phase: syncer.PhasePlan})
		var held [][]byte // what a run reads and plans
		for range 256 {
			held = append(held, make([]byte, 1<<20))
		}
		runtime.GC()
		progress(syncer.Event{Phase: syncer.PhaseApply})
		runtime.KeepAlive(held)
		held = nil
		runtime.GC() // the run's memory: free pages the runtime keeps

		g.rest()
		if got := freeKept(); got > keptBound {
			t.Errorf("%+v: after rest the heap keeps %d MiB of free pages, want them given back", tuning, got>>20)
		}
		if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
			t.Errorf("%+v: after rest the memory limit is %d MiB, want none", tuning, got>>20)
		}
		if tuning.percent {
			if got := debug.SetGCPercent(gcPercent); got != gcPercent {
				t.Errorf("after rest the target is %d, want %d", got, gcPercent)
			}
		}
	}
}

// keptBound is how much free heap TestPhaseGCRestGivesTheRunsMemoryBack
// lets the runtime keep after rest: an eighth of the 256 MiB it drops,
// since other goroutines may free some meanwhile.
const keptBound = 32 << 20
