package cli

import (
	"runtime/debug"
	"runtime/metrics"
	"testing"

	"ldapwiz/syncer"
)

// ldapwiz collects at gcPercent unless GOGC is set, which it leaves to
// the runtime.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	unset := func(string) (string, bool) { return "", false }
	if !tuneGC(unset) {
		t.Error("tuneGC did not set the target with GOGC unset")
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("with GOGC unset the target is %d, want %d", got, gcPercent)
	}
	set := func(k string) (string, bool) { return "200", k == "GOGC" }
	if tuneGC(set) {
		t.Error("tuneGC set the target although GOGC is set")
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
