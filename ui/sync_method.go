package ui

import (
	"strings"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// methodCheck is the Sync screen's question to the directory, asked when
// the screen opens: how it lets ldapwiz read only what changed (from its
// RootDSE), so that sync.incremental is chosen knowing what "auto" uses.
type methodCheck struct {
	req     request
	target  string // the directory and account asked (dirTarget)
	running bool
	spin    spinner.Model
	summary string // the directory's answer, in plain words
	err     string
}

// methodCheckMsg is the answer of request seq.
type methodCheckMsg struct {
	seq     int
	summary string
	err     error
}

// arrive asks the directory what it offers, unless it answered already for
// the same connection settings, or the connection test read its RootDSE
// with these connection settings; nothing is asked before a connection test
// or the browser has reached it (or the settings came from a saved file).
func (s *syncScreen) arrive() tea.Cmd {
	m, c := s.m, &s.method
	if !m.connOK && !m.opts.Exists {
		return nil
	}
	target := dirTarget(m.settings)
	if target == c.target && (c.running || (c.summary != "" && c.err == "")) {
		return nil
	}
	// The connection test read the RootDSE already, of this directory.
	if t := &m.connS().test; !t.running && t.result != nil && t.result.RootDSE != nil && t.target == target {
		c.req.stop()
		c.target, c.running, c.summary, c.err = target, false, t.result.RootDSE.IncrementalSummary(), ""
		return nil
	}
	ctx, seq := c.req.next(m.c.Ctx, dirBudget(m.settings, 2))
	c.target, c.running, c.summary, c.err = target, true, "", ""
	c.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	dial := m.dialer()
	ask := func() tea.Msg {
		conn, err := dial(ctx)
		if err != nil {
			return methodCheckMsg{seq: seq, err: err}
		}
		defer conn.Close()
		root, err := conn.RootDSE(ctx)
		if err != nil {
			return methodCheckMsg{seq: seq, err: err}
		}
		return methodCheckMsg{seq: seq, summary: root.IncrementalSummary()}
	}
	return tea.Batch(ask, c.spin.Tick)
}

// onMethodCheck records the answer of the newest question.
func (s *syncScreen) onMethodCheck(msg methodCheckMsg) tea.Cmd {
	c := &s.method
	if !c.req.done(msg.seq) {
		return nil
	}
	c.running, c.summary, c.err = false, msg.summary, ""
	if msg.err != nil {
		c.err = ldapErrText(msg.err)
	}
	return nil
}

// methodLines renders the directory's answer under the form: what
// sync.incremental = "auto" will use there, or why nothing.
func (s *syncScreen) methodLines(w int) []string {
	m, c := s.m, &s.method
	if m.settings.EffectiveIncremental() == wizard.IncrementalOff {
		return nil
	}
	head := m.c.Styles.Heading.Render("Directory")
	switch {
	case c.running:
		return []string{head, c.spin.View() + " asking what the directory offers for incremental sync…"}
	case c.err != "":
		return append([]string{head}, strings.Split(m.c.Styles.Error.Render(wrap("✗ could not ask the directory what it offers for incremental sync: "+c.err, w)), "\n")...)
	case c.summary != "":
		return append([]string{head}, strings.Split(wrap("This directory: "+c.summary+".", w), "\n")...)
	}
	return nil
}
