package syncer

import (
	"time"
)

// Phase is a stage of a sync or preview.
type Phase string

// The phases, in order.
const (
	PhaseConnect       Phase = "connecting"
	PhaseReadDirectory Phase = "reading directory"
	PhaseReadStore     Phase = "reading store"
	PhasePlan          Phase = "planning"
	PhaseApply         Phase = "applying"
	PhaseDone          Phase = "done"
)

// Event reports progress. Events come from the goroutine running the sync;
// a UI should hand them to its own loop (Bubble Tea: p.Send).
type Event struct {
	Phase Phase
	Done  int // items done in this phase (entries read, actions applied)
	// Total is the number of items of the phase: known (applying), or
	// estimated from the last successful run (Estimated), or 0 when unknown.
	Total     int
	Estimated bool
	Rate      float64       // items per second in this phase so far
	Elapsed   time.Duration // since the phase began
	Message   string        // what is happening, for a status line
	// Action is the action just applied or failed (PhaseApply), else nil.
	Action *Action
}

// Fraction returns Done/Total clamped to [0, 1], or -1 when the total is unknown.
func (e Event) Fraction() float64 {
	if e.Total <= 0 {
		return -1
	}
	f := float64(e.Done) / float64(e.Total)
	if f > 1 {
		f = 1
	}
	return f
}

// ETA estimates the time left in the phase; ok is false when it cannot.
func (e Event) ETA() (d time.Duration, ok bool) {
	if e.Total <= 0 || e.Rate <= 0 || e.Done > e.Total {
		return 0, false
	}
	return time.Duration(float64(e.Total-e.Done) / e.Rate * float64(time.Second)), true
}

// PhaseTiming is how long one phase of a run took and how many items
// (entries read, actions applied) it handled.
type PhaseTiming struct {
	Phase    Phase         `json:"phase"`
	Duration time.Duration `json:"duration_ns"`
	Items    int           `json:"items"`
}

// tracker turns counts into throttled progress events, and times the
// phases (phaseDone hears of each phase as it ends).
type tracker struct {
	fn        func(Event)
	phaseDone func(PhaseTiming)
	phase     Phase
	msg       string
	start     time.Time
	last      time.Time
	total     int
	estimated bool
	done      int
}

// minEventGap throttles events of one phase.
const minEventGap = 100 * time.Millisecond

func newTracker(fn func(Event)) *tracker { return &tracker{fn: fn} }

// begin starts a phase and emits its first event.
func (t *tracker) begin(p Phase, total int, estimated bool, msg string) {
	t.closePhase()
	t.phase, t.total, t.estimated, t.msg, t.done = p, total, estimated, msg, 0
	t.start = time.Now()
	t.last = time.Time{}
	t.emit(nil, true)
}

// end emits the final event of a run: phase p with n of n items done.
func (t *tracker) end(p Phase, n int, msg string) {
	t.closePhase()
	t.phase, t.total, t.estimated, t.msg, t.done = p, n, false, msg, n
	t.start = time.Now()
	t.emit(nil, true)
}

// closePhase reports the phase under way, if any, as ended now. A run that
// stops with an error calls it to time the phase it stopped in.
func (t *tracker) closePhase() {
	if t.phase == "" || t.phase == PhaseDone {
		return
	}
	if t.phaseDone != nil {
		t.phaseDone(PhaseTiming{Phase: t.phase, Duration: time.Since(t.start), Items: t.done})
	}
	t.phase = ""
}

// step records that done items are finished; events are throttled unless
// force or an action is attached.
func (t *tracker) step(done int, a *Action) {
	t.done = done
	if t.estimated && done > t.total {
		t.total = done // the estimate was low
	}
	t.emit(a, a != nil)
}

// minRateWindow is how long a phase must have run before its rate means
// anything: a phase that handles thousands of items in a millisecond would
// otherwise report billions per second.
const minRateWindow = 250 * time.Millisecond

func (t *tracker) emit(a *Action, force bool) {
	if t.fn == nil {
		return
	}
	now := time.Now()
	// The last item of a known total always shows; an estimated total
	// follows the count once passed, so reaching it means nothing.
	if !force && now.Sub(t.last) < minEventGap && (t.done != t.total || t.estimated) {
		return
	}
	t.last = now
	el := now.Sub(t.start)
	rate := 0.0 // unknown until the phase has run long enough to say
	if el >= minRateWindow {
		rate = float64(t.done) / el.Seconds()
	}
	t.fn(Event{Phase: t.phase, Done: t.done, Total: t.total, Estimated: t.estimated, Rate: rate, Elapsed: el, Message: t.msg, Action: a})
}
