package ui

import (
	"strconv"
	"strings"

	"ldapwiz/wizard"
)

// flow is the order of the wizard's screens (wizard.Steps); never modified.
var flow = wizard.Steps()

// screenTitle is the short name of a screen in the header.
func screenTitle(s wizard.Screen) string {
	switch s {
	case wizard.ScreenWelcome:
		return "Welcome"
	case wizard.ScreenConnection:
		return "Connection"
	case wizard.ScreenUsers:
		return "Users"
	case wizard.ScreenGroups:
		return "Groups"
	case wizard.ScreenSync:
		return "Sync"
	case wizard.ScreenEnrollment:
		return "Enrollment"
	case wizard.ScreenReview:
		return "Review"
	case wizard.ScreenPreview:
		return "Preview"
	case wizard.ScreenRun:
		return "Run"
	}
	return string(s)
}

// screenIntro is the sentence under a screen's heading.
func screenIntro(s wizard.Screen) string {
	switch s {
	case wizard.ScreenWelcome:
		return "Start from a preset for your directory, or open the existing file."
	case wizard.ScreenConnection:
		return "How ldapwiz reaches the directory and signs in to it."
	case wizard.ScreenUsers:
		return "Where the users are and which attributes feed the store."
	case wizard.ScreenGroups:
		return "Where the groups are and how they list their members."
	case wizard.ScreenSync:
		return "Which way changes flow, who wins a conflict, and safety limits."
	case wizard.ScreenEnrollment:
		return "Whether users created by a sync must enroll, and how they are invited."
	case wizard.ScreenReview:
		return "The file exactly as it will be saved, what changes, and every problem."
	case wizard.ScreenPreview:
		return "What a sync would change with the settings on screen; nothing is written."
	case wizard.ScreenRun:
		return "Run the synchronization of the saved settings."
	}
	return ""
}

// textS builds a free-text field bound through accessor functions on the settings.
func textS(k, label, help string, get func(*wizard.Settings) *string) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindText,
		get: func(s *wizard.Settings) string { return *get(s) },
		set: func(s *wizard.Settings, v string) { *get(s) = v }}
}

// intS builds a whole-number field.
func intS(k, label, help string, get func(*wizard.Settings) *int) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindInt,
		get: func(s *wizard.Settings) string { return strconv.Itoa(*get(s)) },
		set: func(s *wizard.Settings, v string) { n, _ := strconv.Atoi(v); *get(s) = n }}
}

// boolS builds a yes/no field.
func boolS(k, label, help string, get func(*wizard.Settings) *bool) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindBool,
		getB: func(s *wizard.Settings) bool { return *get(s) },
		setB: func(s *wizard.Settings, v bool) { *get(s) = v }}
}

// listS builds a list-of-strings field typed comma-separated.
func listS(k, label, help string, get func(*wizard.Settings) *[]string) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindList,
		get: func(s *wizard.Settings) string { return joinList(*get(s)) },
		set: func(s *wizard.Settings, v string) { *get(s) = splitList(v) }}
}

// choiceS builds a one-of-a-few field.
func choiceS(k, label, help string, get func(*wizard.Settings) *string, choices ...choice) *field {
	f := textS(k, label, help, get)
	f.Kind = kindChoice
	f.Choice = choices
	return f
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
func (m *Model) connectionFields() []*field {
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
		{Key: "ui.test", Label: "Test the connection", Kind: kindButton, Action: actionTest,
			Help: "Runs DNS, TCP, TLS, RootDSE and sign-in checks with the settings above (ctrl+t)."},
	}
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
	m.forms[wizard.ScreenConnection].load(s)
}

// usersFields lists the Users screen.
func usersFields() []*field {
	u := func(s *wizard.Settings) *wizard.Users { return &s.Users }
	base := textS("users.search_base", "Where users are", "The branch holding the users (whole subtree); ctrl+b browses.", func(s *wizard.Settings) *string { return &u(s).SearchBase })
	base.Pick = pickUserBase
	oc := textS("users.object_class", "User object class", "Entries of this class are users, e.g. inetOrgPerson; ctrl+o lists.", func(s *wizard.Settings) *string { return &u(s).ObjectClass })
	oc.Pick = pickUserClass
	un := textS("users.username_attribute", "Username attribute", "Holds the login name; must be unique. ctrl+o lists candidates.", func(s *wizard.Settings) *string { return &u(s).UsernameAttribute })
	un.Pick = pickUserAttr
	rdn := textS("users.rdn_attribute", "Naming attribute", "Names new entries in the directory; empty means the username attribute.", func(s *wizard.Settings) *string { return &u(s).RDNAttribute })
	rdn.Pick = pickUserAttr
	attr := func(k, label, help string, get func(*wizard.Settings) *string) *field {
		f := textS(k, label, help, get)
		f.Pick = pickUserAttr
		return f
	}
	return []*field{
		base, oc,
		textS("users.filter", "Extra filter", "Optional LDAP filter users must also match, e.g. (mail=*).", func(s *wizard.Settings) *string { return &u(s).Filter }),
		un, rdn,
		attr("users.member_attribute", "Groups-of-user attribute", "On a user, the DNs of its groups (usually memberOf).", func(s *wizard.Settings) *string { return &u(s).MemberAttribute }),
		attr("users.attributes.email", "E-mail from", "Directory attribute for the e-mail address; empty: not synchronized.", func(s *wizard.Settings) *string { return &u(s).Attributes.Email }),
		attr("users.attributes.first_name", "First name from", "Directory attribute for the first name.", func(s *wizard.Settings) *string { return &u(s).Attributes.FirstName }),
		attr("users.attributes.last_name", "Last name from", "Directory attribute for the last name.", func(s *wizard.Settings) *string { return &u(s).Attributes.LastName }),
		attr("users.attributes.phone", "Phone from", "Directory attribute for the phone number.", func(s *wizard.Settings) *string { return &u(s).Attributes.Phone }),
		listS("users.additional_object_classes", "Extra classes for new users", "Comma-separated object classes added to users ldapwiz creates.", func(s *wizard.Settings) *[]string { return &u(s).AdditionalObjectClasses }),
	}
}

// groupsFields lists the Groups screen.
func groupsFields() []*field {
	g := func(s *wizard.Settings) *wizard.Groups { return &s.Groups }
	base := textS("groups.search_base", "Where groups are", "The branch holding the groups (whole subtree); ctrl+b browses.", func(s *wizard.Settings) *string { return &g(s).SearchBase })
	base.Pick = pickGroupBase
	oc := textS("groups.object_class", "Group object class", "Entries of this class are groups, e.g. groupOfNames; ctrl+o lists.", func(s *wizard.Settings) *string { return &g(s).ObjectClass })
	oc.Pick = pickGroupClass
	name := textS("groups.name_attribute", "Group name attribute", "Holds the group's name; must be unique. ctrl+o lists candidates.", func(s *wizard.Settings) *string { return &g(s).NameAttribute })
	name.Pick = pickGroupAttr
	mem := textS("groups.member_attribute", "Members attribute", "On a group, its members' DNs (usually member).", func(s *wizard.Settings) *string { return &g(s).MemberAttribute })
	mem.Pick = pickGroupAttr
	only := listS("groups.sync_only", "Only members of", "Limit sync to members of these groups; empty: all users. ctrl+o picks.", func(s *wizard.Settings) *[]string { return &g(s).SyncOnly })
	only.Pick = pickGroups
	return []*field{base, oc, name, mem, only}
}

// syncFields lists the Synchronization screen.
func syncFields() []*field {
	y := func(s *wizard.Settings) *wizard.Sync { return &s.Sync }
	auth := choiceS("sync.authority", "Who wins a conflict", "When a field changed on both sides since the last sync.", func(s *wizard.Settings) *string { return &y(s).Authority },
		choice{wizard.AuthorityLDAP, "the directory"}, choice{wizard.AuthorityStore, "the store"})
	auth.disabled = func(s wizard.Settings) string {
		if s.Sync.Mode != wizard.ModeTwoWay {
			return "Only matters in two-way mode: one side is read-only otherwise."
		}
		return ""
	}
	return []*field{
		choiceS("sync.mode", "Direction", "import: directory → store; one-way: store → directory; two-way: both.", func(s *wizard.Settings) *string { return &y(s).Mode },
			choice{wizard.ModeImport, "import"}, choice{wizard.ModeOneWay, "one-way"}, choice{wizard.ModeTwoWay, "two-way"}),
		auth,
		textS("sync.max_delete", "Delete at most", "A run deleting more stops unless --force: a number or a percentage, e.g. 10%.", func(s *wizard.Settings) *string { return &y(s).MaxDelete }),
		textS("sync.interval", "Repeat every", "Time between runs of sync --watch, e.g. 5m.", func(s *wizard.Settings) *string { return &y(s).Interval }),
		textS("store.path", "User database file", "The application's SQLite database that ldapwiz keeps in sync.", func(s *wizard.Settings) *string { return &s.Store.Path }),
	}
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
	}
}
