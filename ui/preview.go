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

// previewState is the Preview screen: the plan of a dry run for the
// settings on screen (saved or not), read in a command, shown as tabs of
// rows that scroll and filter.
type previewState struct {
	seq     int // id of the newest request; answers of older ones are dropped
	running bool
	cancel  context.CancelFunc
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
	filtering bool // the filter has the keyboard
}

// previewDoneMsg is the answer of request seq.
type previewDoneMsg struct {
	seq     int
	plan    *syncer.Plan
	err     error
	blocked []wizard.Problem
	guard   string
}

// previewOnEnter starts a preview when the Preview screen opens and the
// settings changed since the last one (or there was none).
func (m *Model) previewOnEnter() tea.Cmd {
	p := &m.preview
	if p.running || (p.enc != nil && bytes.Equal(p.enc, m.encoded) && p.testPW == m.testPassword) {
		return nil
	}
	return m.startPreview()
}

// startPreview reads the directory and the store for the settings on
// screen in a command; a new request cancels the running one.
func (m *Model) startPreview() tea.Cmd {
	p := &m.preview
	if p.cancel != nil {
		p.cancel()
	}
	p.seq++
	p.running, p.err, p.blocked = true, nil, nil
	p.ev = syncer.Event{Phase: syncer.PhaseConnect, Message: "checking the settings"}
	p.enc, p.testPW = m.encoded, m.testPassword
	p.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	seq, s, getenv := p.seq, previewSettings(m.settings, m.testPassword), m.opts.Getenv
	start := func() tea.Msg {
		ch := make(chan pipeItem, pipeBuffer)
		go func() {
			defer close(ch)
			done := computePreview(ctx, s, getenv, func(ev syncer.Event) { sendEvent(ctx, ch, ev) })
			done.seq = seq
			ch <- pipeItem{end: done}
		}()
		return readPipe(ownerPreview, seq, ch)()
	}
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

// computePreview validates the settings, opens the store (an empty
// temporary one when store.path does not exist yet) and plans. It runs off
// the update loop.
func computePreview(ctx context.Context, s wizard.Settings, getenv func(string) string, progress func(syncer.Event)) previewDoneMsg {
	if probs := validateSettings(s, getenv); wizard.HasErrors(probs) {
		var errs []wizard.Problem
		for _, p := range probs {
			if p.Severity == wizard.Error {
				errs = append(errs, p)
			}
		}
		return previewDoneMsg{blocked: errs}
	}
	db, closeDB, err := syncer.OpenStoreForPreview(ctx, s.Store.Path)
	if err != nil {
		return previewDoneMsg{err: err}
	}
	defer closeDB()
	plan, err := syncer.Preview(ctx, s, db, syncer.Options{Getenv: getenv, Progress: progress})
	if err != nil {
		return previewDoneMsg{err: err}
	}
	out := previewDoneMsg{plan: plan}
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
func (m *Model) onPreviewDone(msg previewDoneMsg) tea.Cmd {
	p := &m.preview
	if msg.seq != p.seq {
		return nil
	}
	p.running = false
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.err, p.blocked, p.guard = msg.err, msg.blocked, msg.guard
	if msg.err != nil && errors.Is(msg.err, context.Canceled) {
		p.err = errors.New("cancelled; r reads again")
	}
	if msg.err != nil || msg.blocked != nil {
		p.plan, p.tabs = nil, nil
		if msg.err != nil && errors.Is(msg.err, context.Canceled) {
			p.enc = nil // read again when the screen opens next
		}
		return nil
	}
	p.plan = msg.plan
	p.tabs = planTabs(msg.plan)
	p.tab = min(p.tab, len(p.tabs)-1)
	if p.tabs[p.tab].count() == 0 {
		p.tab = firstNonEmptyTab(p.tabs)
	}
	p.scroll = 0
	return nil
}

// cancelPreview stops a running preview (esc, or leaving the screen).
func (m *Model) cancelPreview() {
	p := &m.preview
	if p.running && p.cancel != nil {
		p.cancel()
	}
}

// previewKey handles a key on the Preview screen.
func (m *Model) previewKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.preview
	if p.filtering {
		return m.previewFilterKey(msg)
	}
	if p.running {
		if key.Matches(msg, m.keys.Back) {
			m.cancelPreview()
			m.status, m.statusOK = "Preview cancelled.", true
		}
		return nil
	}
	page := max(m.height-12, 3)
	switch {
	case key.Matches(msg, m.keys.Back):
		if p.filter.Value() != "" {
			p.filter.SetValue("")
			p.scroll = 0
			return nil
		}
		return m.goTo(m.screen - 1)
	case key.Matches(msg, m.keys.Enter):
		return m.goTo(m.screen + 1)
	case key.Matches(msg, m.keys.Refresh):
		return m.startPreview()
	case len(p.tabs) == 0:
		return nil
	case key.Matches(msg, m.keys.Right, m.keys.Next):
		p.tab, p.scroll = (p.tab+1)%len(p.tabs), 0
	case key.Matches(msg, m.keys.Left, m.keys.Prev):
		p.tab, p.scroll = (p.tab+len(p.tabs)-1)%len(p.tabs), 0
	case key.Matches(msg, m.keys.Down, m.keys.ListDown):
		p.scroll++
	case key.Matches(msg, m.keys.Up, m.keys.ListUp):
		p.scroll = max(p.scroll-1, 0)
	case key.Matches(msg, m.keys.PageDown):
		p.scroll += page
	case key.Matches(msg, m.keys.PageUp):
		p.scroll = max(p.scroll-page, 0)
	case key.Matches(msg, m.keys.Filter):
		return m.openPreviewFilter()
	}
	return nil
}

// openPreviewFilter gives the keyboard to the filter line.
func (m *Model) openPreviewFilter() tea.Cmd {
	p := &m.preview
	if p.filter.Prompt == "" {
		in := textinput.New()
		in.Prompt = "/ "
		in.Placeholder = "name, DN, attribute, value or reason"
		st := in.Styles()
		st.Cursor.Blink = false
		in.SetStyles(st)
		p.filter = in
	}
	p.filter.SetWidth(max(m.width-12, 20))
	p.filtering = true
	return p.filter.Focus()
}

// previewFilterKey types into the filter: enter keeps it, esc clears it.
func (m *Model) previewFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.preview
	switch {
	case key.Matches(msg, m.keys.Quit):
		p.filtering = false
		p.filter.Blur()
		return m.askQuit()
	case key.Matches(msg, m.keys.Enter):
		p.filtering = false
		p.filter.Blur()
		return nil
	case key.Matches(msg, m.keys.Back):
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
func (m *Model) previewPaste(msg tea.PasteMsg) tea.Cmd {
	p := &m.preview
	if !p.filtering {
		return nil
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	p.scroll = 0
	return cmd
}
