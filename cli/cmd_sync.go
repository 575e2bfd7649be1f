package cli

import (
	"context"
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

// runSyncContext is "ldapwiz sync [-c FILE] [--dry-run] [--force] [--report
// FILE] [--watch] [--json]" and "ldapwiz sync --break-lock", stopped by ctx
// as well as by SIGINT or SIGTERM. Exit codes: 0 the run succeeded (or the
// lock was broken), 1 it failed or was refused (a safety guard, another
// sync running), 2 bad usage or config. With --watch, the code is that of
// the last run. heapPoint, when not nil, is syncer.Options.HeapPoint
// (--memprofile).
func runSyncContext(parent context.Context, env *cliEnv, path string, o syncFlags, heapPoint func()) int {
	s, _, err := loadValidSettings(path, wizard.ValidateOptions{Getenv: env.getenv})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, closeDB, err := syncer.OpenStore(ctx, s, o.dryRun)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
		return 1
	}
	defer closeDB()

	if o.breakLock {
		return breakSyncLock(ctx, env, db)
	}
	log := env.logging.logger(env.stderr, o.watch)
	gc := newPhaseGC(env)
	defer gc.done()
	if o.watch {
		m, code := startMetrics(ctx, env, "ldapwiz sync", o.metricsListen)
		if code != 0 {
			return code
		}
		return watchSync(ctx, env, s, db, syncer.Options{
			Getenv: env.getenv, Progress: gc.progress(nil), DryRun: o.dryRun, Force: o.force, Owner: "ldapwiz sync --watch", Logger: log, HeapPoint: heapPoint,
		}, o.report, m, o.follow, gc.rest)
	}
	pr := newProgressPrinter(env.stderr, !plainMarks(env) && isTerminal(env.stderr))
	rep, err := syncer.Run(ctx, s, db, syncer.Options{
		Getenv: env.getenv, Progress: gc.progress(pr.event), DryRun: o.dryRun, Force: o.force, Owner: "ldapwiz sync", Logger: log, HeapPoint: heapPoint,
	})
	pr.finish()
	if rep != nil && rep.Plan != nil && o.dryRun && !o.json {
		if err := printPlan(env.stdout, rep.Plan); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
			return 1
		}
	}
	if rep != nil && !o.json {
		printSyncSummary(env.stdout, rep)
	}
	if o.report != "" && rep != nil {
		if err := rep.SaveJSON(o.report); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
			return 1
		}
		if !o.json {
			fmt.Fprintf(env.stdout, "Report saved to %s\n", o.report)
		}
	}
	if rep != nil && o.json {
		if err := printSyncJSON(env.stdout, rep, o.report); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz sync: %v\n", err)
			return 1
		}
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
	if rep.Plan != nil && rep.Plan.Server != "" {
		fmt.Fprintf(w, "  directory server: %s\n", rep.Plan.Server)
	}
	if rep.Plan != nil && rep.Plan.Read != nil {
		fmt.Fprintf(w, "  directory read: %s\n", rep.Plan.Read.Line())
	}
	if rep.Plan != nil && rep.Plan.Changes() > 0 {
		fmt.Fprintf(w, "  %s\n", summaryLine(rep.Plan.Summary()))
	}
	if inv := rep.Invites; inv != nil && (inv.Sent > 0 || inv.Queued > 0) {
		fmt.Fprintf(w, "  enrollment invitations: %d sent, %d queued (ldapwiz enroll shows the queue)\n", inv.Sent, inv.Queued)
	}
	if rep.Plan != nil {
		for _, a := range rep.Plan.Actions {
			if a.Failed {
				fmt.Fprintf(w, "  failed: %s %s %s %q: %s\n", a.Side, a.Op, a.Kind, a.Name, a.ErrorText())
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
