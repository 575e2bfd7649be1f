package serve

import (
	"io"
	"time"
)

// idleReader is a session's input that restarts the idle timer on every
// read that brings bytes: only the person typing keeps a session alive,
// not the screen redrawing.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	after time.Duration
}

// Read reads from the session and restarts the idle timer.
func (i *idleReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p)
	if n > 0 {
		i.timer.Reset(i.after)
	}
	return n, err
}
