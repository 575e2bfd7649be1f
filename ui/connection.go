package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// connTest is the state of the staged connection test on the Connection screen.
type connTest struct {
	run     int // id of the newest run; events of older runs are dropped
	running bool
	tested  []byte // the settings' encoding the run used, to tell when they changed since
	steps   []ldap.Step
	typed   bool // the run used the password typed for the test
	result  *ldap.TestResult
	cancel  context.CancelFunc
	spin    spinner.Model
}

// testEvent is what the test goroutine sends: a step, or the final result.
type testEvent struct {
	step   *ldap.Step
	result *ldap.TestResult
}

// testEventMsg delivers one event of run to Update, with the channel to read the next from.
type testEventMsg struct {
	run int
	ev  testEvent
	ch  <-chan testEvent
}

// startTest runs the staged test with the settings on screen. Steps stream
// in through a channel read by a repeated command; a new run cancels the old.
func (m *Model) startTest() tea.Cmd {
	t := &m.test
	if t.cancel != nil {
		t.cancel()
	}
	t.run++
	t.running, t.steps, t.result = true, nil, nil
	t.tested = m.encoded
	t.typed = m.testPassword != ""
	t.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	run, s, typed, getenv := t.run, cloneSettings(m.settings), m.testPassword, m.opts.Getenv
	start := func() tea.Msg {
		ch := make(chan testEvent, 16)
		go func() {
			defer close(ch)
			res := runConnectionTest(ctx, s, typed, getenv, func(st ldap.Step) { ch <- testEvent{step: &st} })
			ch <- testEvent{result: &res}
		}()
		return readTest(run, ch)()
	}
	return tea.Batch(start, t.spin.Tick)
}

// readTest waits for the next event of a running test.
func readTest(run int, ch <-chan testEvent) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return testEventMsg{run: run, ev: ev, ch: ch}
	}
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
	s, typed, getenv := cloneSettings(m.settings), m.testPassword, m.opts.Getenv
	return func(ctx context.Context) (*ldap.Conn, error) {
		cfg, err := ldapConfig(s, typed, getenv)
		if err != nil {
			return nil, err
		}
		return ldap.Dial(ctx, cfg)
	}
}

// onTestEvent records a step or the result of the current run.
func (m *Model) onTestEvent(msg testEventMsg) tea.Cmd {
	t := &m.test
	if msg.run != t.run {
		return nil // an older run: drop it (its goroutine ends on its own)
	}
	if msg.ev.step != nil {
		t.steps = append(t.steps, *msg.ev.step)
		return readTest(msg.run, msg.ch)
	}
	if msg.ev.result != nil {
		r := *msg.ev.result
		t.result = &r
		t.steps = r.Steps
		t.running = false
		if t.cancel != nil {
			t.cancel()
			t.cancel = nil
		}
		if r.Step(ldap.StepBind).Status == ldap.StepOK {
			m.connOK = true
			return m.autoRebase()
		}
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
func (m *Model) testFindings() findings {
	var f findings
	if m.test.result == nil || m.test.result.RootDSE == nil {
		return f
	}
	r := m.test.result.RootDSE
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

// applyFindings applies what the test found (ctrl+a): the AD preset's users
// and groups settings, and search bases under the naming context.
func (m *Model) applyFindings() tea.Cmd {
	f := m.testFindings()
	if !f.ad && f.nc == "" {
		return nil
	}
	s := m.settings
	if f.ad {
		ad, _ := wizard.Preset(wizard.PresetAD)
		s.Connection.ActiveDirectory = true
		s.Users, s.Groups = ad.Users, ad.Groups
	}
	if f.nc == "" && m.test.result != nil && m.test.result.RootDSE != nil {
		f.nc = namingContextOf(m.test.result.RootDSE)
	}
	if f.nc != "" {
		s, _ = wizard.RebaseOnNamingContext(s, f.nc)
	}
	m.settings = s
	for _, fm := range m.forms {
		fm.load(&m.settings)
	}
	cmd := m.changed()
	m.status, m.statusOK = "Applied what the test found; see the Users and Groups screens.", true
	return cmd
}

// stepMark is the mark of a step's status.
func (m *Model) stepMark(s ldap.StepStatus) string {
	switch s {
	case ldap.StepOK:
		return m.st.OK.Render("✓")
	case ldap.StepWarning:
		return m.st.Warning.Render("!")
	case ldap.StepFailed:
		return m.st.Error.Render("✗")
	}
	return m.st.Muted.Render("·")
}

// testLines renders the test's steps, hints and findings.
func (m *Model) testLines(w int) []string {
	t := &m.test
	if !t.running && t.result == nil {
		return nil
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
	head := "Connection test"
	if !t.running {
		head += fmt.Sprintf(" — %d passed, %s, %d failed", ok, plural(warn, "warning"), failed)
	}
	lines := []string{m.st.Heading.Render(head)}
	if !t.running && !bytes.Equal(t.tested, m.encoded) {
		lines[0] += m.st.Warning.Render(" (settings changed since: ctrl+t tests again)")
	}
	notRun := 0
	for _, s := range t.steps {
		if s.Status == ldap.StepNotRun {
			notRun++
			continue
		}
		line := m.stepMark(s.Status) + " " + s.Title
		if s.Detail != "" {
			line += m.st.Muted.Render(" — " + s.Detail)
		}
		lines = append(lines, ansi.Truncate(line, w, "…"))
		if s.Hint != "" && s.Status != ldap.StepOK {
			for _, l := range strings.Split(wrap(s.Hint, w-4), "\n") {
				lines = append(lines, "    "+m.st.Warning.Render(l))
			}
		}
	}
	if t.running {
		lines = append(lines, t.spin.View()+" testing…")
	} else if notRun > 0 {
		lines = append(lines, m.st.Muted.Render(fmt.Sprintf("· %s not run after the failure", plural(notRun, "step"))))
	}
	if st := m.blamedStep(); st != nil && !t.running {
		lines = append(lines, m.st.Key.Render("ctrl+g")+" goes to "+m.settingName(m.blamedSetting(st)))
	}
	if f := m.testFindings(); len(f.text) > 0 {
		for _, l := range f.text {
			lines = append(lines, ansi.Truncate(m.st.OK.Render("➜ "+l), w, "…"))
		}
		lines = append(lines, m.st.Key.Render("ctrl+a")+" apply")
	}
	return lines
}

// connectionView is the form, and below it the test as it runs.
func (m *Model) connectionView(w, h int) string {
	tl := m.testLines(w)
	formH := h
	if len(tl) > 0 {
		formH = max(h-len(tl)-1, h/2)
	}
	out := m.forms[wizard.ScreenConnection].view(w, formH, m.st, &m.settings, m.shownProblems(), true)
	if len(tl) > 0 {
		room := h - formH - 1
		if len(tl) > room {
			// Keep the heading and the newest lines.
			tl = append([]string{tl[0]}, tl[len(tl)-room+1:]...)
		}
		out = fitBlock(out, w, formH) + "\n\n" + strings.Join(tl, "\n")
	}
	return out
}

// blamedStep is the first failed step naming a setting, else the first
// warning naming one; nil when none does.
func (m *Model) blamedStep() *ldap.Step {
	for _, want := range []ldap.StepStatus{ldap.StepFailed, ldap.StepWarning} {
		for i, st := range m.test.steps {
			if st.Status == want && st.Setting != "" {
				return &m.test.steps[i]
			}
		}
	}
	return nil
}

// blamedSetting is where ctrl+g goes for a step: the setting it names,
// except that a bind password problem goes to where this run took the
// password from: the password typed for the test, or the source chosen on
// screen (the step names bind_password_file whatever the source).
func (m *Model) blamedSetting(st *ldap.Step) string {
	switch st.Setting {
	case "connection.bind_password_file", "connection.bind_password_env", "connection.bind_password":
		switch {
		case m.test.typed && m.pwSource != pwInline:
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
	for _, f := range m.forms {
		for _, fl := range f.fields {
			if fl.Key == k {
				return fl.Label
			}
		}
	}
	return k
}
