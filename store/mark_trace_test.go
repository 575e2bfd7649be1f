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
	got, ok := tr.Mark()
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
	if _, ok := tr.Mark(); ok {
		t.Error("a write between two traced transactions did not break the trace")
	}

	tr = NewMarkTrace(currentMark(t, db).Key)
	ctx = WithMarkTrace(context.Background(), tr)
	traceWrite(t, ctx, db, "cy")
	if _, err := db.CreateUser(context.Background(), NewUser{Username: "mallory"}); err != nil {
		t.Fatal(err)
	}
	if got, ok := tr.Mark(); !ok || got == currentMark(t, db).Key {
		t.Errorf("after a write outside the trace: trace %q (ok %v), store %q: want an unbroken trace whose mark differs", got, ok, currentMark(t, db).Key)
	}

	tr = NewMarkTrace("a mark the store never had")
	traceWrite(t, WithMarkTrace(context.Background(), tr), db, "dan")
	if _, ok := tr.Mark(); ok {
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
			if got, ok := tr.Mark(); !ok || got != currentMark(t, db).Key {
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
			got, ok := tr.Mark()
			if !ok {
				t.Fatal("the trace broke on its own writes")
			}
			if got == currentMark(t, db).Key {
				t.Error("the trace's mark equals the store's after another writer's write")
			}
		})
	}
}
