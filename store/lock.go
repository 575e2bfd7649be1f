package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// LockHolder describes the process holding the sync lock.
type LockHolder struct {
	Owner     string // what the holder said it is, e.g. "ldapwiz sync"
	PID       int
	Host      string
	StartedAt time.Time
	// pidStart identifies the process beyond its pid (Linux: its start time
	// in clock ticks since boot), so a reused pid is not taken for the holder.
	pidStart string
}

// String describes the holder for a person: "ldapwiz sync (pid 42 on web1),
// started 2025-01-02 10:00:00 UTC".
func (h LockHolder) String() string {
	return fmt.Sprintf("%s (pid %d on %s), started %s", h.Owner, h.PID, h.Host, h.StartedAt.Format("2006-01-02 15:04:05 MST"))
}

// SyncLock is the held sync lock. Release it when the sync ends.
type SyncLock struct {
	// Holder is this process, as recorded in the lock.
	Holder LockHolder
	// TakenOver is the previous holder when its lock was stale (its process
	// on this host is gone) and was taken over; nil otherwise. Tell the user.
	TakenOver *LockHolder

	db    *DB
	token string
	once  sync.Once
	err   error
	// conn, on PostgreSQL, is the session holding the advisory lock.
	conn *sql.Conn
}

// Release frees the lock. It is safe to call more than once, and it works
// even when the sync's context was cancelled.
func (l *SyncLock) Release() error {
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), busyTimeout+5*time.Second)
		defer cancel()
		_, err := l.db.execOnce(ctx, `DELETE FROM sync_lock WHERE token = ?`, l.token)
		if err != nil {
			l.err = fmt.Errorf("store: release the sync lock: %w", err)
		}
		if l.conn != nil {
			releaseAdvisory(ctx, l.conn)
		}
	})
	return l.err
}

// LockSync takes the sync lock for owner (a short description such as
// "ldapwiz sync"). While another live process holds it, it fails with an
// error wrapping ErrSyncRunning that names the holder. Taking the lock also
// marks runs left "running" by a dead process as interrupted. Release the
// lock when the sync ends.
//
// On SQLite the lock is a row naming the holder's process and host: a lock
// left by a process of this host that no longer runs is taken over, and the
// returned lock's TakenOver says so; one of another host must be broken by
// hand (BreakSyncLock). On PostgreSQL it is a session advisory lock held by a
// connection of its own until Release, which the server releases by itself
// when the holder's connection ends (the process died, the host is gone), so
// any number of workers on any number of hosts can try it; the row is kept
// beside it only to name the holder to the others.
func (db *DB) LockSync(ctx context.Context, owner string) (*SyncLock, error) {
	me, err := currentHolder(owner)
	if err != nil {
		return nil, err
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	lock := &SyncLock{Holder: me, db: db, token: token}
	if db.pgDB() {
		if lock.conn, err = db.tryAdvisory(ctx); err != nil {
			return nil, err
		}
	}
	err = db.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.syncLockHolder(ctx)
		if err != nil {
			return err
		}
		if cur != nil {
			// On PostgreSQL, holding the advisory lock proves the row's
			// holder gone: it died without releasing.
			if lock.conn == nil && !holderIsGone(*cur, me.Host) {
				return errorf(ErrSyncRunning, "another sync is running: %s. Wait for it to finish; if you are sure it is no longer running, break its lock (ldapwiz sync --break-lock)", cur)
			}
			lock.TakenOver = cur
			if _, err := tx.exec(ctx, `DELETE FROM sync_lock`); err != nil {
				return fmt.Errorf("store: take over the stale sync lock: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO sync_lock (id, token, owner, pid, host, pid_start, started_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
			token, me.Owner, me.PID, me.Host, me.pidStart, fmtTime(me.StartedAt)); err != nil {
			return fmt.Errorf("store: take the sync lock: %w", err)
		}
		return tx.markInterruptedRuns(ctx)
	})
	if err != nil {
		if lock.conn != nil {
			releaseAdvisory(context.WithoutCancel(ctx), lock.conn)
		}
		return nil, err
	}
	return lock, nil
}

// BreakSyncLock removes the sync lock whoever holds it, and returns the
// holder it removed (nil when it was free). For an administrator who knows
// the holder is gone, e.g. on another host. On PostgreSQL there is nothing
// to break (the server frees the lock of a worker that is gone): it fails
// with an error wrapping ErrSyncRunning while a live worker holds the lock,
// and otherwise only clears the record a dead holder left.
func (db *DB) BreakSyncLock(ctx context.Context) (*LockHolder, error) {
	if db.pgDB() {
		return db.breakAdvisory(ctx)
	}
	var prev *LockHolder
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		if prev, err = tx.syncLockHolder(ctx); err != nil || prev == nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sync_lock`); err != nil {
			return fmt.Errorf("store: break the sync lock: %w", err)
		}
		return nil
	})
	return prev, err
}

func (q Queries) syncLockHolder(ctx context.Context) (*LockHolder, error) {
	var h LockHolder
	var started sql.NullString
	err := q.queryRow(ctx, `SELECT owner, pid, host, pid_start, started_at FROM sync_lock WHERE id = 1`).
		Scan(&h.Owner, &h.PID, &h.Host, &h.pidStart, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read the sync lock: %w", err)
	}
	if h.StartedAt, err = parseTime(started); err != nil {
		return nil, err
	}
	return &h, nil
}

// currentHolder describes this process.
func currentHolder(owner string) (LockHolder, error) {
	host, err := os.Hostname()
	if err != nil {
		return LockHolder{}, fmt.Errorf("store: sync lock: read the host name: %w", err)
	}
	if owner == "" {
		owner = "ldapwiz"
	}
	pid := os.Getpid()
	return LockHolder{Owner: owner, PID: pid, Host: host, StartedAt: now(), pidStart: processStart(pid)}, nil
}

// holderIsGone reports whether the lock holder certainly no longer runs:
// only a process on this host can be checked.
func holderIsGone(h LockHolder, thisHost string) bool {
	if h.Host != thisHost {
		return false
	}
	if !processAlive(h.PID) {
		return true
	}
	// The pid is in use: by the holder, unless it was reused.
	start := processStart(h.PID)
	return h.pidStart != "" && start != "" && start != h.pidStart
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
