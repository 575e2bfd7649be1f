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
// trace (WithMarkTrace) checks, under the write lock, that no one else
// wrote since the trace's last transaction.
//
// SQLite takes the write lock when a transaction begins; on PostgreSQL a
// traced transaction first locks the tables the mark covers against
// writes (SHARE ROW EXCLUSIVE: readers go on, other writers wait for its
// commit), so on both no one writes beside it.
//
// The mark itself is read only twice, whatever the number of transactions
// (it costs about 2 ms at 100,000 users on SQLite, more on PostgreSQL; an
// import of that many users commits about a hundred times): the first
// transaction compares it with the trace's, and Mark reads the one the
// writes left. In between, a transaction reads one number that anyone
// else's write changes. On SQLite the traced transactions run on one
// connection of their own, and that number is PRAGMA data_version, which
// changes for a connection when any other commits, whatever it wrote. On
// PostgreSQL it is the count of statements that wrote to the mark's
// tables (the ldapwiz_writes sequence, which a trigger on each table
// advances), read after the transaction's own writes. Close releases the
// connection.
type MarkTrace struct {
	mu     sync.Mutex
	last   string
	broken bool

	// db is the store the traced transactions write, from the first on;
	// conn (SQLite) the connection every one of them runs on.
	db   *DB
	conn *sql.Conn
	// version is the write count as the last traced transaction left it
	// (see writeCount), and fenced whether there was one (last is then
	// the mark before it, and Mark reads the new one). SQLite: the
	// connection's data_version found under the write lock, which its own
	// commits leave as it is; PostgreSQL: ldapwiz_writes after its writes.
	version int64
	fenced  bool
}

// NewMarkTrace starts a trace at mark, the store's change mark read before
// the run read the store.
func NewMarkTrace(mark string) *MarkTrace { return &MarkTrace{last: mark} }

// Mark returns the change mark the traced writes left and whether every
// traced transaction began with no one else's write since the one before
// it (ok false: someone else wrote in between, or a transaction could not
// be traced). A write by anyone else since the last traced commit also
// makes ok false: the mark is read then, under the write lock.
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

// readFenced reads, under the write lock, the change mark, provided no one
// else wrote since the last traced commit. t.mu is held.
func (t *MarkTrace) readFenced(ctx context.Context) (string, error) {
	begin, err := t.beginnerLocked(ctx, t.db)
	if err != nil {
		return "", err
	}
	sqlTx, err := begin(ctx, nil) // SQLite: BEGIN IMMEDIATE, the write lock
	if err != nil {
		return "", err
	}
	defer sqlTx.Rollback()
	tx := &Tx{Queries: Queries{q: sqlTx, d: t.db.d, tx: sqlTx}}
	if err := tx.lockMarkTables(ctx); err != nil {
		return "", err
	}
	v, err := tx.writeCount(ctx)
	if err != nil {
		return "", err
	}
	if v != t.version {
		return "", errOtherWriter
	}
	m, err := tx.ChangeMark(ctx)
	return m.Key, err
}

// errOtherWriter: someone else wrote between traced transactions.
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
	if t.fenced {
		t.broken = true
	}
	if t.conn == nil {
		return nil
	}
	err := t.conn.Close()
	t.conn = nil
	return err
}

// beginner returns what begins a traced transaction on db: on SQLite the
// trace's own connection, taken from db's pool at the first; on
// PostgreSQL the pool.
func (t *MarkTrace) beginner(ctx context.Context, db *DB) (func(context.Context, *sql.TxOptions) (*sql.Tx, error), error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.beginnerLocked(ctx, db)
}

// beginnerLocked is beginner with t.mu held.
func (t *MarkTrace) beginnerLocked(ctx context.Context, db *DB) (func(context.Context, *sql.TxOptions) (*sql.Tx, error), error) {
	if t.db == nil {
		t.db = db
	}
	if db.d.pg {
		return db.sql.BeginTx, nil
	}
	if t.conn == nil {
		c, err := db.sql.Conn(ctx)
		if err != nil {
			return nil, err
		}
		t.conn = c
	}
	return t.conn.BeginTx, nil
}

// beginFenced takes the write lock in a traced transaction that does not
// hold it yet (lockMarkTables) and checks that no one else wrote since the
// trace's mark: the first traced transaction reads the mark, later ones
// only the write count (writeCount). No one else can write until this
// transaction ends.
func (t *MarkTrace) beginFenced(ctx context.Context, tx *Tx) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := tx.lockMarkTables(ctx); err != nil {
		t.broken = true
		return
	}
	v, err := tx.writeCount(ctx)
	if err != nil {
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

// wrote records, on PostgreSQL, the write count a traced transaction's
// own writes left, read before it commits (or rolls back: the count does
// not go back) while it still holds the lock; on SQLite its own commit
// leaves data_version as beginFenced found it.
func (t *MarkTrace) wrote(ctx context.Context, tx *Tx) {
	if !tx.d.pg {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	v, err := tx.writeCount(ctx)
	if err != nil {
		t.broken = true
		return
	}
	t.version = v
}

// writeCount reads, under the write lock (see lockMarkTables), the
// number another writer's write changes: SQLite's PRAGMA data_version,
// PostgreSQL's ldapwiz_writes (0 before its first write).
func (tx *Tx) writeCount(ctx context.Context) (int64, error) {
	q := "PRAGMA data_version"
	if tx.d.pg {
		q = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ldapwiz_writes"
	}
	var v int64
	err := tx.queryRow(ctx, q).Scan(&v)
	return v, err
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

// lockMarkTables locks, on PostgreSQL, the tables the change mark covers
// against other writers until the transaction ends (SQLite's transactions
// hold the write lock from their start); locking them again does no harm.
// The transaction then leaves the statement cache alone: the cache
// prepares on another pooled connection, and preparing a write there waits
// for the very lock this transaction holds.
func (tx *Tx) lockMarkTables(ctx context.Context) error {
	if !tx.d.pg {
		return nil
	}
	tx.cache = nil
	_, err := tx.execOnce(ctx, markTables)
	return err
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
