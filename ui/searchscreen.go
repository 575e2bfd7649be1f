package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// searchScreen is a screen of fields that select entries (Users, Groups):
// the fields, and above them the live count of what they match.
type searchScreen struct {
	*formScreen
	what  string // "users" or "groups"
	count liveCount
}

// update handles the screen's keys and its counts' answers.
func (s *searchScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case countTick:
		if msg.what == s.what {
			return s.onCountTick(msg)
		}
	case countMsg:
		if msg.what == s.what {
			return s.onCount(msg)
		}
	case tea.KeyPressMsg:
		return s.formKey(msg)
	}
	return nil
}

// help lists the field's keys and the common ones.
func (s *searchScreen) help() []key.Binding { return append(s.formScreen.help(), s.helpTail()...) }

// arrive starts the live count.
func (s *searchScreen) arrive() tea.Cmd { return s.liveCountCmd() }

// edited counts again when what is counted changed.
func (s *searchScreen) edited() tea.Cmd { return s.liveCountCmd() }

// liveCountCmd schedules a count when what it counts changed; the count
// runs after a pause in typing.
func (s *searchScreen) liveCountCmd() tea.Cmd {
	m := s.m
	if !m.connOK && !m.opts.Exists {
		return nil // no directory known to answer yet: the screen says how to get counts
	}
	c := &s.count
	q := queryFor(s.what, m.settings)
	// A failed count is asked again: what failed (a password file, the
	// password typed for the test, the server) may have been fixed since.
	if q == c.query && (c.running || (c.done && c.err == "")) {
		return nil
	}
	seq := c.req.bump()
	c.query, c.running, c.done, c.err, c.diagnose, c.setting = q, true, false, "", "", ""
	what := s.what
	return tea.Tick(countDebounce, func(time.Time) tea.Msg { return countTick{what: what, seq: seq} })
}

// onCountTick starts the count when no newer question came in meanwhile.
func (s *searchScreen) onCountTick(msg countTick) tea.Cmd {
	m, c := s.m, &s.count
	if !c.req.is(msg.seq) {
		return nil
	}
	ctx, seq := c.req.next(m.c.Ctx, dirBudget(m.settings, 8))
	q, dial := c.query, m.dialer()
	return func() tea.Msg {
		n, diag, setting, err := countAndDiagnose(ctx, dial, q)
		return countMsg{what: q.what, seq: seq, n: n, err: err, diagnose: diag, setting: setting}
	}
}

// onCount records a count answer, unless a newer question was asked.
func (s *searchScreen) onCount(msg countMsg) tea.Cmd {
	c := &s.count
	if !c.req.done(msg.seq) {
		return nil // stale: the settings changed since
	}
	c.running, c.done, c.n, c.diagnose, c.setting = false, true, msg.n, msg.diagnose, msg.setting
	c.err = ""
	if msg.err != nil {
		c.err = ldapErrText(msg.err)
	}
	return nil
}

// countLines renders the live count, wrapped to w.
func (s *searchScreen) countLines(w int) []string {
	m, c, st, what := s.m, &s.count, s.m.c.Styles, s.what
	var out string
	switch {
	case c.running:
		out = st.Muted.Render("… counting the " + what + " these settings match")
	case !c.done && !m.connOK && !m.opts.Exists:
		return []string{st.Muted.Render(wrap("Live counts start once the connection test passes (Connection screen, ctrl+t).", w))}
	case !c.done:
		return nil
	case c.err != "":
		out = st.Warning.Render(wrap("! cannot count the "+what+": "+c.err, w))
	case c.n == 0:
		out = st.Error.Render(wrap("✗ matches no "+what+". "+c.diagnose, w))
	default:
		out = st.OK.Render("✓ matches " + countOf(c.n, strings.TrimSuffix(what, "s")))
	}
	return strings.Split(out, "\n")
}

// view draws the live count above the form.
func (s *searchScreen) view(w, h int) string {
	m := s.m
	lines := s.countLines(w)
	lines = lines[:min(len(lines), 3)]
	formH := h
	if len(lines) > 0 {
		formH = h - len(lines) - 1
	}
	form := s.fields.view(w, formH, m.c.Styles, &m.settings, m.shownProblems(), true)
	if len(lines) == 0 {
		return form
	}
	return strings.Join(lines, "\n") + "\n\n" + form
}

// liveCount returns the live count of "users" or "groups".
func (m *Model) liveCount(what string) *liveCount {
	id := wizard.ScreenUsers
	if what == "groups" {
		id = wizard.ScreenGroups
	}
	return &m.screenOf(id).(*searchScreen).count
}
