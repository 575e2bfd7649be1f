package store

import (
	"context"
	"sync"
)

// MarkTrace follows the store's change mark through the write transactions
// of one sync run, so that a run that wrote to the store can still certify
// the mark its writes left: it starts from the mark read before the run
// read the store, and each transaction begun with a context carrying the
// trace (WithMarkTrace) checks, under the write lock, that the store's
// mark is still the one the trace holds — nobody else wrote in between —
// and records the mark its own writes leave.
//
// SQLite takes the write lock when a transaction begins; on PostgreSQL a
// traced transaction first locks the tables the mark covers against
// writes (SHARE ROW EXCLUSIVE: readers go on, other writers wait for its
// commit), so on both no one writes beside it.
type MarkTrace struct {
	mu     sync.Mutex
	last   string
	broken bool
}

// NewMarkTrace starts a trace at mark, the store's change mark read before
// the run read the store.
func NewMarkTrace(mark string) *MarkTrace { return &MarkTrace{last: mark} }

// Mark returns the change mark the traced writes left and whether every
// traced transaction began at the mark the one before it left (ok false:
// someone else wrote in between, or a transaction could not be traced).
func (t *MarkTrace) Mark() (mark string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last, !t.broken
}

// begin checks the mark a transaction found when it began.
func (t *MarkTrace) begin(mark string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil || mark != t.last {
		t.broken = true
	}
}

// committed records the mark a committed transaction left.
func (t *MarkTrace) committed(mark string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.broken = true
		return
	}
	t.last = mark
}

// breakTrace marks the trace as no longer following the store.
func (t *MarkTrace) breakTrace() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.broken = true
}

// markTables locks, on PostgreSQL, the tables the change mark covers
// against other writers until the transaction ends.
const markTables = `LOCK TABLE users, groups, memberships, links IN SHARE ROW EXCLUSIVE MODE`

// lockedMark reads the change mark in a transaction that no one else can
// write beside until it ends: SQLite's transactions hold the write lock
// from their start; on PostgreSQL it locks the mark's tables first. The
// PostgreSQL transaction then leaves the statement cache alone: the cache
// prepares on another pooled connection, and preparing a write there
// waits for the very lock this transaction holds.
func (tx *Tx) lockedMark(ctx context.Context) (ChangeMark, error) {
	if tx.d.pg {
		tx.cache = nil
		if _, err := tx.execOnce(ctx, markTables); err != nil {
			return ChangeMark{}, err
		}
	}
	return tx.ChangeMark(ctx)
}

// markTraceKey is the context key of a MarkTrace.
type markTraceKey struct{}

// WithMarkTrace returns ctx carrying t: the transactions WithTx begins with
// it are traced.
func WithMarkTrace(ctx context.Context, t *MarkTrace) context.Context {
	return context.WithValue(ctx, markTraceKey{}, t)
}

// markTraceOf returns the trace ctx carries, or nil.
func markTraceOf(ctx context.Context) *MarkTrace {
	t, _ := ctx.Value(markTraceKey{}).(*MarkTrace)
	return t
}
