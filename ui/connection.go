package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// connectionScreen is the Connection step: how ldapwiz reaches the
// directory and signs in, and the staged connection test below the fields.
type connectionScreen struct {
	*formScreen
	test connTest
}

// newConnectionScreen builds the Connection screen.
func newConnectionScreen(m *Model) screen {
	s := &connectionScreen{}
	s.formScreen = newFormScreen(m, wizard.ScreenConnection, "Connection", "How ldapwiz reaches the directory and signs in to it.", connectionFields(m)...)
	s.actions = map[string]func() tea.Cmd{actionTest: s.startTest}
	return s
}

// actionTest is the Connection screen's "test the connection" button.
const actionTest = "test"

// update handles the screen's keys and the test's answers.
func (s *connectionScreen) update(msg tea.Msg) tea.Cmd {
	m, k := s.m, s.m.c.Keys
	switch msg := msg.(type) {
	case streamMsg:
		if msg.owner == ownerTest {
			return s.onTestEvents(msg)
		}
	case testDoneMsg:
		return s.onTestDone(msg)
	case spinner.TickMsg:
		if s.test.running {
			var cmd tea.Cmd
			s.test.spin, cmd = s.test.spin.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		hasResults := s.test.running || s.test.result != nil
		if s.test.focused && hasResults {
			if cmd, ok := s.testKey(msg); ok {
				return cmd
			}
		}
		switch {
		case hasResults && !s.test.focused && key.Matches(msg, k.PageDown, k.PageUp):
			s.test.focused = true
			return nil
		case hasResults && !s.test.focused && key.Matches(msg, k.Down, k.Next) && s.onLastField():
			s.test.focused, s.test.cur = true, 0
			return nil
		case key.Matches(msg, k.Test):
			return s.startTest()
		case key.Matches(msg, k.Apply):
			return s.applyFindings()
		case key.Matches(msg, k.GoTo):
			if st := s.blamedStep(); st != nil {
				sk := s.blamedSetting(st)
				return m.jumpTo(wizard.Problem{Setting: sk, Screen: wizard.ScreenFor(sk)})
			}
			return nil
		}
		return s.formKey(msg)
	}
	return nil
}

// help lists the field's keys, the test's and the common ones; while
// the results have the keyboard, theirs.
func (s *connectionScreen) help() []key.Binding {
	k := s.m.c.Keys
	if s.test.focused {
		return []key.Binding{withHelp(k.Down, "step"), withHelp(k.Enter, "open/close"),
			withHelp(k.PageDown, "page"), withHelp(k.Back, "fields"), withHelp(k.Test, "test again"), k.Save, k.HelpF1}
	}
	bs := append(s.formScreen.help(), withHelp(k.Test, "test"))
	if s.test.running || s.test.result != nil {
		bs = append(bs, withHelp(k.PageDown, "results"))
	}
	return append(bs, s.helpTail()...)
}

// onLastField reports whether the last shown field has the keyboard.
func (s *connectionScreen) onLastField() bool {
	f := s.fields
	cur := f.current(s.m.settings)
	for i := len(f.fields) - 1; i >= 0; i-- {
		if f.fields[i].shown(s.m.settings) {
			return f.fields[i] == cur
		}
	}
	return false
}

// view is the form, and below it the test as it runs; while the results
// have the keyboard they take the whole screen.
func (s *connectionScreen) view(w, h int) string {
	m := s.m
	head, body, foot, _ := s.testPane(w)
	if len(head) == 0 {
		return s.fields.view(w, h, m.c.Styles, &m.settings, m.shownProblems(), true)
	}
	if s.test.focused {
		return s.testView(w, h)
	}
	formH := max(h-len(head)-len(body)-len(foot)-1, h/2)
	out := s.fields.view(w, formH, m.c.Styles, &m.settings, m.shownProblems(), true)
	return fitBlock(out, w, formH) + "\n\n" + s.testView(w, h-formH-1)
}

// typing: while the results have the keyboard no line does.
func (s *connectionScreen) typing() bool {
	return !s.test.focused && s.formScreen.typing()
}

// password sources offered on the Connection screen.
const (
	pwFile   = "file"
	pwEnv    = "env"
	pwInline = "inline"
)

// passwordSource says where the settings take the bind password from.
func passwordSource(c wizard.Connection) string {
	switch {
	case c.BindPasswordEnv != "":
		return pwEnv
	case c.BindPassword != "":
		return pwInline
	}
	return pwFile
}

// connectionFields lists the Connection screen.
func connectionFields(m *Model) []*field {
	c := func(s *wizard.Settings) *wizard.Connection { return &s.Connection }
	src := &field{Key: "ui.password_source", Label: "Password comes from", Kind: kindChoice,
		Help:   "Where ldapwiz reads the service account's password when it runs.",
		Choice: []choice{{pwFile, "a file"}, {pwEnv, "env variable"}, {pwInline, "this config"}},
		get:    func(*wizard.Settings) string { return m.pwSource },
		set:    m.setPasswordSource,
	}
	isSrc := func(v string) func(wizard.Settings) bool {
		return func(wizard.Settings) bool { return m.pwSource == v }
	}
	pwFileF := textS("connection.bind_password_file", "Password file", "A file holding only the password (mode 0600 recommended).", func(s *wizard.Settings) *string { return &c(s).BindPasswordFile })
	pwFileF.visible = isSrc(pwFile)
	pwEnvF := textS("connection.bind_password_env", "Environment variable", "Name of the variable holding the password, e.g. LDAP_BIND_PASSWORD.", func(s *wizard.Settings) *string { return &c(s).BindPasswordEnv })
	pwEnvF.visible = isSrc(pwEnv)
	pwInlineF := textS("connection.bind_password", "Password (saved)", "Written into the config file: prefer a file or a variable.", func(s *wizard.Settings) *string { return &c(s).BindPassword })
	pwInlineF.Kind = kindSecret
	pwInlineF.visible = isSrc(pwInline)
	testPw := &field{Key: "ui.test_password", Label: "Password for the test", Kind: kindSecret,
		Help:    "Optional: used only by the connection test, kept in memory, never saved.",
		get:     func(*wizard.Settings) string { return m.testPassword },
		set:     func(_ *wizard.Settings, v string) { m.testPassword = v },
		visible: func(wizard.Settings) bool { return m.pwSource != pwInline }}
	startTLS := boolS("connection.start_tls", "Upgrade with StartTLS", "Encrypt an ldap:// connection before signing in.", func(s *wizard.Settings) *bool { return &c(s).StartTLS })
	startTLS.disabled = func(s wizard.Settings) string {
		if strings.HasPrefix(strings.ToLower(s.Connection.URL), "ldaps://") {
			return "Not used with ldaps://, which is encrypted from the start."
		}
		return ""
	}
	url := textS("connection.url", "Directory address", "ldap://host (port 389) or ldaps://host (port 636, encrypted).", func(s *wizard.Settings) *string { return &c(s).URL })
	return []*field{
		url,
		startTLS,
		boolS("connection.verify_tls", "Verify the certificate", "Check the server's TLS certificate. Turning this off is unsafe.", func(s *wizard.Settings) *bool { return &c(s).VerifyTLS }),
		textS("connection.ca_file", "CA certificate file", "PEM file of the CA to trust; empty uses the system's trusted roots.", func(s *wizard.Settings) *string { return &c(s).CAFile }),
		boolS("connection.active_directory", "Active Directory", "The server is Microsoft Active Directory or Samba AD.", func(s *wizard.Settings) *bool { return &c(s).ActiveDirectory }),
		textS("connection.bind_dn", "Service account", "DN (or user@domain on AD) ldapwiz signs in as.", func(s *wizard.Settings) *string { return &c(s).BindDN }),
		src, pwFileF, pwEnvF, pwInlineF, testPw,
		textS("connection.timeout", "Timeout", "How long to wait for the server, e.g. 10s.", func(s *wizard.Settings) *string { return &c(s).Timeout }),
		intS("connection.page_size", "Page size", "Entries fetched per page in large searches (1-10000).", func(s *wizard.Settings) *int { return &c(s).PageSize }),
		textS("connection.client_cert_file", "Client certificate", "PEM certificate sent to the server over TLS; empty for none.", func(s *wizard.Settings) *string { return &c(s).ClientCertFile }),
		textS("connection.client_key_file", "Client key file", "PEM private key of the client certificate (mode 0600).", func(s *wizard.Settings) *string { return &c(s).ClientKeyFile }),
		choiceS("connection.bind_method", "Sign in with", "A password, the client certificate (SASL EXTERNAL) or a Kerberos keytab (SASL GSSAPI).", func(s *wizard.Settings) *string { return &c(s).BindMethod }, choice{"", "password"}, choice{wizard.BindExternal, "client certificate"}, choice{wizard.BindGSSAPI, "Kerberos"}),
		kerberos(textS("connection.principal", "Kerberos principal", "The account ldapwiz logs in as, name@REALM (realm upper case).", func(s *wizard.Settings) *string { return &c(s).Principal })),
		kerberos(textS("connection.keytab_file", "Keytab file", "Keytab holding the principal's key (mode 0600).", func(s *wizard.Settings) *string { return &c(s).KeytabFile })),
		kerberos(textS("connection.krb5_conf", "krb5.conf", "Names the realm and its KDC; empty means /etc/krb5.conf.", func(s *wizard.Settings) *string { return &c(s).Krb5Conf })),
		choiceS("connection.server_order", "Server order", "With several URLs (separated by spaces): try them as listed or randomly.", func(s *wizard.Settings) *string { return &c(s).ServerOrder }, choice{"", "as listed"}, choice{wizard.ServerOrderRandom, "random"}),
		{Key: "ui.test", Label: "Test the connection", Kind: kindButton, Action: actionTest,
			Help: "Runs DNS, TCP, TLS, RootDSE and sign-in checks with the settings above (ctrl+t)."},
	}
}

// kerberos shows f only while bind_method is "gssapi".
func kerberos(f *field) *field {
	f.visible = func(s wizard.Settings) bool { return s.Connection.GSSAPI() }
	return f
}

// setPasswordSource switches the bind password source, keeping the other
// sources' values aside so switching back restores them.
func (m *Model) setPasswordSource(s *wizard.Settings, v string) {
	c := &s.Connection
	m.pwStash[m.pwSource] = map[string]string{pwFile: c.BindPasswordFile, pwEnv: c.BindPasswordEnv, pwInline: c.BindPassword}[m.pwSource]
	c.BindPasswordFile, c.BindPasswordEnv, c.BindPassword = "", "", ""
	switch v {
	case pwFile:
		c.BindPasswordFile = m.pwStash[pwFile]
	case pwEnv:
		c.BindPasswordEnv = m.pwStash[pwEnv]
	case pwInline:
		c.BindPassword = m.pwStash[pwInline]
	}
	m.pwSource = v
	m.formOf(wizard.ScreenConnection).load(s)
}
