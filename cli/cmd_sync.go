package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// runSync implements "ldapwiz sync [-c FILE] [--dry-run] [--force]
// [--report FILE] [--watch]" and "ldapwiz sync --break-lock". Exit codes: 0
// the run succeeded (or the lock was broken), 1 it failed or was refused (a
// safety guard, another sync running), 2 bad usage or config. With --watch,
// the code is that of the last run.
func runSync(env *cliEnv, args []string) int {
	return runSyncContext(context.Background(), env, args)
}

// runSyncContext is runSync stopped by ctx as well as by SIGINT or SIGTERM.
func runSyncContext(parent context.Context, env *cliEnv, args []string) int {
	path, rest, err := configFromArgs(env, args)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 2
	}
	fset := flag.NewFlagSet("sync", flag.ContinueOnError)
	fset.SetOutput(env.stderr)
	dryRun := fset.Bool("dry-run", false, "plan and print what would change, change nothing")
	force := fset.Bool("force", false, "run even when max_delete or the empty-result guard would refuse")
	report := fset.String("report", "", "save the run's report (JSON) to this file")
	watch := fset.Bool("watch", false, "run a sync every sync.interval until interrupted (SIGINT or SIGTERM), one summary line per run")
	breakLock := fset.Bool("break-lock", false, "remove the sync lock left by a sync that no longer runs (e.g. on another host), then exit without syncing")
	fset.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: ldapwiz sync [-c FILE] [--dry-run] [--force] [--report FILE] [--watch]")
		fmt.Fprintln(env.stderr, "       ldapwiz sync [-c FILE] --break-lock")
		fset.PrintDefaults()
	}
	if err := fset.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(env.stderr, "ldapwiz sync: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	if *breakLock && (*dryRun || *force || *watch || *report != "") {
		fmt.Fprintln(env.stderr, "ldapwiz sync: --break-lock only removes the lock; run the sync again without it")
		return 2
	}
	s, _, err := loadValidSettings(path, wizard.ValidateOptions{Getenv: env.getenv})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var db *store.DB
	closeDB := func() {}
	if *dryRun {
		db, closeDB, err = openStoreReadOnly(ctx, s.Store.Path)
	} else {
		db, err = store.Open(ctx, s.Store.Path)
		if db != nil {
			closeDB = func() { db.Close() }
		}
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 1
	}
	defer closeDB()

	if *breakLock {
		return breakSyncLock(ctx, env, db)
	}
	if *watch {
		return watchSync(ctx, env, s, db, syncer.Options{
			Getenv: env.getenv, DryRun: *dryRun, Force: *force, Owner: "ldapwiz sync --watch",
		}, *report)
	}
	pr := newProgressPrinter(env.stderr, !plainMarks(env) && isTerminal(env.stderr))
	rep, err := syncer.Run(ctx, s, db, syncer.Options{
		Getenv: env.getenv, Progress: pr.event, DryRun: *dryRun, Force: *force, Owner: "ldapwiz sync",
	})
	pr.finish()
	if rep != nil && rep.Plan != nil && *dryRun {
		printPlan(env.stdout, rep.Plan)
	}
	if rep != nil {
		printSyncSummary(env.stdout, rep)
	}
	if *report != "" && rep != nil {
		if err := rep.SaveJSON(*report); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
			return 1
		}
		fmt.Fprintf(env.stdout, "Report saved to %s\n", *report)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 1
	}
	return 0
}

// printSyncSummary writes the outcome of a run.
func printSyncSummary(w io.Writer, rep *syncer.Report) {
	what := "Sync"
	if rep.DryRun {
		what = "Dry run (nothing changed)"
	}
	fmt.Fprintf(w, "%s: %s in %s", what, rep.Outcome, rep.Duration().Round(time.Millisecond))
	if rep.Plan != nil {
		fmt.Fprintf(w, "; %d changes planned, %d applied, %d failed; %d skipped, %d conflicts",
			rep.Plan.Changes(), rep.Applied, rep.Failed, len(rep.Plan.Skipped), len(rep.Plan.Conflicts))
	}
	fmt.Fprintln(w)
	if rep.Plan != nil && rep.Plan.Changes() > 0 {
		fmt.Fprintf(w, "  %s\n", summaryLine(rep.Plan.Summary()))
	}
	if inv := rep.Invites; inv != nil && (inv.Sent > 0 || inv.Queued > 0) {
		fmt.Fprintf(w, "  enrollment invitations: %d sent, %d queued (ldapwiz enroll shows the queue)\n", inv.Sent, inv.Queued)
	}
	if rep.Plan != nil {
		for _, a := range rep.Plan.Actions {
			if a.Failed {
				fmt.Fprintf(w, "  failed: %s %s %s %q: %s\n", a.Side, a.Op, a.Kind, a.Name, a.Error)
			}
		}
	}
}

// progressPrinter draws sync progress: a bar redrawn in place on a
// terminal, plain lines (at each phase and every few seconds) otherwise.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	phase    syncer.Phase
	lastLine time.Time
	drawn    bool
}

func newProgressPrinter(w io.Writer, terminal bool) *progressPrinter {
	return &progressPrinter{w: w, terminal: terminal}
}

// plainEvery is how often plain output repeats a phase's progress.
const plainEvery = 5 * time.Second

func (p *progressPrinter) event(e syncer.Event) {
	if p.terminal {
		line := progressLine(e)
		fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
		p.drawn = true
		if e.Phase != p.phase && e.Phase == syncer.PhaseDone {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		p.phase = e.Phase
		return
	}
	if e.Phase == p.phase && time.Since(p.lastLine) < plainEvery {
		return
	}
	p.phase, p.lastLine = e.Phase, time.Now()
	fmt.Fprintln(p.w, progressLine(e))
}

func (p *progressPrinter) finish() {
	if p.terminal && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// progressLine renders one event: phase, bar, counts, rate and ETA.
func progressLine(e syncer.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s", e.Phase)
	if f := e.Fraction(); f >= 0 {
		const width = 24
		n := int(f * width)
		fmt.Fprintf(&b, " [%s%s] %3.0f%%", strings.Repeat("#", n), strings.Repeat("-", width-n), f*100)
	}
	if e.Done > 0 || e.Total > 0 {
		total := "?"
		if e.Total > 0 {
			total = fmt.Sprint(e.Total)
			if e.Estimated {
				total = "~" + total
			}
		}
		fmt.Fprintf(&b, " %d/%s", e.Done, total)
	}
	if e.Rate > 0 && e.Done > 0 {
		fmt.Fprintf(&b, " %.0f/s", e.Rate)
	}
	if eta, ok := e.ETA(); ok && e.Done > 0 {
		fmt.Fprintf(&b, " ETA %s", eta.Round(time.Second))
	}
	if e.Phase == syncer.PhaseConnect || e.Phase == syncer.PhaseDone {
		fmt.Fprintf(&b, " %s", e.Message)
	}
	return b.String()
}

// breakSyncLock removes the sync lock and says whose it was.
func breakSyncLock(ctx context.Context, env *cliEnv, db *store.DB) int {
	prev, err := db.BreakSyncLock(ctx)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 1
	}
	if prev == nil {
		fmt.Fprintln(env.stdout, "The sync lock was free; nothing to do.")
		return 0
	}
	fmt.Fprintf(env.stdout, "Removed the sync lock held by %s.\n", prev)
	return 0
}
