package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"ldapwiz/enroll"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Options tune Preview and RunSync.
type Options struct {
	// Getenv resolves bind_password_env; nil means os.Getenv.
	Getenv func(string) string
	// Progress receives events; nil for none.
	Progress func(Event)
	// DryRun plans without changing anything (RunSync only).
	DryRun bool
	// Force overrides the safety guards (RunSync only).
	Force bool
	// Owner describes the process in the sync lock ("ldapwiz sync").
	Owner string
	// Enroller invites the users a run created, when enrollment.enabled;
	// nil means NewEnroller(settings, db, Getenv).
	Enroller *enroll.Enroller
	// Logger receives a line when a run starts, as each phase ends, for
	// each change that failed and when the run ends (RunSync only); nil
	// for none. No line holds a secret.
	Logger *slog.Logger

	// HeapPoint, when set, is called where a run that reads both sides
	// whole holds the most: once both are read (before planning) and once
	// the plan is made. "ldapwiz sync --memprofile" samples the heap there.
	HeapPoint func()

	// Now, when set, is the clock a run plans by instead of the system's:
	// when a user went missing and whether sync.missing_grace has passed.
	Now func() time.Time

	// faultHook, set only by this package's tests, is called at the fault
	// points of a run: between a directory write and the store transaction
	// recording it (see applier.faultPoint). A test kills the process
	// there to prove the next run converges.
	faultHook func(point string)
}

// Preview reads both sides and returns the plan for settings s, changing
// nothing (the settings need not be saved).
func Preview(ctx context.Context, s wizard.Settings, db *store.DB, opts Options) (*Plan, error) {
	tr := newTracker(opts.Progress)
	plan, conn, err := readAndPlan(ctx, s, newSyncConfig(s), db, opts, false, tr)
	if conn != nil {
		conn.Close()
	}
	if err != nil {
		return nil, err
	}
	tr.end(PhaseDone, plan.Changes(), "preview ready")
	return plan, nil
}

// readAndPlan connects, reads the directory and the store, and plans. The
// connection is returned open (for applying) when there was no error.
// certifies: the plan is to be applied, so the run may certify its end
// state for quiet runs (noteQuiet).
func readAndPlan(ctx context.Context, s wizard.Settings, cfg syncConfig, db *store.DB, opts Options, certifies bool, tr *tracker) (*Plan, *ldap.Conn, error) {
	lcfg, err := s.LDAPConfig(opts.Getenv)
	if err != nil {
		return nil, nil, err
	}
	tr.begin(PhaseConnect, 0, false, "connecting to "+lcfg.URL)
	conn, err := ldap.Dial(ctx, lcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to the directory: %s", ldap.Explain(err))
	}
	// The account state users.account_state = "auto" leaves to the server
	// is read once, for every read of the run (and a quiet run's report),
	// from the RootDSE the run reads once (runConn).
	srv := &runConn{Conn: conn}
	if err := cfg.resolveAccountState(ctx, srv); err != nil {
		conn.Close()
		return nil, nil, err
	}
	// The last successful run's counts (nil when there is none, or they do
	// not read): its entries estimate this read's progress, its quiet mark
	// may spare the read (tryQuiet).
	last, err := db.LastRunCounts(ctx)
	if err != nil {
		last = nil
	}
	total, estimated := 0, false
	if n := last["directory_entries"]; n > 0 {
		total, estimated = n, true
	}
	now := time.Now().UTC()
	if opts.Now != nil {
		now = opts.Now()
	}
	qs, quiet := tryQuiet(ctx, s, cfg, db, srv, last, now, tr)
	if quiet != nil {
		return quiet, conn, nil
	}
	inc := startIncremental(ctx, s, cfg, db, srv, now)
	inc.keepsNothing = !certifies // a preview or a dry run saves no token
	// Without a token, a run that is to certify its end state hashes its
	// read (noteQuiet), and so does one that may match the last run's
	// hash: with groups.sync_only, whose read is one pass (the scope
	// searches depend on what the groups' search returned), kept and
	// compared after; otherwise that is readDigestOnly's, below.
	same := qs.storeSame(s)
	comparesAfter := same && len(cfg.syncOnly) > 0
	inc.digest = inc.method == "" && qs != nil && (certifies || comparesAfter)
	if inc.method == "" && len(cfg.syncOnly) == 0 && same {
		// Only the directory can tell this run from the last one, which
		// certified its end state: read it to see, keeping nothing.
		tr.begin(PhaseReadDirectory, total, estimated, "reading the directory whole, to see whether it changed since the last run")
		digest, n, err := readDigestOnly(ctx, conn, cfg, func(n int) { tr.step(n, nil) })
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		if quiet := quietByDigest(s, cfg, qs, digest, inc.read, conn.Server(), n); quiet != nil {
			return quiet, conn, nil
		}
		inc.read.Reason += "; read twice: it changed since the last run's read"
	}
	tr.begin(PhaseReadDirectory, total, estimated, inc.readMessage())
	// The users' list is sized for the users the last run read: its
	// entries but the groups in scope.
	users := max(0, total-last["directory_groups"])
	dir, err := readDirectoryInc(ctx, conn, cfg, func(n int) { tr.step(n, nil) }, inc, true, users)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	read := tr.done
	if comparesAfter {
		if quiet := quietByDigest(s, cfg, qs, inc.read.digest, inc.read, conn.Server(), read); quiet != nil {
			return quiet, conn, nil
		}
	}
	tr.begin(PhaseReadStore, 0, false, "reading the store")
	st, err := readStoreFor(ctx, db, cfg, dir)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if opts.HeapPoint != nil {
		opts.HeapPoint()
	}
	tr.begin(PhasePlan, 0, false, "planning")
	if opts.Now != nil {
		cfg.now = opts.Now()
	}
	// The groups' member values go once planning has resolved them: applying
	// and the report need the plan's members.
	plan, err := planReleasing(cfg, dir, st, true)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if opts.HeapPoint != nil {
		opts.HeapPoint() // the plan made: the most held
	}
	plan.entriesRead = read
	plan.Server = conn.Server()
	plan.Read = inc.finish(cfg, conn.Server(), now)
	plan.Read.quiet = qs
	plan.Read.plannerSkipped = len(plan.Skipped) > len(dir.Skipped)
	return plan, conn, nil
}

// Run runs a synchronization: it takes the sync lock (unless DryRun),
// reads both sides, plans, checks the safety guards (unless Force) and
// applies the plan, recording the run and every change in the store. The
// report is returned even with an error, when there is one to tell.
// A *GuardError means the run was refused before any change; an error
// wrapping store.ErrSyncRunning means another sync holds the lock.
//
// The report's Phases time each phase, and opts.Logger hears of the run.
func Run(ctx context.Context, s wizard.Settings, db *store.DB, opts Options) (*Report, error) {
	lg := runLog{l: opts.Logger}
	lg.started(s, opts)
	var phases []PhaseTiming
	tr := newTracker(opts.Progress)
	tr.phaseDone = func(p PhaseTiming) {
		phases = append(phases, p)
		lg.phaseEnded(p)
	}
	rep, err := run(ctx, s, db, opts, tr)
	tr.closePhase()
	if rep != nil {
		rep.Phases = phases
	}
	lg.finished(rep, err)
	return rep, err
}

// run is Run with the tracker that times its phases.
func run(ctx context.Context, s wizard.Settings, db *store.DB, opts Options, tr *tracker) (*Report, error) {
	cfg := newSyncConfig(s)
	rep := &Report{Mode: cfg.mode, Authority: cfg.authority, DryRun: opts.DryRun, StartedAt: time.Now().UTC(), Outcome: store.OutcomeRunning}
	owner := opts.Owner
	if owner == "" {
		owner = "ldapwiz sync"
	}
	if !opts.DryRun {
		lock, err := db.LockSync(ctx, owner)
		if err != nil {
			return rep.end(store.OutcomeRefused, err), err
		}
		defer lock.Release()
		// On PostgreSQL, a run whose lock is lost stops (see Guard).
		var stop func()
		ctx, stop = lock.Guard(ctx)
		defer stop()
	}
	plan, conn, err := readAndPlan(ctx, s, cfg, db, opts, !opts.DryRun, tr)
	if err != nil {
		return rep.end(outcomeOf(ctx), err), err
	}
	defer conn.Close()
	rep.Plan = plan
	if opts.DryRun {
		tr.end(PhaseDone, plan.Changes(), "dry run: nothing changed")
		return rep.end(store.OutcomeSuccess, nil), nil
	}
	if gerr := checkGuards(s, cfg, plan, opts.Force); gerr != nil {
		if run, err := db.BeginRun(ctx, cfg.mode, false, owner); err == nil {
			rep.RunID = run.ID
			_ = db.FinishRun(ctx, run.ID, store.OutcomeRefused, plan.counts(), gerr.Error())
		}
		return rep.end(store.OutcomeRefused, gerr), gerr
	}
	run, err := db.BeginRun(ctx, cfg.mode, false, owner)
	if err != nil {
		return rep.end(store.OutcomeFailed, err), err
	}
	rep.RunID = run.ID
	ap := &applier{cfg: cfg, db: db, runID: run.ID, tr: tr, fault: opts.faultHook}
	if cfg.writesDir() {
		ap.conn = conn
	}
	applyCtx := traceQuiet(ctx, plan)
	defer closeTrace(plan)
	err = ap.apply(applyCtx, plan)
	sealTrace(ctx, plan)
	rep.Applied, rep.Failed = ap.applied, ap.failed
	outcome := store.OutcomeSuccess
	switch {
	case err != nil:
		outcome = outcomeOf(ctx)
		err = fmt.Errorf("the sync stopped after %d of %d changes: %w; the store is consistent, run the sync again to finish", ap.applied, plan.Changes(), explainApplyError(err))
	case ap.failed > 0:
		outcome = store.OutcomeFailed
		err = fmt.Errorf("%d of %d changes failed (the others were applied); first: %s", ap.failed, plan.Changes(), ap.firstFailure)
	}
	counts := plan.counts()
	counts["applied"], counts["failed"] = ap.applied, ap.failed
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	// Record the end even when ctx was cancelled.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if terr := saveToken(endCtx, db, plan, run.ID); terr != nil && err == nil {
		err, errText = terr, terr.Error()
	}
	if err == nil && outcome == store.OutcomeSuccess {
		noteQuiet(endCtx, db, s, plan, counts)
	}
	if ferr := db.FinishRun(endCtx, run.ID, outcome, counts, errText); ferr != nil && err == nil {
		err = ferr
	}
	// Invitations for the users this run (or an interrupted earlier one)
	// created: after the commits, never inside a transaction.
	if s.Enrollment.Enabled {
		en := opts.Enroller
		if en == nil {
			en = enroll.NewEnroller(s, db, opts.Getenv)
			en.Log = opts.Logger
		}
		inv, ierr := en.InvitePending(endCtx)
		rep.Invites = &inv
		if ierr != nil && err == nil {
			err = fmt.Errorf("the sync succeeded, but recording enrollment invitations failed: %w; run the sync again to retry", ierr)
		}
	}
	tr.end(PhaseDone, plan.Changes(), "finished: "+outcome)
	return rep.end(outcome, err), err
}

// explainApplyError words an error that stopped applying.
func explainApplyError(err error) error {
	if errors.Is(err, context.Canceled) {
		return errors.New("cancelled")
	}
	return err
}

func outcomeOf(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.Canceled) {
		return store.OutcomeCancelled
	}
	return store.OutcomeFailed
}

// counts are the plan's tallies kept with the run.
func (p *Plan) counts() store.Counts {
	c := store.Counts{
		"directory_users": p.DirectoryUsers, "directory_groups": p.DirectoryGroups, "directory_entries": p.entriesRead,
		"store_users": p.StoreUsers, "store_groups": p.StoreGroups, "skipped": len(p.Skipped), "conflicts": len(p.Conflicts),
		"planned": p.Changes(),
	}
	for k, v := range p.Summary() {
		c[k] = v
	}
	return c
}
