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
// metrics, each run is recorded there. rest is called once each run has
// reported, before the wait for the next (phaseGC.rest: the process gives
// back the memory the run held).
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
			select {
			case <-ctx.Done():
				return code
			case <-time.After(interval):
			case <-wake:
				settle(ctx, wake)
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
		rest()
		select {
		case <-ctx.Done():
			return code
		case <-time.After(interval):
		case <-wake:
			settle(ctx, wake)
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
