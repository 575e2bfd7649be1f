package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesFromScratchAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub dir?#%", "ldapwiz.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var version int
	if err := db.sql.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migrations()) {
		t.Fatalf("schema version %d, want %d", version, len(migrations()))
	}
	var mode string
	if err := db.sql.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v; want 1", fk, err)
	}
	var pageSize int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil || pageSize != sqlitePageSize {
		t.Fatalf("page_size = %d, %v; want %d", pageSize, err, sqlitePageSize)
	}
	var tempStore int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&tempStore); err != nil || tempStore != 2 {
		t.Fatalf("temp_store = %d, %v; want 2 (memory)", tempStore, err)
	}
	mustUser(t, db, "alice")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", p, st.Mode(), err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not created at the literal path: %v", err)
	}

	// Re-opening applies nothing twice and keeps the data.
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	var rows int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != len(migrations()) {
		t.Fatalf("schema_migrations rows = %d, %v; want %d", rows, err, len(migrations()))
	}
	if _, err := db.GetUserByName(ctx, "alice"); err != nil {
		t.Fatalf("alice lost on reopen: %v", err)
	}
	mustIntegrity(t, db)

	// A read-only open finds the same file at the same literal path.
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer ro.Close()
	if _, err := ro.GetUserByName(ctx, "alice"); err != nil {
		t.Fatalf("alice not found read-only: %v", err)
	}
}

// TestOpenKeepsAnOlderStoresPageSize: a store made with SQLite's default
// 4 KiB pages (as ldapwiz made them before sqlitePageSize) opens, keeps its
// pages and its rows, and takes new ones; only a new file gets the larger
// pages.
func TestOpenKeepsAnOlderStoresPageSize(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", sqliteFileURI(path)+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('before')`); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	var pageSize int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil || pageSize != 4096 {
		t.Fatalf("page_size = %d, %v; want the store's own 4096", pageSize, err)
	}
	var v string
	if err := db.sql.QueryRowContext(ctx, `SELECT v FROM kept`).Scan(&v); err != nil || v != "before" {
		t.Fatalf("kept row = %q, %v", v, err)
	}
	mustUser(t, db, "alice")
	mustIntegrity(t, db)
}

// Several processes opening a new file at once race to switch it to WAL;
// SQLite tells the losers "database is locked" without waiting. Open tries
// again: none of them fails. One round lost the race about one time in
// thirty before it did, so the test runs many.
func TestOpenConcurrentlyOnFreshFile(t *testing.T) {
	ctx := context.Background()
	for round := range 100 {
		path := filepath.Join(t.TempDir(), "ldapwiz.db")
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				db, err := Open(ctx, path)
				if err == nil {
					err = db.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: concurrent Open: %v", round, err)
			}
		}
	}
}

func TestOpenRefusesNewerSchemaAndMissingDir(t *testing.T) {
	forBackends(t, testOpenRefusesNewerSchemaAndMissingDir)
}

func testOpenRefusesNewerSchemaAndMissingDir(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (999, '2030-01-01T00:00:00.000000Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := db.cfg.Open(ctx)
	if err == nil || !strings.Contains(err.Error(), "schema version 999") || !strings.Contains(err.Error(), db.d.setting()) {
		t.Fatalf("Open of a newer schema: %v", err)
	}
	if _, err := db.cfg.OpenReadOnly(ctx); err == nil || !strings.Contains(err.Error(), "schema version 999") {
		t.Fatalf("OpenReadOnly of a newer schema: %v", err)
	}

	_, err = Open(ctx, filepath.Join(t.TempDir(), "nope", "x.db"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Open in a missing directory: %v", err)
	}
	if _, err := Open(ctx, " "); err == nil || !strings.Contains(err.Error(), "store.path") {
		t.Fatalf("Open with no path: %v", err)
	}
}

func TestOpenRejectsNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path); err == nil {
		t.Fatal("Open of a text file succeeded")
	}
}

func TestWithTxRollbackLeavesNothing(t *testing.T) { forBackends(t, testWithTxRollbackLeavesNothing) }

func testWithTxRollbackLeavesNothing(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(tx *Tx) error {
		u, err := tx.CreateUser(ctx, NewUser{Username: "ghost"})
		if err != nil {
			return err
		}
		if _, err := tx.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "uuid-ghost", DN: "uid=ghost,dc=x"}); err != nil {
			return err
		}
		run, err := tx.BeginRun(ctx, "two-way", false, "test")
		if err != nil {
			return err
		}
		if _, err := tx.AddChange(ctx, Change{RunID: run.ID, Side: SideStore, Op: OpCreate, Kind: KindUser, Name: "ghost"}); err != nil {
			return err
		}
		// Inside the transaction the user is visible.
		if _, err := tx.GetUserByName(ctx, "ghost"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx returned %v, want boom", err)
	}
	for _, table := range []string{"users", "links", "sync_runs", "changes"} {
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d rows after rollback (%v)", table, n, err)
		}
	}

	// A panic rolls back too, and propagates.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		_ = db.WithTx(ctx, func(tx *Tx) error {
			if _, err := tx.CreateUser(ctx, NewUser{Username: "panicky"}); err != nil {
				return err
			}
			panic("oops")
		})
	}()
	if _, err := db.GetUserByName(ctx, "panicky"); !errors.Is(err, ErrNotFound) {
		t.Errorf("user of a panicked transaction exists: %v", err)
	}

	// And a successful one commits.
	if err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.CreateUser(ctx, NewUser{Username: "kept"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetUserByName(ctx, "kept"); err != nil {
		t.Fatal(err)
	}
	mustIntegrity(t, db)
}
