package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/internal/pgtest"
)

// traceWrite creates a user in a transaction begun with ctx.
func traceWrite(t *testing.T, ctx context.Context, db *DB, name string) {
	t.Helper()
	err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.CreateUser(ctx, NewUser{Username: name, Email: name + "@example.com"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// currentMark reads db's change mark.
func currentMark(t *testing.T, db *DB) ChangeMark {
	t.Helper()
	m, err := db.ChangeMark(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMarkTraceFollowsItsOwnWrites: traced transactions, one after the
// other, leave the trace holding the store's mark, unbroken; a rolled back
// one changes nothing (on PostgreSQL the write count it advanced is
// recorded before the rollback).
func TestMarkTraceFollowsItsOwnWrites(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) { testMarkTraceFollowsItsOwnWrites(t, be.open(t)) })
}

func testMarkTraceFollowsItsOwnWrites(t *testing.T, db *DB) {
	tr := NewMarkTrace(currentMark(t, db).Key)
	ctx := WithMarkTrace(context.Background(), tr)
	traceWrite(t, ctx, db, "ada")
	traceWrite(t, ctx, db, "bob")
	_ = db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.CreateUser(ctx, NewUser{Username: "cy"}); err != nil {
			t.Fatal(err)
		}
		return ErrInvalid // rolled back
	})
	got, ok := tr.Mark(context.Background())
	if !ok {
		t.Fatal("the trace broke on its own writes")
	}
	if want := currentMark(t, db); got != want.Key || want.LiveUsers != 2 {
		t.Errorf("trace holds %q, store's mark is %q (live users %d, want 2)", got, want.Key, want.LiveUsers)
	}
}

// TestMarkTraceBreaksOnAnotherWrite: a write made outside the trace
// between two traced transactions breaks it; so does one made after the
// last traced transaction.
func TestMarkTraceBreaksOnAnotherWrite(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) { testMarkTraceBreaksOnAnotherWrite(t, be.open(t)) })
}

func testMarkTraceBreaksOnAnotherWrite(t *testing.T, db *DB) {
	tr := NewMarkTrace(currentMark(t, db).Key)
	ctx := WithMarkTrace(context.Background(), tr)
	traceWrite(t, ctx, db, "ada")
	traceWrite(t, context.Background(), db, "eve") // not traced
	traceWrite(t, ctx, db, "bob")
	if _, ok := tr.Mark(context.Background()); ok {
		t.Error("a write between two traced transactions did not break the trace")
	}

	tr = NewMarkTrace(currentMark(t, db).Key)
	ctx = WithMarkTrace(context.Background(), tr)
	traceWrite(t, ctx, db, "cy")
	if _, err := db.CreateUser(context.Background(), NewUser{Username: "mallory"}); err != nil {
		t.Fatal(err)
	}
	// The trace reads its mark now, and sees that someone else wrote
	// since its last commit: it is broken.
	if got, ok := tr.Mark(context.Background()); ok {
		t.Errorf("after a write outside the trace: trace %q, store %q: the trace vouches for another writer's write", got, currentMark(t, db).Key)
	}

	tr = NewMarkTrace("a mark the store never had")
	traceWrite(t, WithMarkTrace(context.Background(), tr), db, "dan")
	if _, ok := tr.Mark(context.Background()); ok {
		t.Error("a trace started from another mark than the store's did not break")
	}
}

// TestMarkTraceOnBothBackends: on each backend a traced transaction
// follows its own writes, and another writer that comes while it runs
// waits for its commit (SQLite's write lock; on PostgreSQL the lock on the
// mark's tables), so its write lands after the trace's mark, which then
// differs from the store's.
func TestMarkTraceOnBothBackends(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *DB{"sqlite": openTest, "postgres": openPGTest} {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			tr := NewMarkTrace(currentMark(t, db).Key)
			ctx := WithMarkTrace(context.Background(), tr)
			traceWrite(t, ctx, db, "ada")
			if got, ok := tr.Mark(context.Background()); !ok || got != currentMark(t, db).Key {
				t.Fatalf("after its own write: trace %q (ok %v), store %q", got, ok, currentMark(t, db).Key)
			}
			other := make(chan error, 1)
			err := db.WithTx(ctx, func(tx *Tx) error {
				if _, err := tx.CreateUser(ctx, NewUser{Username: "bob"}); err != nil {
					return err
				}
				go func() {
					_, err := db.CreateUser(context.Background(), NewUser{Username: "eve"})
					other <- err
				}()
				select {
				case err := <-other:
					t.Errorf("another writer wrote beside a traced transaction (%v)", err)
				case <-time.After(500 * time.Millisecond):
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := <-other; err != nil {
				t.Fatalf("the other writer, after the commit: %v", err)
			}
			// The other writer's write lands after the trace's: the trace
			// reads its mark at the end, sees it and breaks.
			if _, ok := tr.Mark(context.Background()); ok {
				t.Fatal("after another writer's write: the trace vouches for the store")
			}
			if err := tr.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// On SQLite, traced transactions run on one connection of their own and
// read the change mark only at the first; the trace then reads the mark
// its writes left. Another connection's commit between two traced
// transactions, seen through data_version, breaks it. Close gives the
// connection back, and does no harm twice.
func TestMarkTraceFencesOnOneConnection(t *testing.T) {
	db := openTest(t)
	tr := NewMarkTrace(currentMark(t, db).Key)
	ctx := WithMarkTrace(context.Background(), tr)
	for _, name := range []string{"ada", "bob", "cy", "dan"} {
		traceWrite(t, ctx, db, name)
		if n := db.sql.Stats().InUse; n != 1 {
			t.Fatalf("after %s: %d connections in use, want the trace's only", name, n)
		}
	}
	if !tr.fenced {
		t.Fatal("the traced transactions were not fenced")
	}
	got, ok := tr.Mark(context.Background())
	if want := currentMark(t, db); !ok || got != want.Key || want.LiveUsers != 4 {
		t.Fatalf("trace %q (ok %v), store %q with %d users", got, ok, want.Key, want.LiveUsers)
	}
	if again, ok := tr.Mark(context.Background()); !ok || again != got {
		t.Errorf("Mark again: %q (ok %v), want %q", again, ok, got)
	}
	traceWrite(t, ctx, db, "eve")
	traceWrite(t, context.Background(), db, "mallory") // another connection
	traceWrite(t, ctx, db, "fay")
	if _, ok := tr.Mark(context.Background()); ok {
		t.Error("a commit on another connection between traced transactions did not break the trace")
	}
	for range 2 {
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := db.sql.Stats().InUse; n != 0 {
		t.Errorf("after Close: %d connections in use", n)
	}
	var none *MarkTrace
	if err := none.Close(); err != nil {
		t.Error(err)
	}
}

// TestMarkTraceSeesWritesTheMarkDoesNot: between two traced transactions
// the trace compares a count that every other write changes, not the
// mark: a write the mark cannot see (an application that changes a user
// without stamping updated_at) breaks the trace all the same.
func TestMarkTraceSeesWritesTheMarkDoesNot(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		db := be.open(t)
		tr := NewMarkTrace(currentMark(t, db).Key)
		traced := WithMarkTrace(ctx, tr)
		traceWrite(t, traced, db, "ada")
		before := currentMark(t, db)
		if _, err := db.sql.ExecContext(ctx, db.d.rebind(`UPDATE users SET email = ? WHERE username = ?`), "eve@example.com", "ada"); err != nil {
			t.Fatal(err)
		}
		if after := currentMark(t, db); after.Key != before.Key {
			t.Fatalf("the mark saw the unstamped write (%q -> %q): the test proves nothing", before.Key, after.Key)
		}
		traceWrite(t, traced, db, "bob")
		if _, ok := tr.Mark(ctx); ok {
			t.Error("a write between two traced transactions that the mark cannot see did not break the trace")
		}
	})
}

// TestWriteCountAsksNothingOfTheWriter: on PostgreSQL the trigger that
// counts writes runs as the store's owner, so an application role allowed
// to write the users table but given nothing on the count's sequence still
// writes, and its write is counted.
func TestWriteCountAsksNothingOfTheWriter(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.NewDB(t)
	db, err := (Config{Path: filepath.Join(t.TempDir(), "unused.db"), URL: pg.URL(), Password: pg.Password, CAFile: pg.CAFile}).Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() int64 {
		t.Helper()
		var v int64
		err := db.WithTx(ctx, func(tx *Tx) error {
			var err error
			v, err = tx.writeCount(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := count()
	su, err := pg.Superuser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer su.Close(ctx)
	app := pg.Name + "_app"
	for _, stmt := range []string{
		`CREATE ROLE ` + app + ` NOLOGIN`,
		`GRANT USAGE ON SCHEMA public TO ` + app,
		`GRANT SELECT, INSERT, UPDATE ON users TO ` + app,
		`SET ROLE ` + app,
		`INSERT INTO users (id, username, created_at, updated_at) VALUES (1000, 'app-made', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`RESET ROLE`,
		`DROP OWNED BY ` + app,
		`DROP ROLE ` + app,
	} {
		if _, err := su.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if after := count(); after <= before {
		t.Errorf("write count %d after the application's write, %d before: not counted", after, before)
	}
}
