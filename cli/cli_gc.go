package cli

import (
	"math"
	"runtime/debug"
	"runtime/metrics"

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

// capPercent is how far, after a run has planned, its heap may grow past
// what planning left live before the collector runs: the memory limit
// phaseGC sets then (capHeap). An import of 100,000 users writes with
// about 58 MB live and throws about 325 MB away while it writes; at
// gcPercent its heap grew to half as much again as what was live then.
// Held by a limit of 1.45 times what planning left live, plus the
// runtime's own memory, its peak RSS went from 124 to 114-116 MB, for 44
// collections rather than 37; at 1.35, 111 MB for 53 (README,
// "Performance").
const capPercent = 45

// capCheckEvery is how many progress events go by, while the heap is
// capped, between looks at whether what is live still fits under the cap.
const capCheckEvery = 256

// gcTuning is what ldapwiz may set of the collector in this process: what
// the environment leaves to it.
type gcTuning struct {
	percent bool // GOGC is not set: the target is gcPercent, and a run sets it per phase
	limit   bool // neither GOGC nor GOMEMLIMIT is set: a run may set a memory limit
}

// tuneGC sets the collector's target to gcPercent unless lookup (the
// process's os.LookupEnv) finds GOGC set, which the Go runtime has
// already applied, and reports what ldapwiz may set: nothing the
// environment sets (GOGC, GOMEMLIMIT) is overridden.
func tuneGC(lookup func(string) (string, bool)) gcTuning {
	if _, set := lookup("GOGC"); set {
		return gcTuning{}
	}
	debug.SetGCPercent(gcPercent)
	_, limited := lookup("GOMEMLIMIT")
	return gcTuning{percent: true, limit: !limited}
}

// phaseGC sets the collector's target as a run of this process (ldapwiz
// sync or preview, one run at a time) goes from phase to phase:
// planGCPercent while it plans, gcPercent otherwise. Once the run has
// planned, until it ends or the next run begins, it also caps the heap
// with a memory limit (capHeap). It does nothing when the environment
// sets GOGC (tuneGC did not set the target), sets no limit when it sets
// GOMEMLIMIT, and is used nowhere several runs share the process (ldapwiz
// serve does not use it).
type phaseGC struct {
	on       bool         // tuneGC set the target (gcTuning.percent)
	capOn    bool         // the run may set a memory limit (gcTuning.limit)
	phase    syncer.Phase // the phase the target was last set for
	limit    int64        // the memory limit capHeap set; 0 for none
	sinceCap int          // events since the cap was last checked
}

// newPhaseGC returns the phaseGC of a run in env's process.
func newPhaseGC(env *cliEnv) *phaseGC {
	return &phaseGC{on: env.gc.percent, capOn: env.gc.limit}
}

// progress returns next (nil for none) wrapped to set the collector's
// target as the run enters each phase; give it as syncer.Options.Progress.
func (g *phaseGC) progress(next func(syncer.Event)) func(syncer.Event) {
	if !g.on {
		return next
	}
	return func(e syncer.Event) {
		if e.Phase != g.phase {
			goesOn := e.Phase == syncer.PhaseApply || e.Phase == syncer.PhaseDone
			switch {
			case g.phase == syncer.PhasePlan && goesOn:
				g.capHeap() // the run goes on with what it planned
			case !goesOn:
				g.lift() // the next run begins (one that stopped after planning set none)
			}
			g.phase = e.Phase
			debug.SetGCPercent(gcTarget(e.Phase))
		} else if g.limit != 0 {
			if g.sinceCap++; g.sinceCap >= capCheckEvery {
				g.checkCap()
			}
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
	g.lift()
}

// rest ends a run of "ldapwiz sync --watch" as done does, and gives the
// system back the memory the run held (watchSync calls it once it has
// waited restAfter for the next run): what the run read and planned is
// garbage once it has reported, but the runtime would keep the pages
// until its next collection, which an idle process does not reach. At
// 100,000 users a watching sync held 127-131 MB 5 s after its last run,
// 37-39 MB with this: what it keeps, and the binary. It costs a
// collection of what is still live (5-20 ms there). It is done whatever the environment sets
// of the collector: GOGC and GOMEMLIMIT bound the heap while it grows,
// and say nothing of keeping the pages of one that no longer holds them.
func (g *phaseGC) rest() {
	g.done()
	debug.FreeOSMemory()
}

// capHeap sets a memory limit of capPercent above what is live now, as
// the run leaves planning, plus the runtime's memory that is not heap
// objects (span fragmentation, stacks, the collector's metadata). After
// planning a run writes what it planned: what is live then
// hardly grows, while what it throws away is collected under the limit
// rather than at gcPercent above a live heap that writing has grown. The
// limit also has the runtime return freed memory to the system sooner.
func (g *phaseGC) capHeap() {
	if !g.capOn {
		return
	}
	g.limit = heapCap(readHeapUse())
	g.sinceCap = 0
	debug.SetMemoryLimit(g.limit)
}

// checkCap raises the limit when what is live has grown so that the
// collector would run much more often under it than at the cap set: the
// limit is a bound on memory that planning established, never a reason to
// collect all the time.
func (g *phaseGC) checkCap() {
	g.sinceCap = 0
	u := readHeapUse()
	if u.live+u.live/5+u.other > g.limit {
		g.limit = heapCap(u)
		debug.SetMemoryLimit(g.limit)
	}
}

// lift takes the limit capHeap set away.
func (g *phaseGC) lift() {
	if g.limit != 0 {
		debug.SetMemoryLimit(math.MaxInt64)
		g.limit = 0
	}
}

// heapUse is what the runtime reports of its memory: the heap live at the
// last collection, and what it holds besides heap objects and free pages.
type heapUse struct {
	live  int64
	other int64
}

// heapCap is the memory limit for u: capPercent above what is live, plus
// the rest of the runtime's memory.
func heapCap(u heapUse) int64 {
	return u.live + u.live*capPercent/100 + u.other
}

// readHeapUse reads the runtime's heapUse.
func readHeapUse() heapUse {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	v := func(i int) int64 { return int64(s[i].Value.Uint64()) }
	return heapUse{live: v(0), other: v(1) - v(2) - v(3) - v(4)}
}

// gcTarget is the collector's target for phase p.
func gcTarget(p syncer.Phase) int {
	if p == syncer.PhasePlan {
		return planGCPercent
	}
	return gcPercent
}
