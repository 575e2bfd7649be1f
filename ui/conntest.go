package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// connTest is the state of the staged connection test on the Connection screen.
type connTest struct {
	req     request // the newest run; steps of older runs are dropped
	running bool
	tested  []byte // the settings' encoding the run used, to tell when they changed since
	target  string // the directory and account the run asked (dirTarget)
	steps   []ldap.Step
	typed   bool // the run used the password typed for the test
	result  *ldap.TestResult
	spin    spinner.Model

	// The results list: focused takes the keys (PgUp/PgDn, ↑/↓, enter,
	// esc); cur is the step under the cursor (an index into the shown
	// steps); open holds the steps opened in full; top is the first line
	// of the list on show.
	focused bool
	cur     int
	top     int
	open    map[string]bool
}

// shownSteps are the steps the list draws: those that ran.
func (t *connTest) shownSteps() []ldap.Step {
	var out []ldap.Step
	for _, st := range t.steps {
		if st.Status != ldap.StepNotRun {
			out = append(out, st)
		}
	}
	return out
}

// cursorStep is the step under the cursor, or nil.
func (t *connTest) cursorStep() *ldap.Step {
	ss := t.shownSteps()
	if t.cur < 0 || t.cur >= len(ss) {
		return nil
	}
	return &ss[t.cur]
}

// testDoneMsg is the result of test run seq.
type testDoneMsg struct {
	seq    int
	result ldap.TestResult
}

// startTest runs the staged test with the settings on screen. Steps stream
// in; a new run cancels the old.
func (s *connectionScreen) startTest() tea.Cmd {
	m, t := s.m, &s.test
	ctx, seq := t.req.next(m.c.Ctx, 0) // ldap.RunTest bounds each step by connection.timeout
	t.running, t.steps, t.result = true, nil, nil
	t.cur, t.top, t.open = 0, 0, nil
	t.tested, t.target = m.encoded, dirTarget(m.settings)
	t.typed = m.testPassword != ""
	t.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	st, typed, getenv := cloneSettings(m.settings), m.testPassword, m.opts.Getenv
	run := startStream(m.c.Ctx, ctx, ownerTest, seq, false, func(emit func(any)) tea.Msg {
		res := runConnectionTest(ctx, st, typed, getenv, func(step ldap.Step) { emit(step) })
		return testDoneMsg{seq: seq, result: res}
	})
	return tea.Batch(run, t.spin.Tick)
}

// runConnectionTest builds the ldap.Config (the password typed for the test
// wins over the configured source) and the scope, then runs ldap.RunTest.
// It runs off the update loop: resolving the password may read a file.
func runConnectionTest(ctx context.Context, s wizard.Settings, typed string, getenv func(string) string, report func(ldap.Step)) ldap.TestResult {
	cfg, err := ldapConfig(s, typed, getenv)
	if err != nil {
		st := ldap.Step{ID: "config", Title: "Read the connection settings", Status: ldap.StepFailed,
			Detail: err.Error(), Hint: "Fix the setting named above, or type the password for the test.", Setting: "connection.bind_password_file"}
		report(st)
		return ldap.TestResult{Steps: []ldap.Step{st}}
	}
	return ldap.RunTest(ctx, cfg, s.Scope().Test(), report)
}

// ldapConfig builds the connection config from the settings; a password
// typed for the test replaces the configured source. It may read the
// password file, so it runs in commands only.
func ldapConfig(s wizard.Settings, typed string, getenv func(string) string) (ldap.Config, error) {
	if typed != "" {
		s.Connection.BindPasswordFile, s.Connection.BindPasswordEnv, s.Connection.BindPassword = "", "", typed
	}
	return s.LDAPConfig(getenv)
}

// dialer returns a function that connects and binds with a copy of the
// settings on screen; it is called from commands.
func (m *Model) dialer() func(context.Context) (*ldap.Conn, error) {
	return settingsDialer(cloneSettings(m.settings), m.testPassword, m.opts.Getenv)
}

// settingsDialer connects and binds with settings s (a password typed for
// the test standing in for the configured source).
func settingsDialer(s wizard.Settings, typed string, getenv func(string) string) func(context.Context) (*ldap.Conn, error) {
	return func(ctx context.Context) (*ldap.Conn, error) {
		cfg, err := ldapConfig(s, typed, getenv)
		if err != nil {
			return nil, err
		}
		return ldap.Dial(ctx, cfg)
	}
}

// onTestEvents records the steps of the current run.
func (s *connectionScreen) onTestEvents(msg streamMsg) tea.Cmd {
	t := &s.test
	if !t.req.is(msg.seq) {
		return msg.drain() // an older run
	}
	for _, ev := range msg.evs {
		if st, ok := ev.(ldap.Step); ok {
			t.steps = append(t.steps, st)
		}
	}
	return msg.next()
}

// onTestDone records the result of the current run.
func (s *connectionScreen) onTestDone(msg testDoneMsg) tea.Cmd {
	t := &s.test
	if !t.req.done(msg.seq) {
		return nil
	}
	r := msg.result
	t.result = &r
	t.steps = r.Steps
	t.running = false
	if r.Step(ldap.StepBind).Status == ldap.StepOK {
		s.m.connOK = true
		return s.autoRebase()
	}
	return nil
}

// findings are what the test learnt that the settings could use.
type findings struct {
	ad   bool   // Active Directory found while the settings say otherwise
	nc   string // the naming context the search bases should sit under, or ""
	text []string
}

// testFindings compares the RootDSE with the settings.
func (s *connectionScreen) testFindings() findings {
	var f findings
	m := s.m
	if s.test.result == nil || s.test.result.RootDSE == nil {
		return f
	}
	r := s.test.result.RootDSE
	if r.ActiveDirectory && !m.settings.Connection.ActiveDirectory {
		f.ad = true
		f.text = append(f.text, "The server is Active Directory: use the AD settings (user, sAMAccountName, group).")
	}
	nc := namingContextOf(r)
	if nc != "" && (!underAny(m.settings.Users.SearchBase, r.NamingContexts) || !underAny(m.settings.Groups.SearchBase, r.NamingContexts)) {
		f.nc = nc
		f.text = append(f.text, fmt.Sprintf("The search bases are outside the directory's naming context %s: move them under it.", nc))
	}
	return f
}

// underAny reports whether dn sits at or under one of the naming contexts.
func underAny(dn string, ncs []string) bool {
	for _, nc := range ncs {
		if ldap.InSubtree(dn, nc) {
			return true
		}
	}
	return false
}

// applyFindings applies what the test found (ctrl+a); see applyFound.
func (s *connectionScreen) applyFindings() tea.Cmd {
	f := s.testFindings()
	if !f.ad && f.nc == "" {
		return nil
	}
	return s.applyFound(f)
}

// stepMark is the mark of a step's status.
func stepMark(st *Styles, s ldap.StepStatus) string {
	switch s {
	case ldap.StepOK:
		return st.OK.Render("✓")
	case ldap.StepWarning:
		return st.Warning.Render("!")
	case ldap.StepFailed:
		return st.Error.Render("✗")
	}
	return st.Muted.Render("·")
}

// testPane renders the test: its heading (a line or more, never cut),
// and the list below it as lines, spans[i] being the lines [from, to) of
// shown step i. Each step is a line, cut to the width unless opened
// (enter), when it wraps in full; the hints of warnings and failures, and
// what the test found, always wrap in full.
func (s *connectionScreen) testPane(w int) (head, body, foot []string, spans [][2]int) {
	m, t, st := s.m, &s.test, s.m.c.Styles
	if !t.running && t.result == nil {
		return nil, nil, nil, nil
	}
	ok, warn, failed := 0, 0, 0
	for _, s := range t.steps {
		switch s.Status {
		case ldap.StepOK:
			ok++
		case ldap.StepWarning:
			warn++
		case ldap.StepFailed:
			failed++
		}
	}
	h := "Connection test"
	if !t.running {
		h += fmt.Sprintf(" — %d passed, %s, %d failed", ok, plural(warn, "warning"), failed)
	}
	head = []string{st.Heading.Render(h)}
	if !t.running && !bytes.Equal(t.tested, m.encoded) {
		head = append(head, st.Warning.Render("(settings changed since: ctrl+t tests again)"))
	}
	wrapped := func(indent string, style func(...string) string, text string) []string {
		var out []string
		for _, l := range strings.Split(wrap(text, w-len(indent)), "\n") {
			out = append(out, indent+style(l))
		}
		return out
	}
	notRun := 0
	shown := 0
	servers := false // the heading of the listed servers' results is drawn
	for _, step := range t.steps {
		if step.Status == ldap.StepNotRun {
			notRun++
			continue
		}
		if strings.HasPrefix(step.ID, ldap.StepServerPrefix) && !servers {
			servers = true
			body = append(body, "  "+st.Muted.Render("Each listed server:"))
		}
		cur := t.focused && shown == t.cur
		shown++
		mark := "  "
		if cur {
			mark = "▸ "
		}
		from := len(body)
		text := step.Title
		if step.Detail != "" {
			text += " — " + step.Detail
		}
		if t.open[step.ID] {
			lines := strings.Split(wrap(text, w-4), "\n")
			body = append(body, mark+stepMark(st, step.Status)+" "+lines[0])
			for _, l := range lines[1:] {
				body = append(body, "    "+st.Muted.Render(l))
			}
		} else {
			line := stepMark(st, step.Status) + " " + step.Title
			if step.Detail != "" {
				line += st.Muted.Render(" — " + step.Detail)
			}
			body = append(body, mark+ansi.Truncate(line, w-2, "…"))
		}
		if step.Hint != "" && step.Status != ldap.StepOK {
			body = append(body, wrapped("      ", st.Warning.Render, step.Hint)...)
		}
		spans = append(spans, [2]int{from, len(body)})
	}
	if t.running {
		body = append(body, "  "+t.spin.View()+" testing…")
	} else if notRun > 0 {
		after := " after the failure"
		if failed == 0 {
			after = ""
		}
		body = append(body, "  "+st.Muted.Render(fmt.Sprintf("· %s not run%s", plural(notRun, "step"), after)))
	}
	if step := s.blamedStep(); step != nil && !t.running {
		foot = append(foot, st.Key.Render("ctrl+g")+" goes to "+m.settingName(s.blamedSetting(step)))
	}
	if f := s.testFindings(); len(f.text) > 0 {
		for _, l := range f.text {
			foot = append(foot, wrapped("", st.OK.Render, "➜ "+l)...)
		}
		foot = append(foot, st.Key.Render("ctrl+a")+" apply")
	}
	return head, body, foot, spans
}

// testWindow picks the lines of the list to show in room lines: from the
// top the user scrolled to, moved so the step under the cursor is whole
// on show; while a test runs and the list is not focused, the newest;
// after a failure, the failed step with its hint.
func (t *connTest) testWindow(body []string, spans [][2]int, room int) (top int) {
	top = t.top
	show := -1 // the step to keep whole on show
	switch {
	case t.focused:
		show = t.cur
	case t.running:
		top = len(body) - room
	default:
		// A failure is the news: its hint shows without scrolling.
		for i, st := range t.shownSteps() {
			if st.Status == ldap.StepFailed {
				show = i
				break
			}
		}
	}
	if show >= 0 && show < len(spans) {
		sp := spans[show]
		if sp[1] > top+room {
			top = sp[1] - room
		}
		if sp[0] < top {
			top = sp[0]
		}
	}
	return max(0, min(top, len(body)-room))
}

// testView draws the test in h lines: the heading, then the window of the
// list, its first or last line saying when there is more above or below,
// then what to do about it (ctrl+g, ctrl+a), always on show.
func (s *connectionScreen) testView(w, h int) string {
	t, st := &s.test, s.m.c.Styles
	head, body, foot, spans := s.testPane(w)
	room := max(h-len(head)-len(foot), 1)
	top := t.testWindow(body, spans, room)
	end := min(len(body), top+room)
	win := append([]string(nil), body[top:end]...)
	if top > 0 && len(win) > 0 {
		win[0] = st.Muted.Render(fmt.Sprintf("  ↑ %s above (pgup)", plural(top, "more line")))
	}
	if end < len(body) && len(win) > 0 {
		win[len(win)-1] = st.Muted.Render(fmt.Sprintf("  ↓ %s below (pgdn)", plural(len(body)-end+1, "more line")))
	}
	return strings.Join(append(append(head, win...), foot...), "\n")
}

// testKey handles a key while the results have the keyboard: ↑/↓ (k/j)
// move between the steps, PgUp/PgDn by a page, enter opens or closes the
// step in full, esc and tab give the keyboard back to the fields. It
// reports false for a key it leaves to the screen.
func (s *connectionScreen) testKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	t, k := &s.test, s.m.c.Keys
	n := len(t.shownSteps())
	page := max(1, (s.m.c.Height-8)/2)
	switch {
	case key.Matches(msg, k.Back, k.Next, k.Prev):
		t.focused = false
	case key.Matches(msg, k.Up, k.ListUp):
		if t.cur == 0 {
			t.focused = false
		}
		t.cur = max(t.cur-1, 0)
	case key.Matches(msg, k.Down, k.ListDown):
		t.cur = min(t.cur+1, n-1)
	case key.Matches(msg, k.PageUp):
		t.cur = max(t.cur-page, 0)
	case key.Matches(msg, k.PageDown):
		t.cur = min(t.cur+page, n-1)
	case key.Matches(msg, k.Enter):
		if st := t.cursorStep(); st != nil {
			if t.open == nil {
				t.open = map[string]bool{}
			}
			t.open[st.ID] = !t.open[st.ID]
		}
	default:
		return nil, false
	}
	t.cur = max(t.cur, 0)
	t.top = 0 // the window follows the cursor
	return nil, true
}

// blamedStep is the first failed step naming a setting, else the first
// warning naming one; nil when none does.
func (s *connectionScreen) blamedStep() *ldap.Step {
	for _, want := range []ldap.StepStatus{ldap.StepFailed, ldap.StepWarning} {
		for i, st := range s.test.steps {
			if st.Status == want && st.Setting != "" {
				return &s.test.steps[i]
			}
		}
	}
	return nil
}

// blamedSetting is where ctrl+g goes for a step: the setting it names,
// except that a bind password problem goes to where this run took the
// password from: the password typed for the test, or the source chosen on
// screen (the step names bind_password_file whatever the source).
func (s *connectionScreen) blamedSetting(st *ldap.Step) string {
	m := s.m
	switch st.Setting {
	case "connection.bind_password_file", "connection.bind_password_env", "connection.bind_password":
		switch {
		case s.test.typed && m.pwSource != pwInline:
			return "ui.test_password"
		case m.pwSource == pwEnv:
			return "connection.bind_password_env"
		case m.pwSource == pwInline:
			return "connection.bind_password"
		}
		return "connection.bind_password_file"
	}
	return st.Setting
}

// settingName is how a setting is named in a hint: its key, or for a
// UI-only field its label.
func (m *Model) settingName(k string) string {
	if !strings.HasPrefix(k, "ui.") {
		return k
	}
	for _, f := range m.forms() {
		for _, fl := range f.fields {
			if fl.Key == k {
				return fl.Label
			}
		}
	}
	return k
}
