package store

import (
	"context"
	"testing"
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

// TestMarkTraceBreaksOnPostgres: PostgreSQL does not take the write lock
// when a transaction begins, so a traced transaction there breaks the
// trace rather than certify a mark another writer may share.
func TestMarkTraceBreaksOnPostgres(t *testing.T) {
	db := openPGTest(t)
	tr := NewMarkTrace(currentMark(t, db).Key)
	traceWrite(t, WithMarkTrace(context.Background(), tr), db, "ada")
	if _, ok := tr.Mark(); ok {
		t.Error("a traced transaction on PostgreSQL left the trace unbroken")
	}
}
