package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ldapwiz/metrics"
	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// watchSync runs a sync every sync.interval (counted from the end of the
// previous run, so runs never overlap) until ctx is cancelled. Each run
// prints one summary line on stdout; a run that fails or is refused prints
// why on stderr, and the loop goes on. The exit code is that of the last
// run that finished: 0 when it succeeded, 1 when it failed or was refused.
// A run interrupted by the signal does not count. With follow, a change the
// directory reports starts the next run at once (see followDirectory).
//
// Under systemd (Type=notify) it says when it is ready, each run's summary
// as the status line, pings the watchdog and says when it stops; with
// metrics, each run is recorded there. rest is called once the loop has
// waited restAfter for the next run (phaseGC.rest: the process gives back
// the memory the last run held).
func watchSync(ctx context.Context, env *cliEnv, s wizard.Settings, db *store.DB, opts syncer.Options, report string, m *metrics.Metrics, follow bool, rest func()) int {
	interval := s.IntervalDuration()
	fmt.Fprintf(env.stderr, "ldapwiz sync: watching: a sync every %s (sync.interval); stop with Ctrl+C or SIGTERM\n", interval)
	wake := make(chan struct{}, 1) // with --follow: the directory changed
	if follow {
		followDirectory(ctx, env, s, wake)
	}
	var sd serviceNotifier
	sd.ready(fmt.Sprintf("watching: a sync every %s", interval))
	sd.watchdog(ctx)
	defer sd.stopping()
	code := 0
	for run := 1; ; run++ {
		rep, err := syncer.Run(ctx, s, db, opts)
		if ctx.Err() != nil {
			fmt.Fprintf(env.stdout, "%s run %d: interrupted\n", stamp(), run)
			return code
		}
		if m != nil {
			m.ObserveRun(rep, err)
		}
		if errors.Is(err, store.ErrSyncRunning) {
			// Several workers share a store: another one syncs now. Not a
			// failure: this one tries again at its next interval.
			summary := fmt.Sprintf("run %d: waiting: another worker holds the sync lock; next try in %s", run, interval)
			sd.status(summary)
			fmt.Fprintf(env.stdout, "%s %s\n", stamp(), summary)
			fmt.Fprintf(env.stderr, "ldapwiz sync: run %d: %v\n", run, err)
			if !waitNext(ctx, interval, restAfter, wake, rest) {
				return code
			}
			continue
		}
		summary := fmt.Sprintf("run %d: %s", run, watchSummary(rep))
		sd.status(summary)
		fmt.Fprintf(env.stdout, "%s %s\n", stamp(), summary)
		code = 0
		if err != nil {
			code = 1
			fmt.Fprintf(env.stderr, "ldapwiz sync: run %d: %v\n", run, err)
		}
		if report != "" && rep != nil {
			if err := rep.SaveJSON(report); err != nil {
				fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
				code = 1
			}
		}
		if !waitNext(ctx, interval, restAfter, wake, rest) {
			return code
		}
	}
}

// restAfter is how long a watching sync waits with no run before it gives
// back the memory its last run held (phaseGC.rest). A run sooner, as in a
// burst of directory changes under --follow, finds the heap as the last
// one left it, and grows it no more: at 100,000 users, a run right after
// the release took about 0.15-0.2 s more (of 1.6 s), as a fresh process's
// does.
const restAfter = 3 * time.Second

// waitNext waits for the next run of a watching sync: interval, or with
// --follow a change the directory reported (then settle). Once it has
// waited restAfter, it calls rest. It reports false when ctx ends first.
func waitNext(ctx context.Context, interval, restAfter time.Duration, wake <-chan struct{}, rest func()) bool {
	next := time.NewTimer(interval)
	defer next.Stop()
	idle := time.NewTimer(restAfter)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-next.C:
			return true
		case <-wake:
			settle(ctx, wake)
			return true
		case <-idle.C:
			rest()
		}
	}
}

// watchSummary is the one-line outcome of a run.
func watchSummary(rep *syncer.Report) string {
	if rep == nil {
		return "failed"
	}
	line := fmt.Sprintf("%s in %s", rep.Outcome, rep.Duration().Round(time.Millisecond))
	if rep.DryRun {
		line = "dry run, " + line
	}
	if p := rep.Plan; p != nil {
		line += fmt.Sprintf("; %d changes planned, %d applied, %d failed; %d skipped, %d conflicts",
			p.Changes(), rep.Applied, rep.Failed, len(p.Skipped), len(p.Conflicts))
	}
	return line
}

// stamp is the time at the start of a watch line.
func stamp() string { return time.Now().UTC().Format(time.RFC3339) }
