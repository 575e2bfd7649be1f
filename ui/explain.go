package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// actionExplain is the Users screen's "Explain a user…" button.
const actionExplain = "explain"

// explainPanel is the "Explain a user…" overlay, opened from the Users
// screen: a line for the user (a username, a DN or an e-mail address),
// then, read in a command with the settings on screen (saved or not), the
// explanation of where the user stands and what the next sync does to it.
type explainPanel struct {
	input   textinput.Model
	asking  bool // the line has the keyboard
	req     request
	running bool
	spin    spinner.Model
	x       *syncer.Explanation
	err     string
	blocked []wizard.Problem
	scroll  int
}

// explainDoneMsg is the answer of request seq.
type explainDoneMsg struct {
	seq     int
	x       *syncer.Explanation
	err     error
	blocked []wizard.Problem
}

// openExplain opens the overlay with the line ready for a name.
func (m *Model) openExplain() tea.Cmd {
	m.explain = &explainPanel{input: promptLine("User: ", "username, DN or e-mail address", m.c.Width-12), asking: true}
	return m.explain.input.Focus()
}

// closeExplain closes the overlay, cancelling a running explanation.
func (m *Model) closeExplain() {
	if m.explain != nil {
		m.explain.req.stop()
		m.explain = nil
	}
}

// explainKey handles a key while the overlay is open: on the line, enter
// explains and esc closes; over the answer, arrows scroll, e edits the
// name, r reads again and esc closes; while reading, esc cancels.
func (m *Model) explainKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.explain, m.c.Keys
	switch {
	case p.running:
		if key.Matches(msg, k.Back) {
			p.req.bump() // its answer, if it still comes, is stale
			p.running, p.asking, p.err = false, true, "cancelled; enter explains again"
			return p.input.Focus()
		}
		return nil
	case p.asking:
		switch {
		case key.Matches(msg, k.Back):
			m.closeExplain()
			return nil
		case key.Matches(msg, k.Enter):
			return m.startExplain()
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return cmd
	}
	page := max(m.c.Height-12, 3)
	switch {
	case key.Matches(msg, k.Back, k.Close):
		m.closeExplain()
	case key.Matches(msg, k.Refresh):
		return m.startExplain()
	case scrollKey(&p.scroll, msg, k, page):
	case msg.String() == "e", key.Matches(msg, k.Enter):
		p.asking = true
		return p.input.Focus()
	}
	return nil
}

// explainPaste puts pasted text (a DN, typically) into the line.
func (m *Model) explainPaste(msg tea.PasteMsg) tea.Cmd {
	if p := m.explain; p != nil && p.asking && !p.running {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return cmd
	}
	return nil
}

// startExplain reads the explanation of the name on the line in a
// command; a new request cancels the one on its way.
func (m *Model) startExplain() tea.Cmd {
	p := m.explain
	who := strings.TrimSpace(p.input.Value())
	if who == "" {
		p.err = "type a username, a DN or an e-mail address first"
		return nil
	}
	// syncer bounds each directory operation by connection.timeout.
	ctx, seq := p.req.next(m.c.Ctx, 0)
	p.running, p.asking, p.err, p.blocked, p.x, p.scroll = true, false, "", nil, nil, 0
	p.input.Blur()
	p.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	s, getenv := previewSettings(m.settings, m.testPassword), m.opts.Getenv
	return tea.Batch(func() tea.Msg {
		done := computeExplain(ctx, s, getenv, who)
		done.seq = seq
		return done
	}, p.spin.Tick)
}

// computeExplain validates the settings, opens the store read-only (an
// empty temporary one when store.path does not exist yet) and explains.
// It runs off the update loop.
func computeExplain(ctx context.Context, s wizard.Settings, getenv func(string) string, who string) explainDoneMsg {
	if errs := settingErrors(s, getenv); errs != nil {
		return explainDoneMsg{blocked: errs}
	}
	db, closeDB, err := syncer.OpenStore(ctx, s, true)
	if err != nil {
		return explainDoneMsg{err: err}
	}
	defer closeDB()
	x, err := syncer.ExplainUser(ctx, s, db, who, syncer.Options{Getenv: getenv})
	return explainDoneMsg{x: x, err: err}
}

// onExplainDone records the answer of the newest request.
func (m *Model) onExplainDone(msg explainDoneMsg) tea.Cmd {
	p := m.explain
	if p == nil || !p.req.done(msg.seq) {
		return nil
	}
	p.running = false
	p.x, p.blocked = msg.x, msg.blocked
	switch {
	case msg.err != nil && errors.Is(msg.err, context.Canceled):
		p.err = "cancelled"
	case msg.err != nil:
		p.err = ldapErrText(msg.err)
	}
	if p.x == nil {
		p.asking = true
		return p.input.Focus()
	}
	return nil
}

// explainSpin advances the spinner while an explanation is read.
func (m *Model) explainSpin(msg spinner.TickMsg) tea.Cmd {
	if p := m.explain; p != nil && p.running {
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return cmd
	}
	return nil
}

// explainView draws the overlay in w x h.
func (m *Model) explainView(w, h int) string {
	p, st := m.explain, m.c.Styles
	lines := []string{st.Heading.Render("Explain a user") + st.Muted.Render(" — where one user stands and what the next sync does to it"),
		p.input.View(), ""}
	switch {
	case p.running:
		lines = append(lines, p.spin.View()+" reading the directory and the store, and planning…")
	case p.err != "":
		lines = append(lines, strings.Split(st.Error.Render(wrap("✗ "+p.err, w)), "\n")...)
	case p.blocked != nil:
		lines = append(lines, st.Error.Render("The settings have errors; fix them first:"))
		for _, pr := range p.blocked {
			lines = append(lines, strings.Split(wrap("  "+pr.Setting+": "+pr.Message, w), "\n")...)
		}
	case p.x != nil:
		lines = append(lines, scrollWindow(explanationLines(p.x, st, w), &p.scroll, max(h-len(lines), 1))...)
	case p.asking:
		lines = append(lines, st.Muted.Render(wrap("Type the user and press enter: the explanation uses the settings on screen, saved or not, and changes nothing.", w)))
	}
	return strings.Join(lines, "\n")
}

// explanationLines renders an explanation: a line per step (wrapped), the
// settings deciding it, and the outcome.
func explanationLines(x *syncer.Explanation, st *Styles, w int) []string {
	var out []string
	for _, s := range x.Steps {
		mark, style := "·", st.Muted
		switch s.Status {
		case syncer.StepPass:
			mark, style = "✓", st.OK
		case syncer.StepFail:
			mark, style = "✗", st.Error
		}
		text := wrap(s.Step+": "+s.Detail, max(w-2, 10))
		for i, l := range strings.Split(text, "\n") {
			if i == 0 {
				out = append(out, style.Render(mark)+" "+l)
			} else {
				out = append(out, "  "+l)
			}
		}
		if len(s.Settings) > 0 {
			out = append(out, st.Muted.Render("  decided by "+strings.Join(s.Settings, ", ")))
		}
	}
	out = append(out, "")
	out = append(out, strings.Split(st.Heading.Render(wrap("Outcome: "+x.Outcome+": "+x.Summary, w)), "\n")...)
	return out
}

// explainHelp lists the overlay's keys.
func (m *Model) explainHelp() []key.Binding {
	p, k := m.explain, m.c.Keys
	switch {
	case p.running:
		return []key.Binding{withHelp(k.Back, "cancel")}
	case p.asking:
		return []key.Binding{withHelp(k.Enter, "explain"), withHelp(k.Back, "close")}
	}
	return []key.Binding{withHelp(k.Down, "scroll"), key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "another user")),
		withHelp(k.Refresh, "explain again"), withHelp(k.Back, "close")}
}
