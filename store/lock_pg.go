package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// syncLockKey is the PostgreSQL advisory lock of the sync ("ldapwiz sync",
// as bytes). Advisory locks belong to one database, so stores in other
// databases of the same server do not share it.
const syncLockKey = 0x6c64617077697a73

// tryAdvisory takes the sync's session advisory lock on a connection of its
// own, which it returns: the lock lasts as long as that session. When
// another session holds it, the error wraps ErrSyncRunning and names the
// holder as it recorded itself.
func (db *DB) tryAdvisory(ctx context.Context) (*sql.Conn, error) {
	conn, err := db.conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: take the sync lock: %w", explainPG(err))
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(syncLockKey)).Scan(&got); err != nil {
		discard(conn)
		return nil, fmt.Errorf("store: take the sync lock: %w", err)
	}
	if got {
		return conn, nil
	}
	conn.Close()
	holder := "another ldapwiz worker"
	if cur, err := db.syncLockHolder(ctx); err == nil && cur != nil {
		holder = cur.String()
	}
	return nil, errorf(ErrSyncRunning, "another sync is running: %s holds the sync lock in PostgreSQL. Wait for it to finish; the lock is freed by the server when that worker stops, even if it dies", holder)
}

// releaseAdvisory frees the advisory lock and ends its session, so that
// no pooled connection can keep the lock by mistake. When the unlock fails
// (the connection broke), ending the session frees the lock all the same.
func releaseAdvisory(ctx context.Context, conn *sql.Conn) {
	_, _ = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(syncLockKey))
	discard(conn)
}

// discard closes conn's session rather than returning it to the pool.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}

// breakAdvisory is BreakSyncLock on PostgreSQL.
func (db *DB) breakAdvisory(ctx context.Context) (*LockHolder, error) {
	conn, err := db.tryAdvisory(ctx)
	if err != nil {
		return nil, err
	}
	defer releaseAdvisory(context.WithoutCancel(ctx), conn)
	var prev *LockHolder
	err = db.WithTx(ctx, func(tx *Tx) error {
		var err error
		if prev, err = tx.syncLockHolder(ctx); err != nil || prev == nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM sync_lock`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: break the sync lock: %w", err)
	}
	return prev, nil
}
