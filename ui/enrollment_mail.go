package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/enroll"
	"ldapwiz/wizard"
)

// actionTestMail is the Enrollment screen's "send a test email" button.
const actionTestMail = "test-mail"

// mailTest is the Enrollment screen's test e-mail: the recipient asked for,
// the message being sent, and the mail server's answer.
type mailTest struct {
	asking  bool // the recipient line has the keyboard
	input   textinput.Model
	seq     int
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
func (m *Model) askTestMail() tea.Cmd {
	t := &m.mail
	if strings.TrimSpace(m.settings.SMTP.Host) == "" {
		m.status, m.statusOK = "Set the mail server (smtp.host) first: turn on enrollment and invitations to show the mail settings.", false
		return nil
	}
	in := textinput.New()
	in.Prompt = "Send a test email to: "
	in.Placeholder = "you@example.com"
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetWidth(max(m.width-26, 20))
	in.SetValue(t.to)
	if t.to == "" {
		in.SetValue(m.settings.SMTP.From)
	}
	in.CursorEnd()
	t.input, t.asking = in, true
	return t.input.Focus()
}

// mailKey types the recipient: enter sends, esc gives up.
func (m *Model) mailKey(msg tea.KeyPressMsg) tea.Cmd {
	t := &m.mail
	switch {
	case key.Matches(msg, m.keys.Quit):
		t.asking = false
		t.input.Blur()
		return m.askQuit()
	case key.Matches(msg, m.keys.Enter):
		to := strings.TrimSpace(t.input.Value())
		if to == "" {
			m.status, m.statusOK = "Type the address to send the test email to.", false
			return nil
		}
		t.asking = false
		t.input.Blur()
		return m.sendTestMail(to)
	case key.Matches(msg, m.keys.Back):
		t.asking = false
		t.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

// mailPaste puts pasted text into the recipient line.
func (m *Model) mailPaste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	m.mail.input, cmd = m.mail.input.Update(msg)
	return cmd
}

// sendTestMail sends the message in a command with the SMTP settings on screen.
func (m *Model) sendTestMail(to string) tea.Cmd {
	t := &m.mail
	t.seq++
	t.sending, t.to, t.answer, t.err = true, to, "", nil
	t.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	seq, cfg, getenv := t.seq, m.settings.SMTP, m.opts.Getenv
	send := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		answer, err := enroll.SendTestEmail(ctx, cfg, to, getenv)
		return testMailMsg{seq: seq, answer: answer, err: err}
	}
	return tea.Batch(send, t.spin.Tick)
}

// onTestMail records the answer of the newest request.
func (m *Model) onTestMail(msg testMailMsg) tea.Cmd {
	t := &m.mail
	if msg.seq != t.seq {
		return nil
	}
	t.sending, t.answer, t.err = false, msg.answer, msg.err
	return nil
}

// mailLines renders the recipient line, the sending spinner or the answer.
func (m *Model) mailLines(w int) []string {
	t := &m.mail
	switch {
	case t.asking:
		return []string{m.st.Heading.Render("Test email"), ansi.Truncate(t.input.View(), w, ""),
			m.st.Muted.Render("enter sends · esc cancels")}
	case t.sending:
		return []string{m.st.Heading.Render("Test email"), t.spin.View() + " sending to " + t.to + "…"}
	case t.err != nil:
		return append([]string{m.st.Heading.Render("Test email")}, strings.Split(m.st.Error.Render(wrap("✗ Not sent to "+t.to+": "+t.err.Error(), w)), "\n")...)
	case t.answer != "":
		return append([]string{m.st.Heading.Render("Test email")}, strings.Split(m.st.OK.Render(wrap("✓ "+t.answer, w)), "\n")...)
	}
	return nil
}

// enrollmentView is the form, and below it the test e-mail when there is one.
func (m *Model) enrollmentView(w, h int) string {
	ml := m.mailLines(w)
	formH := h
	if len(ml) > 0 {
		formH = max(h-len(ml)-1, h/2)
	}
	out := m.forms[wizard.ScreenEnrollment].view(w, formH, m.st, &m.settings, m.shownProblems(), true)
	if len(ml) > 0 {
		room := h - formH - 1
		if len(ml) > room {
			ml = ml[:room]
		}
		out = fitBlock(out, w, formH) + "\n\n" + strings.Join(ml, "\n")
	}
	return out
}
