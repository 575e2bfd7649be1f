package cli

import (
	"runtime/debug"

	"ldapwiz/syncer"
)

// gcPercent is the garbage collector's target (GOGC) ldapwiz runs with
// unless the environment sets GOGC: the heap may grow by half of what is
// live before a collection, not by all of it (Go's default, 100).
//
// A sync or preview that reads both sides whole holds them, and then the
// plan, until it ends: most of its heap is live from the read on. While an
// import writes 100,000 users, the default let the heap grow from about
// 100 MB live to 190 MB between collections; at 50 it stays under about
// 145 MB (the peak RSS went from 235 to 185 MB), for about 1% more CPU: a
// collection there costs about 20 ms, since the snapshot is mostly
// pointer-free text. Measured, with GOGC=50 and without, in README's
// "Performance".
const gcPercent = 50

// planGCPercent is the collector's target while a run plans (phaseGC).
// Planning builds what the run keeps (the pairs and the actions) on top of
// everything read, and throws little away: at gcPercent the heap could
// grow by half of what was read before planning's collection, to a peak
// that depends on when that collection fell; at 20 it grows by a fifth,
// for a collection or two more, of about 20 ms each. A first import's
// preview of 100,000 users: 95.4-102.6 MB peak RSS at 50, 94.3-97.7 MB at
// 20, the CPU the same (README, "Performance").
const planGCPercent = 20

// tuneGC sets the collector's target to gcPercent unless lookup (the
// process's os.LookupEnv) finds GOGC set, which the Go runtime has
// already applied; it reports whether it set it.
func tuneGC(lookup func(string) (string, bool)) bool {
	if _, set := lookup("GOGC"); set {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}

// phaseGC sets the collector's target as a run of this process (ldapwiz
// sync or preview, one run at a time) goes from phase to phase:
// planGCPercent while it plans, gcPercent otherwise. It does nothing when
// the environment set GOGC (tuneGC did not set the target), nor anywhere
// several runs share the process (ldapwiz serve does not use it).
type phaseGC struct {
	on    bool         // tuneGC set the target
	phase syncer.Phase // the phase the target was last set for
}

// progress returns next (nil for none) wrapped to set the collector's
// target as the run enters each phase; give it as syncer.Options.Progress.
func (g *phaseGC) progress(next func(syncer.Event)) func(syncer.Event) {
	if !g.on {
		return next
	}
	return func(e syncer.Event) {
		if e.Phase != g.phase {
			g.phase = e.Phase
			debug.SetGCPercent(gcTarget(e.Phase))
		}
		if next != nil {
			next(e)
		}
	}
}

// done sets the target back to gcPercent once a run is over: one that
// stopped while planning says so with no event.
func (g *phaseGC) done() {
	if g.on && g.phase != "" {
		debug.SetGCPercent(gcPercent)
		g.phase = ""
	}
}

// gcTarget is the collector's target for phase p.
func gcTarget(p syncer.Phase) int {
	if p == syncer.PhasePlan {
		return planGCPercent
	}
	return gcPercent
}
