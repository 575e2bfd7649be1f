package store

import (
	"context"
	"testing"
	"time"
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
// one changes nothing.
func TestMarkTraceFollowsItsOwnWrites(t *testing.T) {
	db := openTest(t)
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
// between two traced transactions breaks it; one made after the last
// traced transaction leaves the store's mark different from the trace's.
func TestMarkTraceBreaksOnAnotherWrite(t *testing.T) {
	db := openTest(t)
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
	// On SQLite the trace reads its mark now, and sees that another
	// connection wrote since its last commit: it is broken. Either way it
	// never vouches for the store as it is.
	if got, ok := tr.Mark(context.Background()); ok && got == currentMark(t, db).Key {
		t.Errorf("after a write outside the trace: trace %q (ok %v), store %q: the trace vouches for another writer's write", got, ok, currentMark(t, db).Key)
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
			// The other writer's write lands after the trace's: a trace that
			// reads its mark at the end (SQLite) sees it and breaks; one
			// that read it at its commit (PostgreSQL) differs from the
			// store's.
			got, ok := tr.Mark(context.Background())
			if ok == db.CheapMarkTrace() {
				t.Fatalf("after another writer's write: trace ok %v", ok)
			}
			if ok && got == currentMark(t, db).Key {
				t.Error("the trace's mark equals the store's after another writer's write")
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
