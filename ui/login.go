package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// actionLogin is the Users screen's "Try a user's login…" button.
const actionLogin = "login"

// loginPanel is the "Try a user's login…" overlay, opened from the Users
// screen: a username and a password (masked), then, checked in a command
// with the settings on screen (saved or not), the path an application
// takes at login, step by step. The password is dropped from the panel as
// soon as the check starts; it is never drawn.
type loginPanel struct {
	user, password textinput.Model
	onPassword     bool // the password line has the keyboard (else the username line)
	asking         bool // a line has the keyboard
	req            request
	running        bool
	spin           spinner.Model
	res            *syncer.LoginCheck
	err            string
	scroll         int
}

// loginDoneMsg is the answer of request seq.
type loginDoneMsg struct {
	seq int
	res *syncer.LoginCheck
	err error
}

// openLogin opens the overlay with the username line ready.
func (m *Model) openLogin() tea.Cmd {
	p := &loginPanel{user: promptLine("Username: ", "the login name, as users.username_attribute holds it", m.c.Width-16),
		password: promptLine("Password: ", "never shown, never saved", m.c.Width-16), asking: true}
	p.password.EchoMode, p.password.EchoCharacter = textinput.EchoPassword, '•'
	m.login = p
	return p.user.Focus()
}

// closeLogin closes the overlay, cancelling a running check.
func (m *Model) closeLogin() {
	if m.login != nil {
		m.login.req.stop()
		m.login = nil
	}
}

// focusLine gives the keyboard to the username or the password line.
func (p *loginPanel) focusLine(password bool) tea.Cmd {
	p.onPassword, p.asking = password, true
	if password {
		p.user.Blur()
		return p.password.Focus()
	}
	p.password.Blur()
	return p.user.Focus()
}

// loginKey handles a key while the overlay is open: on the lines, tab
// switches, enter goes from the username to the password and from the
// password to the check, esc closes; over the answer, arrows scroll, e
// tries another login, esc closes; while checking, esc cancels.
func (m *Model) loginKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.login, m.c.Keys
	switch {
	case p.running:
		if key.Matches(msg, k.Back) {
			p.req.bump() // its answer, if it still comes, is stale
			p.running, p.err = false, "cancelled"
			return p.focusLine(true)
		}
		return nil
	case p.asking:
		switch {
		case key.Matches(msg, k.Back):
			m.closeLogin()
			return nil
		case key.Matches(msg, k.Next, k.Prev, k.Up, k.Down):
			return p.focusLine(!p.onPassword)
		case key.Matches(msg, k.Enter) && !p.onPassword:
			if strings.TrimSpace(p.user.Value()) == "" {
				p.err = "type the username first"
				return nil
			}
			p.err = ""
			return p.focusLine(true)
		case key.Matches(msg, k.Enter):
			return m.startLogin()
		}
		var cmd tea.Cmd
		if p.onPassword {
			p.password, cmd = p.password.Update(msg)
		} else {
			p.user, cmd = p.user.Update(msg)
		}
		return cmd
	}
	page := max(m.c.Height-12, 3)
	switch {
	case key.Matches(msg, k.Back, k.Close):
		m.closeLogin()
	case scrollKey(&p.scroll, msg, k, page):
	case msg.String() == "e", key.Matches(msg, k.Enter):
		return p.focusLine(false)
	}
	return nil
}

// loginPaste puts pasted text into the line that has the keyboard.
func (m *Model) loginPaste(msg tea.PasteMsg) tea.Cmd {
	p := m.login
	if p == nil || !p.asking || p.running {
		return nil
	}
	var cmd tea.Cmd
	if p.onPassword {
		p.password, cmd = p.password.Update(msg)
	} else {
		p.user, cmd = p.user.Update(msg)
	}
	return cmd
}

// startLogin checks the login in a command; the password leaves the
// panel for it and is not kept.
func (m *Model) startLogin() tea.Cmd {
	p := m.login
	user, password := strings.TrimSpace(p.user.Value()), p.password.Value()
	switch {
	case user == "":
		p.err = "type the username first"
		return p.focusLine(false)
	case password == "":
		p.err = "type the password: a bind without one proves nothing"
		return p.focusLine(true)
	}
	p.password.SetValue("")
	ctx, seq := p.req.next(m.c.Ctx, dirBudget(m.settings, 8))
	p.running, p.asking, p.err, p.res, p.scroll = true, false, "", nil, 0
	p.user.Blur()
	p.password.Blur()
	p.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	s, getenv := previewSettings(m.settings, m.testPassword), m.opts.Getenv
	return tea.Batch(func() tea.Msg {
		done := computeLogin(ctx, s, getenv, user, password)
		done.seq = seq
		return done
	}, p.spin.Tick)
}

// computeLogin runs the login check off the update loop, with the store
// opened read-only by the check.
func computeLogin(ctx context.Context, s wizard.Settings, getenv func(string) string, user, password string) loginDoneMsg {
	cfg, err := s.LDAPConfig(getenv)
	if err != nil {
		return loginDoneMsg{err: err}
	}
	res := syncer.CheckLogin(ctx, s, cfg, nil, user, password, nil)
	return loginDoneMsg{res: &res}
}

// onLoginDone records the answer of the newest request.
func (m *Model) onLoginDone(msg loginDoneMsg) tea.Cmd {
	p := m.login
	if p == nil || !p.req.done(msg.seq) {
		return nil
	}
	p.running, p.res = false, msg.res
	if msg.err != nil {
		p.err = ldapErrText(msg.err)
		return p.focusLine(true)
	}
	return nil
}

// loginSpin advances the spinner while a login is checked.
func (m *Model) loginSpin(msg spinner.TickMsg) tea.Cmd {
	if p := m.login; p != nil && p.running {
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return cmd
	}
	return nil
}

// loginView draws the overlay in w x h.
func (m *Model) loginView(w, h int) string {
	p, st := m.login, m.c.Styles
	lines := []string{st.Heading.Render("Try a user's login") + st.Muted.Render(" — the path an application takes when this user logs in"),
		p.user.View(), p.password.View()}
	lines = append(lines, strings.Split(st.Warning.Render(wrap("! "+upperFirst(syncer.LockoutWarning)+".", w)), "\n")...)
	lines = append(lines, "")
	switch {
	case p.running:
		lines = append(lines, p.spin.View()+" finding the user, binding as them, reading the store…")
	case p.err != "":
		lines = append(lines, strings.Split(st.Error.Render(wrap("✗ "+p.err, w)), "\n")...)
	case p.res != nil:
		lines = append(lines, scrollWindow(loginLines(p.res, st, w), &p.scroll, max(h-len(lines), 1))...)
	case p.asking:
		lines = append(lines, st.Muted.Render(wrap("Type the username and the password, then press enter: the check uses the settings on screen, saved or not, and changes nothing.", w)))
	}
	return strings.Join(lines, "\n")
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// loginLines renders a login check: a line per step (wrapped), its hint,
// and the verdict.
func loginLines(res *syncer.LoginCheck, st *Styles, w int) []string {
	var out []string
	for _, s := range res.Steps {
		mark, style := "·", st.Muted
		switch s.Status {
		case ldap.StepOK:
			mark, style = "✓", st.OK
		case ldap.StepWarning:
			mark, style = "!", st.Warning
		case ldap.StepFailed:
			mark, style = "✗", st.Error
		}
		for i, l := range strings.Split(wrap(s.Title+": "+s.Detail, max(w-2, 10)), "\n") {
			if i == 0 {
				out = append(out, style.Render(mark)+" "+l)
			} else {
				out = append(out, "  "+l)
			}
		}
		if s.Hint != "" && s.Status != ldap.StepOK {
			hint := "fix: " + s.Hint
			if s.Setting != "" && !strings.Contains(hint, s.Setting) {
				hint += " [" + s.Setting + "]"
			}
			for _, l := range strings.Split(wrap(hint, max(w-4, 10)), "\n") {
				out = append(out, st.Muted.Render("    "+l))
			}
		}
	}
	out = append(out, "")
	verdict := "The login of " + res.Username + " would succeed."
	if f := res.Failed(); f != nil {
		verdict = "The login of " + res.Username + " would fail at: " + strings.ToLower(f.Title[:1]) + f.Title[1:] + "."
	} else if !res.OK {
		verdict = "The check of " + res.Username + " did not finish."
	}
	out = append(out, strings.Split(st.Heading.Render(wrap(verdict, w)), "\n")...)
	return out
}

// loginHelp lists the overlay's keys.
func (m *Model) loginHelp() []key.Binding {
	p, k := m.login, m.c.Keys
	switch {
	case p.running:
		return []key.Binding{withHelp(k.Back, "cancel")}
	case p.asking && p.onPassword:
		return []key.Binding{withHelp(k.Enter, "try the login"), withHelp(k.Next, "username"), withHelp(k.Back, "close")}
	case p.asking:
		return []key.Binding{withHelp(k.Enter, "password"), withHelp(k.Back, "close")}
	}
	return []key.Binding{withHelp(k.Down, "scroll"), key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "another login")),
		withHelp(k.Back, "close")}
}
