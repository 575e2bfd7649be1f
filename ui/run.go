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

// runState is the Run screen: a sync of the saved settings, run in a
// command with its progress streamed in, cancellable, and its summary.
type runState struct {
	seq        int // id of the newest run; answers of older ones are dropped
	stage      runStage
	force      bool // the run (or the one asked for) overrides the guards
	cancel     context.CancelFunc
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
func (m *Model) runKey(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.run
	switch r.stage {
	case runRunning:
		if key.Matches(msg, m.keys.Back, m.keys.Quit) && !r.cancelling {
			r.cancelling = true
			if r.cancel != nil {
				r.cancel()
			}
			m.status, m.statusOK = "Cancelling: the change in progress finishes, then the sync stops…", true
		}
		return nil
	case runConfirm, runConfirmForce:
		switch {
		case msg.String() == "y" || msg.String() == "Y":
			return m.startRun(r.stage == runConfirmForce)
		case key.Matches(msg, m.keys.Back) || msg.String() == "n" || msg.String() == "N":
			if r.stage == runConfirmForce {
				r.stage = runFinished
			} else {
				r.stage = runIdle
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.goTo(m.screen - 1)
	case key.Matches(msg, m.keys.Enter):
		if b := m.runBlocker(); b != "" {
			m.status, m.statusOK = b, false
			return nil
		}
		r.stage = runConfirm
	case key.Matches(msg, m.keys.Force) && r.stage == runFinished && r.guard != nil:
		if b := m.runBlocker(); b != "" {
			m.status, m.statusOK = b, false
			return nil
		}
		r.stage = runConfirmForce
	}
	return nil
}

// startRun runs the sync of the saved settings in a command; progress
// streams in through a channel.
func (m *Model) startRun(force bool) tea.Cmd {
	r := &m.run
	r.seq++
	r.stage, r.force, r.cancelling = runRunning, force, false
	r.rep, r.err, r.guard, r.reportPath, r.reportErr = nil, nil, nil, "", nil
	r.ev = syncer.Event{Phase: syncer.PhaseConnect, Message: "opening the store"}
	r.phases = map[syncer.Phase]bool{}
	r.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	r.bar = newRunBar()
	m.status = ""
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	seq, s, getenv := r.seq, cloneSettings(m.settings), m.opts.Getenv
	start := func() tea.Msg {
		ch := make(chan pipeItem, pipeBuffer)
		go func() {
			defer close(ch)
			done := runSync(ctx, s, getenv, force, func(ev syncer.Event) { sendEvent(ctx, ch, ev) })
			done.seq = seq
			ch <- pipeItem{end: done}
		}()
		return readPipe(ownerRun, seq, ch)()
	}
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
func (m *Model) onRunDone(msg runDoneMsg) tea.Cmd {
	r := &m.run
	if msg.seq != r.seq {
		return nil
	}
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	r.stage, r.cancelling = runFinished, false
	r.rep, r.err, r.reportPath, r.reportErr = msg.rep, msg.err, msg.reportPath, msg.reportErr
	var gerr *syncer.GuardError
	if errors.As(msg.err, &gerr) {
		r.guard = gerr
	}
	m.status = ""
	return nil
}

// runCancelled reports whether the finished run was stopped by the user.
func (r *runState) runCancelled() bool {
	return r.rep != nil && r.rep.Outcome == store.OutcomeCancelled
}
