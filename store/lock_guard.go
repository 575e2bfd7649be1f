package store

import (
	"context"
	"errors"
	"time"
)

// ErrLockLost is the cause of a Guard context cancelled because the sync
// lock was lost.
var ErrLockLost = errors.New("the sync lock was lost: the connection to PostgreSQL holding it broke, so another worker may sync now; this run stopped")

// lockPingEvery is how often Guard checks the session holding the lock, and
// lockPingTimeout how long one check may take.
const (
	lockPingEvery   = 5 * time.Second
	lockPingTimeout = 10 * time.Second
)

// Guard returns a context derived from ctx that is cancelled, with the
// cause ErrLockLost (see context.Cause), when the lock is lost: on
// PostgreSQL, when the session holding the advisory lock stops answering
// (the server restarted, the network broke), since the server then frees
// the lock for another worker. On SQLite it only follows ctx. Call stop
// when the run ends, before Release.
func (l *SyncLock) Guard(ctx context.Context) (guarded context.Context, stop func()) {
	if l.conn == nil {
		return context.WithCancel(ctx)
	}
	guarded, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(lockPingEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-guarded.Done():
				return
			case <-t.C:
			}
			pctx, pcancel := context.WithTimeout(context.WithoutCancel(guarded), lockPingTimeout)
			err := l.conn.PingContext(pctx)
			pcancel()
			if err != nil {
				cancel(ErrLockLost)
				return
			}
		}
	}()
	return guarded, func() {
		close(done)
		<-finished
		cancel(context.Canceled)
	}
}
