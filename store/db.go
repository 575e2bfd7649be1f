// Package store is the application's user database: users, groups,
// memberships, the links to directory entries, sync runs and their changes,
// enrollment invites and the sync lock. It lives in SQLite (one file, the
// default: Open) or in PostgreSQL (Config.URL), with the same schema,
// migrations and API on both.
//
// The database API is shared by *DB (each call on its own) and *Tx (calls
// inside one transaction, see DB.WithTx): both embed Queries.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go, no cgo)
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a statement waits for another connection's write
// lock before failing with "database is locked".
const busyTimeout = 10 * time.Second

// DB is an open ldapwiz store database. It is safe for concurrent use.
type DB struct {
	Queries
	sql   *sql.DB
	path  string
	cache *stmtCache
	// where names the database in messages: the file, or the URL without
	// a password.
	where string
	// cfg is how it was opened (tests open it again with it).
	cfg Config
}

// Tx is a store transaction, handed to the function given to DB.WithTx.
// Every Queries method is available on it and runs inside the transaction.
type Tx struct {
	Queries
}

// querier is what Queries needs from *sql.DB and *sql.Tx alike.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds the database operations shared by DB and Tx. Its zero value
// is not usable: obtain one through Open or DB.WithTx.
type Queries struct {
	q     querier
	d     *dialect
	tx    *sql.Tx    // set inside a transaction
	cache *stmtCache // prepared statements of the DB
	path  string     // database file, for the key file of pending passwords
	// txStmts: inside a transaction, its copies of the cached statements.
	txStmts *txStmts
}

// Open opens (creating when missing) the SQLite database at path, switches
// it to WAL with foreign keys and a busy timeout, and applies every pending
// schema migration.
func Open(ctx context.Context, path string) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("store: no database path: set store.path in the config file")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: database path %q: %w", path, err)
	}
	if dir := filepath.Dir(abs); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("store: cannot create the database %s: directory %s does not exist; create it or change store.path", abs, dir)
		}
	}
	// Create a new file private: SQLite gives its -wal and -shm files the
	// database file's mode, and they all hold password hashes.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		f.Close()
	case errors.Is(err, syscall.EROFS):
		return nil, fmt.Errorf("store: cannot create the database %s: %s is on a read-only file system; set store.path to a writable place", abs, filepath.Dir(abs))
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("store: cannot create the database %s: %w; fix the permissions or change store.path", abs, err)
	}
	// An existing database on a read-only file system: SQLite would only say
	// "unable to open database file".
	rw, err := os.OpenFile(abs, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("store: cannot open the database %s for writing: %w; make it writable or change store.path", abs, err)
	}
	rw.Close()
	sqlDB, err := sql.Open("sqlite", SQLiteDSN(abs))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	// Keep a few connections (and their prepared statements) around.
	sqlDB.SetMaxIdleConns(4)
	db := newDB(sqlDB, sqliteDialect, abs, abs)
	db.cfg = Config{Path: abs}
	if err := pingWhileBusy(ctx, sqlDB); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: open %s: %w (is it an SQLite database, and writable by this user?)", abs, err)
	}
	// An existing file may have been created more open: tighten it.
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		_ = os.Chmod(p, 0o600)
	}
	if err := migrate(ctx, sqlDB, sqliteDialect); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: %s: %w", abs, err)
	}
	return db, nil
}

// pingWhileBusy opens the first connection, trying again for up to
// busyTimeout while SQLite answers SQLITE_BUSY. Two processes opening a new
// file at once both switch it to WAL; the one that loses is told "database
// is locked" at once, without waiting, because waiting there could deadlock.
// Once the file is in WAL mode, a retry opens it.
func pingWhileBusy(ctx context.Context, sqlDB *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	delay := time.Millisecond
	for {
		err := sqlDB.PingContext(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY,
// or one of its extended codes).
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// newDB wraps an open database of dialect d; path is the SQLite file or,
// on PostgreSQL, store.path (where the key file sealing pending passwords
// lives), where names it in messages.
func newDB(sqlDB *sql.DB, d *dialect, path, where string) *DB {
	cache := newStmtCache(sqlDB, d)
	return &DB{Queries: Queries{q: sqlDB, d: d, cache: cache, path: path}, sql: sqlDB, path: path, cache: cache, where: where}
}

// SQLiteDSN is the data source name with which the store opens the SQLite
// database file at path, for sql.Open("sqlite", ...) with the
// modernc.org/sqlite driver this package registers: path with %, ? and #
// escaped, so that they are read as part of it, and the store's pragmas.
// Transactions begin IMMEDIATE so that two writers never deadlock upgrading
// a read lock; WAL lets readers run beside the writer; a busy database is
// waited for as long as Open waits; foreign keys are enforced. A new file
// gets pages of sqlitePageSize bytes (an existing one keeps its own).
// Temporary files are kept in memory (temp_store=MEMORY): the statement
// journal a multi-row INSERT inside a transaction keeps, so that it can
// undo itself alone, holds a copy of each page the statement changes, and
// SQLite writes it to a file in /var/tmp once it passes 64 KiB (4 pages of
// 16 KiB), a system call per page: a first import of 100,000 users wrote
// 88,000 times to such files. No query of the store sorts without an
// index, so nothing else goes there. Open passes an absolute path; a
// relative one is read from the working directory.
func SQLiteDSN(path string) string {
	return fmt.Sprintf("%s?_busy_timeout=%d&_foreign_keys=1&_pragma=page_size(%d)&_pragma=temp_store(memory)&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate",
		sqliteFileURI(path), busyTimeout.Milliseconds(), sqlitePageSize)
}

// sqlitePageSize is the page size of a new SQLite store, set before its
// first table (or WAL mode) fixes it; SQLite's default is 4,096. A first
// import of 100,000 users writes and rereads each page it touches through
// the write-ahead log a system call at a time: with 16 KiB pages it makes
// about half the writes and a third of the reads, and takes about 10%
// less CPU (`ldapwiz sync` of the benchmark's directory under
// /usr/bin/time, five runs of each page size alternated). Reading the
// whole store costs the same. The page cache is sized in bytes (SQLite's default 2 MiB), so it
// holds as much as before.
const sqlitePageSize = 16384

// sqliteFileURI is the file: URI of the database file at path, with %, ?
// and # escaped so that SQLite reads them as part of the path.
func sqliteFileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
}

// Close closes the database.
func (db *DB) Close() error {
	db.cache.close()
	return db.sql.Close()
}

// WithTx runs fn inside one transaction: committed when fn returns nil,
// rolled back when it returns an error or panics (the panic continues). The
// transaction takes the database write lock when it begins, so use it for
// short units of work such as "record this applied change with its new base
// values". When ctx carries a MarkTrace, the transaction is traced.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	trace := markTraceOf(ctx)
	begin := db.sql.BeginTx
	if trace != nil {
		if begin, err = trace.beginner(ctx, db); err != nil {
			return fmt.Errorf("store: begin transaction: %w", err)
		}
	}
	sqlTx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	tx := &Tx{Queries: Queries{q: sqlTx, d: db.d, tx: sqlTx, cache: db.cache, path: db.path, txStmts: newTxStmts()}}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if trace != nil {
		trace.beginFenced(ctx, tx)
	}
	err = fn(tx)
	if trace != nil {
		trace.wrote(ctx, tx) // rolled back or not: no one else wrote meanwhile
	}
	if err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		if trace != nil {
			trace.breakTrace()
		}
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// atomic runs fn in q's transaction, or in a new one when q is not in a
// transaction, so that a multi-statement operation never half-applies.
func (q Queries) atomic(ctx context.Context, fn func(q Queries) error) error {
	if q.tx != nil {
		return fn(q)
	}
	db, ok := q.q.(*sql.DB)
	if !ok {
		return fn(q)
	}
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	if err := fn(Queries{q: sqlTx, d: q.d, tx: sqlTx, cache: q.cache, path: q.path, txStmts: newTxStmts()}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// now is the store's clock, in UTC with microsecond precision so that a
// value read back compares equal to the one written.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// timeLayout is how times are stored: fixed width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// fmtTime formats t for a TEXT column; the zero time becomes NULL.
func fmtTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads a TEXT time column; NULL becomes the zero time.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad time %q in database: %w", s.String, err)
	}
	return t, nil
}

// boolInt converts a bool to the 0/1 of the store's flag columns.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
