package syncer

import (
	"testing"
	"time"
)

// When the directory has grown past the last run's estimate, the read
// phase's total follows the count; that must not turn every entry read
// into an event (a UI gets one message per event).
func TestSyncProgressThrottledPastEstimate(t *testing.T) {
	events := 0
	tr := newTracker(func(Event) { events++ })
	start := time.Now()
	tr.begin(PhaseReadDirectory, 10, true, "reading users and groups")
	const n = 5000
	for i := 1; i <= n; i++ {
		tr.step(i, nil)
	}
	// One event per minEventGap at most, plus the first and the estimate's end.
	limit := int(time.Since(start)/minEventGap) + 3
	if events > limit {
		t.Errorf("%d entries read past an estimate of 10 gave %d events in %s, want at most %d (throttled)",
			n, events, time.Since(start), limit)
	}
}
