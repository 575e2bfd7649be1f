package cli

import (
	"context"
	"fmt"
	"time"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// followBatch is how long a burst of directory changes may go on before
// the run that applies them starts.
const followBatch = 150 * time.Millisecond

// followDirectory starts following the directory for "sync --watch
// --follow": every change it reports wakes the watch loop through wake
// (a channel of one, so a burst wakes it once). A directory that cannot be
// followed is said once; the loop then syncs every sync.interval only.
func followDirectory(ctx context.Context, env *cliEnv, s wizard.Settings, wake chan<- struct{}) {
	fmt.Fprintf(env.stderr, "ldapwiz sync: following the directory: its changes are applied as they arrive; store changes go out every %s\n", s.IntervalDuration())
	say := func(msg string) { fmt.Fprintf(env.stderr, "ldapwiz sync: %s\n", msg) }
	notify := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	go func() {
		if err := syncer.FollowDirectory(ctx, s, env.getenv, notify, say); err != nil {
			say(fmt.Sprintf("--follow: %v; syncing every %s only", err, s.IntervalDuration()))
		}
	}()
}

// settle waits followBatch after a wake-up, so that a burst of changes is
// applied by one run, not one run each.
func settle(ctx context.Context, wake <-chan struct{}) {
	select {
	case <-ctx.Done():
	case <-time.After(followBatch):
	}
	select {
	case <-wake:
	default:
	}
}
