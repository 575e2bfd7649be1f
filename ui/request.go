package ui

import (
	"context"
	"time"
)

// request is the one way the UI asks for asynchronous work: asking again
// cancels the work on its way, every request carries a sequence id, and an
// answer whose id is not the newest is stale and dropped. The zero value is
// ready to use.
type request struct {
	seq    int
	cancel context.CancelFunc
}

// next cancels the request on its way and starts a new one: its context is
// derived from parent (the session's) and bounded by budget (0: unbounded).
func (r *request) next(parent context.Context, budget time.Duration) (context.Context, int) {
	r.stop()
	r.seq++
	var ctx context.Context
	if budget > 0 {
		ctx, r.cancel = context.WithTimeout(parent, budget)
	} else {
		ctx, r.cancel = context.WithCancel(parent)
	}
	return ctx, r.seq
}

// bump makes any answer on its way stale (and cancels its work) without
// starting a new request; it returns the new id, for a debounce tick.
func (r *request) bump() int {
	r.stop()
	r.seq++
	return r.seq
}

// is reports whether seq is the newest request.
func (r *request) is(seq int) bool { return seq == r.seq }

// done reports whether an answer of seq is the newest; when it is, the
// request's context is released.
func (r *request) done(seq int) bool {
	if seq != r.seq {
		return false
	}
	r.stop()
	return true
}

// stop cancels the work on its way; its answer (cancelled) still arrives.
func (r *request) stop() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}
