package ui

import (
	"net/mail"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/enroll"
)

// actionTestMail is the Enrollment screen's "send a test email" button.
const actionTestMail = "test-mail"

// mailTest is the Enrollment screen's test e-mail: the recipient asked for,
// the message being sent, and the mail server's answer.
type mailTest struct {
	asking  bool // the recipient line has the keyboard
	input   textinput.Model
	req     request
	sending bool
	spin    spinner.Model
	to      string
	answer  string // the server's answer in plain words
	err     error
}

// testMailMsg is the answer of request seq.
type testMailMsg struct {
	seq    int
	answer string
	err    error
}

// askTestMail opens the recipient line (ctrl+t or the button on Enrollment).
func (s *enrollmentScreen) askTestMail() tea.Cmd {
	m, t := s.m, &s.mail
	if strings.TrimSpace(m.settings.SMTP.Host) == "" {
		m.setStatus("Set the mail server (smtp.host) first: turn on enrollment and invitations to show the mail settings.", false)
		return nil
	}
	in := promptLine("Send a test email to: ", "you@example.com", m.c.Width-26)
	in.SetValue(t.to)
	if t.to == "" {
		in.SetValue(bareAddress(m.settings.SMTP.From))
	}
	in.CursorEnd()
	t.input, t.asking = in, true
	return t.input.Focus()
}

// mailKey types the recipient: enter sends, esc gives up.
func (s *enrollmentScreen) mailKey(msg tea.KeyPressMsg) tea.Cmd {
	m, t := s.m, &s.mail
	switch {
	case key.Matches(msg, m.c.Keys.Quit):
		t.asking = false
		t.input.Blur()
		return m.askQuit()
	case key.Matches(msg, m.c.Keys.Enter):
		to := strings.TrimSpace(t.input.Value())
		if to == "" {
			m.setStatus("Type the address to send the test email to.", false)
			return nil
		}
		t.asking = false
		t.input.Blur()
		return s.sendTestMail(bareAddress(to))
	case key.Matches(msg, m.c.Keys.Back):
		t.asking = false
		t.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

// bareAddress is the address of "IT <it@example.com>": the recipient the
// mail server takes. Text that does not parse as an address is kept as
// typed, so the server's answer says what is wrong with it.
func bareAddress(s string) string {
	if a, err := mail.ParseAddress(strings.TrimSpace(s)); err == nil {
		return a.Address
	}
	return strings.TrimSpace(s)
}

// mailPaste puts pasted text into the recipient line.
func (s *enrollmentScreen) mailPaste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	s.mail.input, cmd = s.mail.input.Update(msg)
	return cmd
}

// sendTestMail sends the message in a command with the SMTP settings on screen.
func (s *enrollmentScreen) sendTestMail(to string) tea.Cmd {
	m, t := s.m, &s.mail
	// The mail client bounds connecting and each command itself.
	ctx, seq := t.req.next(m.c.Ctx, 0)
	t.sending, t.to, t.answer, t.err = true, to, "", nil
	t.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	cfg, getenv := m.settings.SMTP, m.opts.Getenv
	send := func() tea.Msg {
		answer, err := enroll.SendTestEmail(ctx, cfg, to, getenv)
		return testMailMsg{seq: seq, answer: answer, err: err}
	}
	return tea.Batch(send, t.spin.Tick)
}

// onTestMail records the answer of the newest request.
func (s *enrollmentScreen) onTestMail(msg testMailMsg) tea.Cmd {
	t := &s.mail
	if !t.req.done(msg.seq) {
		return nil
	}
	t.sending, t.answer, t.err = false, msg.answer, msg.err
	return nil
}

// mailLines renders the recipient line, the sending spinner or the answer.
func (s *enrollmentScreen) mailLines(w int) []string {
	m, t := s.m, &s.mail
	switch {
	case t.asking:
		return []string{m.c.Styles.Heading.Render("Test email"), ansi.Truncate(t.input.View(), w, ""),
			m.c.Styles.Muted.Render("enter sends · esc cancels")}
	case t.sending:
		return []string{m.c.Styles.Heading.Render("Test email"), t.spin.View() + " sending to " + t.to + "…"}
	case t.err != nil:
		return append([]string{m.c.Styles.Heading.Render("Test email")}, strings.Split(m.c.Styles.Error.Render(wrap("✗ Not sent to "+t.to+": "+t.err.Error(), w)), "\n")...)
	case t.answer != "":
		return append([]string{m.c.Styles.Heading.Render("Test email")}, strings.Split(m.c.Styles.OK.Render(wrap("✓ "+t.answer, w)), "\n")...)
	}
	return nil
}

// enrollmentView is the form, and below it the test e-mail when there is one.
func (s *enrollmentScreen) view(w, h int) string {
	m := s.m
	if s.retrig.open {
		return s.retriggerView(w, h)
	}
	ml := s.mailLines(w)
	formH := h
	if len(ml) > 0 {
		formH = max(h-len(ml)-1, h/2)
	}
	out := s.fields.view(w, formH, m.c.Styles, &m.settings, m.shownProblems(), true)
	if len(ml) > 0 {
		room := h - formH - 1
		if len(ml) > room {
			ml = ml[:room]
		}
		out = fitBlock(out, w, formH) + "\n\n" + strings.Join(ml, "\n")
	}
	return out
}
