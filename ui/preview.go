package ui

import (
	"bytes"
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// previewScreen is the Preview step: the plan of a dry run for the
// settings on screen (saved or not), read in a command, shown as tabs of
// rows that scroll and filter.
type previewScreen struct {
	m       *Model
	req     request // the newest request; answers of older ones are dropped
	running bool
	spin    spinner.Model
	ev      syncer.Event // newest progress event of the running request

	enc     []byte           // the settings' encoding the answer is for
	testPW  string           // the password typed for the test that the answer used (memory only)
	plan    *syncer.Plan     // nil until a preview succeeded
	err     error            // why the last preview failed
	blocked []wizard.Problem // validation errors that kept it from running
	guard   string           // a sync with this plan would be refused: why

	tabs      []planTab
	tab       int
	scroll    int // first line of the tab's rows shown
	filter    textinput.Model
	filtering bool       // the filter has the keyboard
	laidOut   *rowLayout // the tab on show, filtered, at the last width drawn (layout)
	drawn     int        // the width the screen was last drawn at
}

// previewDoneMsg is the answer of request seq.
type previewDoneMsg struct {
	seq     int
	plan    *syncer.Plan
	tabs    []planTab // the plan's tabs, built off the update loop (planTabs)
	err     error
	blocked []wizard.Problem
	guard   string
}

// newPreviewScreen builds the Preview screen.
func newPreviewScreen(m *Model) screen { return &previewScreen{m: m} }

func (p *previewScreen) id() wizard.Screen { return wizard.ScreenPreview }
func (p *previewScreen) title() string     { return "Preview" }
func (p *previewScreen) intro() string {
	return "What a sync would change with the settings on screen; nothing is written."
}

// capturing: the filter line takes every key while it is open.
func (p *previewScreen) capturing() bool { return p.filtering }

// typing reports whether the filter line has the keyboard.
func (p *previewScreen) typing() bool { return p.filtering }

// leave stops a running preview.
func (p *previewScreen) leave() { p.cancel() }

// update handles the screen's keys and the preview's answers.
func (p *previewScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case streamMsg:
		if msg.owner == ownerPreview {
			return p.onProgress(msg)
		}
	case previewDoneMsg:
		return p.onDone(msg)
	case spinner.TickMsg:
		if p.running {
			var cmd tea.Cmd
			p.spin, cmd = p.spin.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// onProgress records the newest progress event and reads on; events of an
// older request are dropped and its stream drained.
func (p *previewScreen) onProgress(msg streamMsg) tea.Cmd {
	if !p.req.is(msg.seq) || !p.running {
		return msg.drain()
	}
	if ev, ok := msg.evs[len(msg.evs)-1].(syncer.Event); ok {
		p.ev = ev
	}
	return msg.next()
}

// arrive starts a preview when the settings changed since the last one
// (or there was none).
func (p *previewScreen) arrive() tea.Cmd {
	m := p.m
	if p.running || (p.enc != nil && bytes.Equal(p.enc, m.encoded) && p.testPW == m.testPassword) {
		return nil
	}
	return p.startPreview()
}

// startPreview reads the directory and the store for the settings on
// screen in a command; a new request cancels the running one.
func (p *previewScreen) startPreview() tea.Cmd {
	m := p.m
	// syncer bounds each directory operation by connection.timeout.
	ctx, seq := p.req.next(m.c.Ctx, 0)
	p.running, p.err, p.blocked = true, nil, nil
	p.ev = syncer.Event{Phase: syncer.PhaseConnect, Message: "checking the settings"}
	p.enc, p.testPW = m.encoded, m.testPassword
	p.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	s, getenv := previewSettings(m.settings, m.testPassword), m.opts.Getenv
	start := startStream(m.c.Ctx, ctx, ownerPreview, seq, true, func(emit func(any)) tea.Msg {
		done := computePreview(ctx, s, getenv, func(ev syncer.Event) { emit(ev) })
		done.seq = seq
		return done
	})
	return tea.Batch(start, p.spin.Tick)
}

// previewSettings is a copy of the settings for a preview: a password typed
// for the connection test (never saved) stands in for the configured source,
// as it does for the test.
func previewSettings(s wizard.Settings, typed string) wizard.Settings {
	s = cloneSettings(s)
	if typed != "" {
		s.Connection.BindPasswordFile, s.Connection.BindPasswordEnv, s.Connection.BindPassword = "", "", typed
	}
	return s
}

// settingErrors are the settings' problems of severity Error, nil when
// there are none: a sync, a preview or an explanation is blocked by them.
func settingErrors(s wizard.Settings, getenv func(string) string) []wizard.Problem {
	var errs []wizard.Problem
	for _, p := range validateSettings(s, getenv) {
		if p.Severity == wizard.Error {
			errs = append(errs, p)
		}
	}
	return errs
}

// computePreview validates the settings, opens the store (an empty
// temporary one when store.path does not exist yet) and plans. It runs off
// the update loop.
func computePreview(ctx context.Context, s wizard.Settings, getenv func(string) string, progress func(syncer.Event)) previewDoneMsg {
	if errs := settingErrors(s, getenv); errs != nil {
		return previewDoneMsg{blocked: errs}
	}
	db, closeDB, err := syncer.OpenStore(ctx, s, true)
	if err != nil {
		return previewDoneMsg{err: err}
	}
	defer closeDB()
	plan, err := syncer.Preview(ctx, s, db, syncer.Options{Getenv: getenv, Progress: progress})
	if err != nil {
		return previewDoneMsg{err: err}
	}
	// The tabs are built here too: at 100,000 users they are 100,000 rows,
	// too much work for the update loop.
	out := previewDoneMsg{plan: plan, tabs: planTabs(plan)}
	if gerr := syncer.CheckGuards(s, plan, false); gerr != nil {
		out.guard = gerr.Error()
		var ge *syncer.GuardError
		if errors.As(gerr, &ge) {
			out.guard = ge.Reason
		}
	}
	return out
}

// onPreviewDone records the answer of the newest request.
func (p *previewScreen) onDone(msg previewDoneMsg) tea.Cmd {
	if !p.req.done(msg.seq) {
		return nil
	}
	p.running = false
	p.err, p.blocked, p.guard = msg.err, msg.blocked, msg.guard
	if msg.err != nil && errors.Is(msg.err, context.Canceled) {
		p.err = errors.New("cancelled; r reads again")
	}
	p.laidOut = nil // the old tabs' layout, and with it the old tabs, go
	if msg.err != nil || msg.blocked != nil {
		p.plan, p.tabs = nil, nil
		if msg.err != nil && errors.Is(msg.err, context.Canceled) {
			p.enc = nil // read again when the screen opens next
		}
		return giveBackMemory
	}
	p.plan, p.tabs = msg.plan, msg.tabs
	p.tab = min(p.tab, len(p.tabs)-1)
	if p.tabs[p.tab].count() == 0 {
		p.tab = firstNonEmptyTab(p.tabs)
	}
	p.scroll = 0
	if p.drawn > 0 {
		// Laid out now, at the width the screen is drawn at, what laying
		// the rows out throws away goes back with the rest; the first
		// frame would do it after.
		p.layout(p.drawn)
	}
	return giveBackMemory
}

// cancelPreview stops a running preview (esc, or leaving the screen).
func (p *previewScreen) cancel() {
	if p.running {
		p.req.stop()
	}
}

// previewKey handles a key on the Preview screen.
func (p *previewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	m, k := p.m, p.m.c.Keys
	if p.filtering {
		return p.filterKey(msg)
	}
	if p.running {
		if key.Matches(msg, k.Back) {
			p.cancel()
			m.setStatus("Preview cancelled.", true)
		}
		return nil
	}
	page := max(m.c.Height-12, 3)
	switch {
	case key.Matches(msg, k.Back):
		if p.filter.Value() != "" {
			p.filter.SetValue("")
			p.scroll = 0
			return nil
		}
		return m.back()
	case key.Matches(msg, k.Enter):
		return m.next()
	case key.Matches(msg, k.Refresh):
		return p.startPreview()
	case len(p.tabs) == 0:
		return nil
	case key.Matches(msg, k.Right, k.Next):
		p.tab, p.scroll = (p.tab+1)%len(p.tabs), 0
	case key.Matches(msg, k.Left, k.Prev):
		p.tab, p.scroll = (p.tab+len(p.tabs)-1)%len(p.tabs), 0
	case scrollKey(&p.scroll, msg, k, page):
	case key.Matches(msg, k.Filter):
		return p.openFilter()
	}
	return nil
}

// openPreviewFilter gives the keyboard to the filter line.
func (p *previewScreen) openFilter() tea.Cmd {
	m := p.m
	if p.filter.Prompt == "" {
		p.filter = promptLine("/ ", "name, DN, attribute, value or reason", 0)
	}
	p.filter.SetWidth(max(m.c.Width-12, 20))
	p.filtering = true
	return p.filter.Focus()
}

// previewFilterKey types into the filter: enter keeps it, esc clears it.
func (p *previewScreen) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	m, k := p.m, p.m.c.Keys
	switch {
	case key.Matches(msg, k.Quit):
		p.filtering = false
		p.filter.Blur()
		return m.askQuit()
	case key.Matches(msg, k.Enter):
		p.filtering = false
		p.filter.Blur()
		return nil
	case key.Matches(msg, k.Back):
		p.filtering = false
		p.filter.SetValue("")
		p.filter.Blur()
		p.scroll = 0
		return nil
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	p.scroll = 0
	return cmd
}

// previewPaste puts pasted text into the filter while it has the keyboard.
func (p *previewScreen) paste(msg tea.PasteMsg) tea.Cmd {
	if !p.filtering {
		return nil
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	p.scroll = 0
	return cmd
}
