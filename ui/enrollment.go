package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// enrollmentScreen is the Enrollment step: whether users created by a sync
// must enroll, the invitations and their mail server, and a test e-mail.
type enrollmentScreen struct {
	*formScreen
	mail   mailTest
	retrig retrigger // "Enroll users again"
}

// newEnrollmentScreen builds the Enrollment screen.
func newEnrollmentScreen(m *Model) screen {
	s := &enrollmentScreen{}
	s.formScreen = newFormScreen(m, wizard.ScreenEnrollment, "Enrollment", "Whether users created by a sync must enroll, and how they are invited.", enrollmentFields()...)
	s.actions = map[string]func() tea.Cmd{actionTestMail: s.askTestMail, actionRetrigger: s.openRetrigger}
	return s
}

// capturing: the recipient line, or the panel of users to enroll again,
// takes every key while it is open.
func (s *enrollmentScreen) capturing() bool { return s.mail.asking || s.retrig.open }

// typing reports whether the recipient line, the users' filter or a text
// field has the keyboard.
func (s *enrollmentScreen) typing() bool {
	return s.mail.asking || (s.retrig.open && !s.retrig.confirming) || s.formScreen.typing()
}

// update handles the screen's keys and the test e-mail's answer.
func (s *enrollmentScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case testMailMsg:
		return s.onTestMail(msg)
	case retriggerUsersMsg:
		return s.onRetriggerUsers(msg)
	case retriggerDoneMsg:
		return s.onRetriggerDone(msg)
	case spinner.TickMsg:
		if s.mail.sending {
			var cmd tea.Cmd
			s.mail.spin, cmd = s.mail.spin.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		if s.mail.asking {
			return s.mailKey(msg)
		}
		if s.retrig.open {
			return s.retriggerKey(msg)
		}
		if key.Matches(msg, s.m.c.Keys.Test) {
			return s.askTestMail()
		}
		return s.formKey(msg)
	}
	return nil
}

// paste goes to the recipient line when it is open, else to the field.
func (s *enrollmentScreen) paste(msg tea.PasteMsg) tea.Cmd {
	if s.mail.asking {
		return s.mailPaste(msg)
	}
	if s.retrig.open {
		return s.retriggerPaste(msg)
	}
	return s.formScreen.paste(msg)
}

// help lists the recipient line's keys, or the field's and the common ones.
func (s *enrollmentScreen) help() []key.Binding {
	k := s.m.c.Keys
	if s.mail.asking {
		return []key.Binding{withHelp(k.Enter, "send"), withHelp(k.Back, "cancel")}
	}
	if s.retrig.open {
		return s.retriggerHelp()
	}
	bs := s.formScreen.help()
	if s.m.settings.SMTP.Host != "" {
		bs = append(bs, withHelp(k.Test, "test email"))
	}
	return append(bs, s.helpTail()...)
}

// enrollmentFields lists the Enrollment screen; the SMTP fields appear when
// invitations are sent.
func enrollmentFields() []*field {
	e := func(s *wizard.Settings) *wizard.Enrollment { return &s.Enrollment }
	m := func(s *wizard.Settings) *wizard.SMTP { return &s.SMTP }
	needEnabled := func(s wizard.Settings) string {
		if !s.Enrollment.Enabled {
			return "Turn on enrollment first: invitations are part of it."
		}
		return ""
	}
	invite := boolS("enrollment.auto_invite", "Send invitations", "E-mail each new user a single-use enrollment link.", func(s *wizard.Settings) *bool { return &e(s).AutoInvite })
	invite.disabled = needEnabled
	url := textS("enrollment.invite_url", "Enrollment page URL", "The link in the invitation; the token is appended to it.", func(s *wizard.Settings) *string { return &e(s).InviteURL })
	url.disabled = needEnabled
	ttl := textS("enrollment.token_ttl", "Link valid for", "How long an enrollment link works, e.g. 48h.", func(s *wizard.Settings) *string { return &e(s).TokenTTL })
	ttl.disabled = needEnabled
	smtp := func(f *field) *field {
		f.visible = func(s wizard.Settings) bool { return s.Enrollment.Enabled && s.Enrollment.AutoInvite }
		return f
	}
	return []*field{
		boolS("enrollment.enabled", "Require enrollment", "Users created in the store by a sync must enroll before they can sign in.", func(s *wizard.Settings) *bool { return &e(s).Enabled }),
		invite, url, ttl,
		smtp(textS("smtp.host", "Mail server", "SMTP host for invitations; empty queues them instead of sending.", func(s *wizard.Settings) *string { return &m(s).Host })),
		smtp(intS("smtp.port", "Mail server port", "587 for starttls, 465 for tls, 25 for none.", func(s *wizard.Settings) *int { return &m(s).Port })),
		smtp(choiceS("smtp.tls", "Mail encryption", "How the connection to the mail server is protected.", func(s *wizard.Settings) *string { return &m(s).TLS },
			choice{wizard.SMTPStartTLS, "starttls"}, choice{wizard.SMTPTLS, "tls"}, choice{wizard.SMTPNone, "none"})),
		smtp(boolS("smtp.verify_tls", "Verify mail certificate", "Check the mail server's TLS certificate.", func(s *wizard.Settings) *bool { return &m(s).VerifyTLS })),
		smtp(textS("smtp.from", "Sender address", "From: address of the invitations.", func(s *wizard.Settings) *string { return &m(s).From })),
		smtp(textS("smtp.username", "Mail user name", "Empty sends without signing in.", func(s *wizard.Settings) *string { return &m(s).Username })),
		smtp(textS("smtp.password_file", "Mail password file", "File holding the SMTP password.", func(s *wizard.Settings) *string { return &m(s).PasswordFile })),
		smtp(textS("smtp.password_env", "Mail password variable", "Or: environment variable holding the SMTP password.", func(s *wizard.Settings) *string { return &m(s).PasswordEnv })),
		smtp(&field{Key: "ui.test_mail", Label: "Send a test email", Kind: kindButton, Action: actionTestMail,
			Help: "Sends a short message through the mail settings above and shows the server's answer (ctrl+t)."}),
		{Key: "ui.retrigger", Label: "Enroll users again", Kind: kindButton, Action: actionRetrigger,
			Help: "Pick users of the store who must enroll again: their unused links stop working and each gets a new invitation."},
	}
}
