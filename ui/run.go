package ui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// runStage is where the Run screen is.
type runStage int

const (
	runIdle         runStage = iota // explains what a run does; enter asks to confirm
	runConfirm                      // "run now?" asked
	runConfirmForce                 // "run with force?" asked, after a guard refused
	runRunning                      // the sync runs; esc cancels
	runFinished                     // the summary of the last run
)

// runScreen is the Run step: a sync of the saved settings, run in a
// command with its progress streamed in, cancellable, and its summary.
type runScreen struct {
	m          *Model
	req        request // the newest run; answers of older ones are dropped
	stage      runStage
	force      bool // the run (or the one asked for) overrides the guards
	cancelling bool
	spin       spinner.Model
	bar        progress.Model
	ev         syncer.Event
	phases     map[syncer.Phase]bool // the phases seen in this run

	rep        *syncer.Report
	err        error
	guard      *syncer.GuardError // the run was refused by a safety guard
	reportPath string             // where the report was saved
	reportErr  error
}

// runDoneMsg is the end of run seq.
type runDoneMsg struct {
	seq        int
	rep        *syncer.Report
	err        error
	reportPath string
	reportErr  error
}

// newRunScreen builds the Run screen.
func newRunScreen(m *Model) screen { return &runScreen{m: m} }

func (r *runScreen) id() wizard.Screen { return wizard.ScreenRun }
func (r *runScreen) title() string     { return "Run" }
func (r *runScreen) intro() string     { return "Run the synchronization of the saved settings." }

// capturing: a running sync takes esc and ctrl+c (to cancel it).
func (r *runScreen) capturing() bool { return r.stage == runRunning }

// update handles the screen's keys and the run's answers.
func (r *runScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case streamMsg:
		if msg.owner == ownerRun {
			return r.onProgress(msg)
		}
	case runDoneMsg:
		return r.onDone(msg)
	case spinner.TickMsg:
		if r.stage == runRunning {
			var cmd tea.Cmd
			r.spin, cmd = r.spin.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		return r.key(msg)
	}
	return nil
}

// onProgress records the newest event and reads on; events of an older
// run are dropped and its stream drained.
func (r *runScreen) onProgress(msg streamMsg) tea.Cmd {
	if !r.req.is(msg.seq) || r.stage != runRunning {
		return msg.drain()
	}
	for _, e := range msg.evs {
		if ev, ok := e.(syncer.Event); ok {
			r.ev = ev
			r.phases[ev.Phase] = true
		}
	}
	return msg.next()
}

// runBlocker says why a run cannot start now, or "" when it can: the sync
// runs on the saved file, so unsaved edits and validation errors stop it.
func (m *Model) runBlocker() string {
	if m.Dirty() {
		return "The settings on screen are not saved, and a sync runs on what is saved: press ctrl+s to save them first."
	}
	if n := countErrors(m.problems); n > 0 {
		return "The settings have " + plural(n, "error") + ": fix them first (the Review screen lists them)."
	}
	return ""
}

// countErrors counts the problems that are errors.
func countErrors(ps []wizard.Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == wizard.Error {
			n++
		}
	}
	return n
}

// runKey handles a key on the Run screen.
func (r *runScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	m, k := r.m, r.m.c.Keys
	switch r.stage {
	case runRunning:
		if key.Matches(msg, k.Back, k.Quit) && !r.cancelling {
			r.cancelling = true
			r.req.stop()
			m.setStatus("Cancelling: the change in progress finishes, then the sync stops…", true)
		}
		return nil
	case runConfirm, runConfirmForce:
		switch {
		case key.Matches(msg, k.Yes):
			return r.start(r.stage == runConfirmForce)
		case key.Matches(msg, k.Back, k.No):
			if r.stage == runConfirmForce {
				r.stage = runFinished
			} else {
				r.stage = runIdle
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return m.back()
	case key.Matches(msg, k.Enter):
		if b := m.runBlocker(); b != "" {
			m.setStatus(b, false)
			return nil
		}
		r.stage = runConfirm
	case key.Matches(msg, k.Force) && r.stage == runFinished && r.guard != nil:
		if b := m.runBlocker(); b != "" {
			m.setStatus(b, false)
			return nil
		}
		r.stage = runConfirmForce
	}
	return nil
}

// startRun runs the sync of the saved settings in a command; progress
// streams in through a channel.
func (r *runScreen) start(force bool) tea.Cmd {
	m := r.m
	// The engine bounds each directory operation by connection.timeout.
	ctx, seq := r.req.next(m.c.Ctx, 0)
	r.stage, r.force, r.cancelling = runRunning, force, false
	r.rep, r.err, r.guard, r.reportPath, r.reportErr = nil, nil, nil, "", nil
	r.ev = syncer.Event{Phase: syncer.PhaseConnect, Message: "opening the store"}
	r.phases = map[syncer.Phase]bool{}
	r.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	r.bar = newRunBar()
	m.status = ""
	s, getenv := cloneSettings(m.settings), m.opts.Getenv
	start := startStream(m.c.Ctx, ctx, ownerRun, seq, true, func(emit func(any)) tea.Msg {
		done := runSync(ctx, s, getenv, force, func(ev syncer.Event) { emit(ev) })
		done.seq = seq
		return done
	})
	return tea.Batch(start, r.spin.Tick)
}

// newRunBar builds the Run screen's progress bar.
func newRunBar() progress.Model {
	return progress.New(progress.WithWidth(40), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
}

// runSync opens the store, runs the sync and saves its report beside the
// store. It runs off the update loop.
func runSync(ctx context.Context, s wizard.Settings, getenv func(string) string, force bool, progress func(syncer.Event)) runDoneMsg {
	db, closeDB, err := syncer.OpenStore(ctx, s, false)
	if err != nil {
		return runDoneMsg{err: err}
	}
	defer closeDB()
	rep, err := syncer.Run(ctx, s, db, syncer.Options{
		Getenv: getenv, Progress: progress, Force: force, Owner: "ldapwiz wizard",
	})
	out := runDoneMsg{rep: rep, err: err}
	if rep != nil && rep.Plan != nil {
		out.reportPath, out.reportErr = syncer.SaveReportBesideStore(rep, s.Store.Path)
	}
	return out
}

// onRunDone records the end of the newest run.
func (r *runScreen) onDone(msg runDoneMsg) tea.Cmd {
	m := r.m
	if !r.req.done(msg.seq) {
		return nil
	}
	r.stage, r.cancelling = runFinished, false
	r.rep, r.err, r.reportPath, r.reportErr = msg.rep, msg.err, msg.reportPath, msg.reportErr
	var gerr *syncer.GuardError
	if errors.As(msg.err, &gerr) {
		r.guard = gerr
	}
	m.status = ""
	return giveBackMemory
}

// runCancelled reports whether the finished run was stopped by the user.
func (r *runScreen) runCancelled() bool {
	return r.rep != nil && r.rep.Outcome == store.OutcomeCancelled
}
