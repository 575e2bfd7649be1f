package store

import (
	"context"
	"database/sql"
	"errors"
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
//
// On SQLite the mark is read only twice, whatever the number of
// transactions (the mark costs about 2 ms at 100,000 users; an import of
// that many users commits about a hundred times): the traced transactions
// run on one connection of their own, and PRAGMA data_version, which
// changes for a connection when any other commits, tells at each begin
// whether anyone else wrote since the last traced commit. The first
// transaction compares the mark itself; Mark reads the one the writes
// left. On PostgreSQL each transaction reads the mark before and after its
// writes. Close releases the connection.
type MarkTrace struct {
	mu     sync.Mutex
	last   string
	broken bool

	// fence (SQLite): the connection every traced transaction runs on,
	// and its data_version as the last traced transaction found it under
	// the write lock (fenced: there was one, so last is the mark before
	// it, and Mark reads the new one). The connection's own commits leave
	// data_version as it is; anyone else's change it.
	conn    *sql.Conn
	version int64
	fenced  bool
}

// NewMarkTrace starts a trace at mark, the store's change mark read before
// the run read the store.
func NewMarkTrace(mark string) *MarkTrace { return &MarkTrace{last: mark} }

// Mark returns the change mark the traced writes left and whether every
// traced transaction began at the mark the one before it left (ok false:
// someone else wrote in between, or a transaction could not be traced).
// On SQLite, a write by anyone else since the last traced commit also
// makes ok false: the mark is read then, under the write lock, on the
// trace's connection.
func (t *MarkTrace) Mark(ctx context.Context) (mark string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.broken {
		return t.last, false
	}
	if t.fenced {
		m, err := t.readFenced(ctx)
		if err != nil {
			t.broken = true
			return t.last, false
		}
		t.last, t.fenced = m, false // no traced commit since
	}
	return t.last, true
}

// readFenced reads, under the write lock on the trace's connection, the
// change mark, provided no one else committed since the last traced
// commit. t.mu is held.
func (t *MarkTrace) readFenced(ctx context.Context) (string, error) {
	tx, err := t.conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return "", err
	}
	if v != t.version {
		return "", errOtherWriter
	}
	m, err := (Queries{q: tx, d: sqliteDialect}).ChangeMark(ctx) // the fence is SQLite's
	return m.Key, err
}

// errOtherWriter: another connection committed between traced writes.
var errOtherWriter = errors.New("store: another writer committed between traced transactions")

// Close releases the connection the traced transactions ran on (SQLite);
// Mark cannot be read after it. It is safe to call more than once, and on
// a nil trace.
func (t *MarkTrace) Close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return nil
	}
	err := t.conn.Close()
	t.conn = nil
	if t.fenced {
		t.broken = true
	}
	return err
}

// pin returns the connection the traced transactions run on, taken from
// pool at the first.
func (t *MarkTrace) pin(ctx context.Context, pool *sql.DB) (*sql.Conn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		c, err := pool.Conn(ctx)
		if err != nil {
			return nil, err
		}
		t.conn = c
	}
	return t.conn, nil
}

// beginFenced checks, in a transaction on the trace's connection holding
// the write lock, that no one else wrote since the trace's mark: the
// first traced transaction reads the mark, later ones only data_version.
// It records data_version as found here, under the lock: no one else can
// commit until this transaction ends, and its own commit does not change
// it, so the next traced transaction (or Mark) finds it unchanged unless
// someone else committed in between.
func (t *MarkTrace) beginFenced(ctx context.Context, tx *Tx) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var v int64
	if err := tx.queryRow(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		t.broken = true
		return
	}
	if t.fenced {
		if v != t.version {
			t.broken = true
		}
	} else if m, err := tx.ChangeMark(ctx); err != nil || m.Key != t.last {
		t.broken = true
	}
	t.version, t.fenced = v, true
}

// CheapMarkTrace reports whether tracing a transaction costs next to
// nothing on db (SQLite, where the mark is read only at the first
// transaction and at the end), so that a run of any size may be traced;
// on PostgreSQL each transaction reads the mark twice.
func (db *DB) CheapMarkTrace() bool { return !db.d.pg }

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
