package cli

import (
	"bytes"
	"ldapwiz/syncer"
	"strings"
	"testing"
	"time"
)

// On a terminal the progress is one line redrawn in place: a bar, counts
// (an estimated total marked ~), rate and ETA; plain output prints lines.
func TestProgressPrinter(t *testing.T) {
	line := progressLine(syncer.Event{Phase: syncer.PhaseApply, Done: 50, Total: 200, Rate: 25})
	for _, want := range []string{"applying", "[######------------------]  25%", "50/200", "25/s", "ETA 6s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	line = progressLine(syncer.Event{Phase: syncer.PhaseReadDirectory, Done: 300, Total: 1000, Estimated: true, Rate: 100})
	if !strings.Contains(line, "300/~1000") || !strings.Contains(line, "ETA 7s") {
		t.Errorf("estimated progress line %q", line)
	}
	line = progressLine(syncer.Event{Phase: syncer.PhaseReadDirectory, Done: 300, Rate: 100})
	if strings.Contains(line, "[") || strings.Contains(line, "ETA") || !strings.Contains(line, "300/?") {
		t.Errorf("progress line without a total %q", line)
	}

	var term bytes.Buffer
	p := newProgressPrinter(&term, true)
	for i := 0; i <= 4; i++ {
		p.event(syncer.Event{Phase: syncer.PhaseApply, Done: i, Total: 4, Rate: 10, Elapsed: time.Duration(i) * time.Second})
	}
	p.event(syncer.Event{Phase: syncer.PhaseDone, Done: 4, Total: 4, Message: "sync finished"})
	p.finish()
	out := term.String()
	if strings.Count(out, "\r\x1b[2K") != 6 || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "sync finished\n") {
		t.Errorf("terminal output %q", out)
	}

	var plain bytes.Buffer
	p = newProgressPrinter(&plain, false)
	for i := 0; i <= 4; i++ {
		p.event(syncer.Event{Phase: syncer.PhaseApply, Done: i, Total: 4})
	}
	p.event(syncer.Event{Phase: syncer.PhaseDone, Done: 4, Total: 4, Message: "sync finished"})
	p.finish()
	out = plain.String()
	if strings.Contains(out, "\r") || strings.Contains(out, "\x1b") || strings.Count(out, "\n") != 2 {
		t.Errorf("plain output (one line per phase within %s) %q", plainEvery, out)
	}
}
