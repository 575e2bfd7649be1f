package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/internal/pgtest"
)

// TestGuardStopsARunWhoseLockIsLost: when the PostgreSQL session holding
// the sync lock is killed (as a server restart would), the guarded context
// is cancelled with ErrLockLost, and another handle can take the lock.
func TestGuardStopsARunWhoseLockIsLost(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDB(t)
	db, err := Config{Path: filepath.Join(t.TempDir(), "x.db"), URL: d.URL(), Password: d.Password, CAFile: d.CAFile}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.LockSync(ctx, "guarded")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	guarded, stop := lock.Guard(ctx)
	defer stop()

	admin, err := d.Superuser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed bool
	if err := admin.QueryRow(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`,
		uint32(syncLockKey&0xffffffff)).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate the lock's session: %v %v", killed, err)
	}
	select {
	case <-guarded.Done():
	case <-time.After(3 * lockPingEvery):
		t.Fatal("the guarded context outlived its lock")
	}
	if !errors.Is(context.Cause(guarded), ErrLockLost) {
		t.Fatalf("cause %v, want ErrLockLost", context.Cause(guarded))
	}
	lock2, err := reopen(t, db).LockSync(ctx, "next")
	if err != nil {
		t.Fatalf("the lost lock is not free: %v", err)
	}
	lock2.Release()

	// On SQLite the guard only follows its parent.
	sq := openTest(t)
	l, err := sq.LockSync(ctx, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	g, stop2 := l.Guard(ctx)
	stop2()
	if !errors.Is(g.Err(), context.Canceled) {
		t.Fatalf("stop did not end the SQLite guard: %v", g.Err())
	}
	l.Release()
}
