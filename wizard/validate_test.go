package wizard

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Secret values used by the tests; no problem message may ever contain them.
const (
	inlineSecret = "Inline-S3cret-Value"
	envSecret    = "Env-S3cret-Value"
	fileSecret   = "File-S3cret-Value"
)

// testEnv is a controlled environment: a temp dir with a password file, a
// CA file, garbage and an empty file, and fake environment variables.
type testEnv struct {
	dir, pwFile, emptyFile, caFile, junkFile string
	vars                                     map[string]string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	e := &testEnv{
		dir:       dir,
		pwFile:    filepath.Join(dir, "bind.pw"),
		emptyFile: filepath.Join(dir, "empty.pw"),
		caFile:    filepath.Join(dir, "ca.pem"),
		junkFile:  filepath.Join(dir, "junk.pem"),
		vars:      map[string]string{"LDAP_PW": envSecret, "SMTP_PW": envSecret},
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(e.pwFile, fileSecret+"\n")
	write(e.emptyFile, "\n")
	write(e.caFile, string(selfSignedPEM(t)))
	write(e.junkFile, "this is not a certificate\n"+fileSecret)
	return e
}

func (e *testEnv) opts() ValidateOptions {
	return ValidateOptions{Getenv: func(k string) string { return e.vars[k] }}
}

// valid returns settings that produce no problem at all in this environment.
func (e *testEnv) valid() Settings {
	s := Default()
	s.Connection.BindDN = "cn=admin,dc=example,dc=com"
	s.Connection.BindPasswordEnv = "LDAP_PW"
	s.Store.Path = filepath.Join(e.dir, "ldapwiz.db")
	return s
}

func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestValidSettingsHaveNoProblems(t *testing.T) {
	e := newTestEnv(t)
	if ps := Validate(e.valid(), e.opts()); len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%s", renderProblems(ps))
	}
}

func renderProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + " [" + string(p.Screen) + "]\n")
	}
	return b.String()
}

// badCase is one bad setting: a change to valid settings and the problem
// it must produce.
type badCase struct {
	name     string
	mutate   func(s *Settings, e *testEnv)
	setting  string
	severity Severity
	contains string // a phrase the message must hold (case-insensitive); "" = any
}

func badCases() []badCase {
	url := func(u string) func(*Settings, *testEnv) {
		return func(s *Settings, _ *testEnv) { s.Connection.URL = u }
	}
	return []badCase{
		// connection.url
		{"empty url", url(""), "connection.url", Error, "is empty"},
		{"url without scheme", url("ldap.example.com"), "connection.url", Error, "no scheme"},
		{"http scheme", url("http://ldap.example.com"), "connection.url", Error, `scheme "http" is not supported`},
		{"ldapi scheme", url("ldapi:///run/slapd.sock"), "connection.url", Error, "ldapi"},
		{"ipv6 without brackets", url("ldap://::1:389"), "connection.url", Error, "brackets"},
		{"bracketed non-ipv6", url("ldap://[example.com]:389"), "connection.url", Error, ""},
		{"port out of range", url("ldap://localhost:99999"), "connection.url", Error, "65535"},
		{"port not a number", url("ldap://localhost:ldap"), "connection.url", Error, "65535"},
		{"port zero", url("ldap://localhost:0"), "connection.url", Error, "65535"},
		{"dangling colon", url("ldap://localhost:"), "connection.url", Error, "colon"},
		{"url with base DN path", url("ldap://localhost/dc=example,dc=com??sub"), "connection.url", Error, "path"},
		{"url with query", url("ldap://localhost?base"), "connection.url", Error, "query"},
		{"url with user info", url("ldap://admin:pw@localhost"), "connection.url", Error, "bind_dn"},
		{"url without host", url("ldaps://"), "connection.url", Error, "no host"},
		{"invalid host name", url("ldap://bad!host"), "connection.url", Error, "not a valid host"},
		{"url with spaces", url("ldap://local host"), "connection.url", Error, "spaces"},
		{"ldap on port 636", url("ldap://localhost:636"), "connection.url", Warning, "ldaps://"},
		{"ldaps on port 389", url("ldaps://localhost:389"), "connection.url", Warning, "389"},
		// TLS
		{"starttls with ldaps", func(s *Settings, _ *testEnv) { s.Connection.URL = "ldaps://localhost"; s.Connection.StartTLS = true },
			"connection.start_tls", Error, "already encrypted"},
		{"verify_tls off", func(s *Settings, _ *testEnv) { s.Connection.VerifyTLS = false }, "connection.verify_tls", Warning, "not verified"},
		{"cleartext bind to remote host", url("ldap://ldap.example.com"), "connection.start_tls", Warning, "unencrypted"},
		{"ca_file missing", func(s *Settings, e *testEnv) { s.Connection.CAFile = filepath.Join(e.dir, "nope.pem") }, "connection.ca_file", Error, "cannot read"},
		{"ca_file not PEM", func(s *Settings, e *testEnv) { s.Connection.CAFile = e.junkFile }, "connection.ca_file", Error, "no PEM certificate"},
		{"ca_file unused without TLS", func(s *Settings, e *testEnv) { s.Connection.CAFile = e.caFile }, "connection.ca_file", Warning, "not used"},
		// bind DN
		{"bind dn without =", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "admin" }, "connection.bind_dn", Error, "not a valid DN"},
		{"bind dn empty RDN", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "cn=admin,,dc=example,dc=com" }, "connection.bind_dn", Error, "not a valid DN"},
		{"bind dn trailing comma", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "cn=admin,dc=example," }, "connection.bind_dn", Error, "empty part"},
		{"bind dn bad escape", func(s *Settings, _ *testEnv) { s.Connection.BindDN = `cn=a\zz,dc=example` }, "connection.bind_dn", Error, "escape"},
		{"bind dn empty value", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "cn=,dc=example" }, "connection.bind_dn", Error, "no value"},
		{"anonymous bind", func(s *Settings, _ *testEnv) { s.Connection.BindDN = ""; s.Connection.BindPasswordEnv = "" }, "connection.bind_dn", Warning, "anonymous"},
		{"password with anonymous bind", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "" }, "connection.bind_password_env", Warning, "not used"},
		{"UPN without active_directory", func(s *Settings, _ *testEnv) { s.Connection.BindDN = "admin@example.com" }, "connection.bind_dn", Error, "active_directory = true"},
		{"DOMAIN\\user without active_directory", func(s *Settings, _ *testEnv) { s.Connection.BindDN = `EXAMPLE\admin` }, "connection.bind_dn", Error, "active_directory = true"},
		// bind password sources
		{"no password source", func(s *Settings, _ *testEnv) { s.Connection.BindPasswordEnv = "" }, "connection.bind_password_file", Error, "no bind password source"},
		{"two password sources", func(s *Settings, e *testEnv) { s.Connection.BindPasswordFile = e.pwFile }, "connection.bind_password_env", Error, "exactly one"},
		{"three password sources", func(s *Settings, e *testEnv) {
			s.Connection.BindPasswordFile = e.pwFile
			s.Connection.BindPassword = inlineSecret
		},
			"connection.bind_password_env", Error, "bind_password_file and connection.bind_password_env and connection.bind_password"},
		{"inline password", func(s *Settings, _ *testEnv) {
			s.Connection.BindPasswordEnv = ""
			s.Connection.BindPassword = inlineSecret
		}, "connection.bind_password", Warning, "bind_password_file"},
		{"password file missing", func(s *Settings, e *testEnv) {
			s.Connection.BindPasswordEnv = ""
			s.Connection.BindPasswordFile = filepath.Join(e.dir, "missing.pw")
		}, "connection.bind_password_file", Error, "missing.pw: no such file"},
		{"password file empty", func(s *Settings, e *testEnv) {
			s.Connection.BindPasswordEnv = ""
			s.Connection.BindPasswordFile = e.emptyFile
		}, "connection.bind_password_file", Error, "is empty"},
		{"password file is a directory", func(s *Settings, e *testEnv) {
			s.Connection.BindPasswordEnv = ""
			s.Connection.BindPasswordFile = e.dir
		}, "connection.bind_password_file", Error, "cannot read"},
		{"password env unset", func(s *Settings, _ *testEnv) { s.Connection.BindPasswordEnv = "NOT_SET" }, "connection.bind_password_env", Error, "NOT_SET is not set"},
		{"password env holds the password", func(s *Settings, _ *testEnv) { s.Connection.BindPasswordEnv = "hunter2!" }, "connection.bind_password_env", Error, "not the password itself"},
		// timeout and paging
		{"timeout without unit", func(s *Settings, _ *testEnv) { s.Connection.Timeout = "10" }, "connection.timeout", Error, "unit is required"},
		{"timeout negative", func(s *Settings, _ *testEnv) { s.Connection.Timeout = "-5s" }, "connection.timeout", Error, "longer than zero"},
		{"timeout empty", func(s *Settings, _ *testEnv) { s.Connection.Timeout = "" }, "connection.timeout", Error, "is empty"},
		{"timeout in days", func(s *Settings, _ *testEnv) { s.Connection.Timeout = "1d" }, "connection.timeout", Error, "days"},
		{"page size zero", func(s *Settings, _ *testEnv) { s.Connection.PageSize = 0 }, "connection.page_size", Error, "1 to 10000"},
		{"page size too big", func(s *Settings, _ *testEnv) { s.Connection.PageSize = 20000 }, "connection.page_size", Error, "1 to 10000"},
		{"AD page size over 1000", func(s *Settings, _ *testEnv) {
			s.Connection.ActiveDirectory = true
			s.Connection.URL = "ldaps://localhost"
			s.Users.UsernameAttribute = "sAMAccountName"
			s.Connection.PageSize = 5000
		}, "connection.page_size", Warning, "MaxPageSize"},
		// users
		{"users base empty", func(s *Settings, _ *testEnv) { s.Users.SearchBase = "" }, "users.search_base", Error, "is empty"},
		{"users base not a DN", func(s *Settings, _ *testEnv) { s.Users.SearchBase = "people" }, "users.search_base", Error, "not a valid DN"},
		{"users base unescaped comma", func(s *Settings, _ *testEnv) { s.Users.SearchBase = "ou=Sales, Europe,dc=example" }, "users.search_base", Error, `\,`},
		{"users base bad attribute type", func(s *Settings, _ *testEnv) { s.Users.SearchBase = "o_u=people,dc=example" }, "users.search_base", Error, "not an attribute name"},
		{"object class empty", func(s *Settings, _ *testEnv) { s.Users.ObjectClass = "" }, "users.object_class", Error, "required"},
		{"object class underscore", func(s *Settings, _ *testEnv) { s.Users.ObjectClass = "inet_org_person" }, "users.object_class", Error, "underscores"},
		{"additional object class invalid", func(s *Settings, _ *testEnv) {
			s.Users.AdditionalObjectClasses = []string{"posixAccount", "shadow account"}
		},
			"users.additional_object_classes", Error, `"shadow account"`},
		{"additional object class empty", func(s *Settings, _ *testEnv) { s.Users.AdditionalObjectClasses = []string{""} }, "users.additional_object_classes", Error, "empty"},
		{"username attribute empty", func(s *Settings, _ *testEnv) { s.Users.UsernameAttribute = "" }, "users.username_attribute", Error, "required"},
		{"username attribute starts with digit", func(s *Settings, _ *testEnv) { s.Users.UsernameAttribute = "1uid" }, "users.username_attribute", Error, "numeric OID"},
		{"rdn attribute with space", func(s *Settings, _ *testEnv) { s.Users.RDNAttribute = "c n" }, "users.rdn_attribute", Error, "no spaces"},
		{"member attribute with option", func(s *Settings, _ *testEnv) { s.Users.MemberAttribute = "memberOf;range=0-10" }, "users.member_attribute", Error, "options"},
		{"member attribute padded", func(s *Settings, _ *testEnv) { s.Users.MemberAttribute = " memberOf" }, "users.member_attribute", Error, "spaces around"},
		{"filter unbalanced", func(s *Settings, _ *testEnv) { s.Users.Filter = "(&(mail=*)" }, "users.filter", Error, "not a valid LDAP filter"},
		{"filter two parts", func(s *Settings, _ *testEnv) { s.Users.Filter = "(mail=*)(sn=*)" }, "users.filter", Error, "(&...)"},
		{"filter without parens invalid", func(s *Settings, _ *testEnv) { s.Users.Filter = "mail" }, "users.filter", Error, "parentheses added"},
		{"email attribute invalid", func(s *Settings, _ *testEnv) { s.Users.Attributes.Email = "e-mail!" }, "users.attributes.email", Error, "not a valid attribute"},
		{"first name attribute invalid", func(s *Settings, _ *testEnv) { s.Users.Attributes.FirstName = "given name" }, "users.attributes.first_name", Error, ""},
		{"last name attribute invalid", func(s *Settings, _ *testEnv) { s.Users.Attributes.LastName = "s_n" }, "users.attributes.last_name", Error, ""},
		{"phone attribute invalid", func(s *Settings, _ *testEnv) { s.Users.Attributes.Phone = "tel.phone" }, "users.attributes.phone", Error, ""},
		{"AD with uid", func(s *Settings, _ *testEnv) {
			s.Connection.ActiveDirectory = true
			s.Connection.URL = "ldaps://localhost"
		},
			"users.username_attribute", Warning, "sAMAccountName"},
		// groups
		{"groups base empty", func(s *Settings, _ *testEnv) { s.Groups.SearchBase = "" }, "groups.search_base", Error, "is empty"},
		{"groups base not a DN", func(s *Settings, _ *testEnv) { s.Groups.SearchBase = "dc=example,,dc=com" }, "groups.search_base", Error, "not a valid DN"},
		{"group object class empty", func(s *Settings, _ *testEnv) { s.Groups.ObjectClass = "" }, "groups.object_class", Error, "required"},
		{"group name attribute invalid", func(s *Settings, _ *testEnv) { s.Groups.NameAttribute = "-cn" }, "groups.name_attribute", Error, ""},
		{"group member attribute empty", func(s *Settings, _ *testEnv) { s.Groups.MemberAttribute = "" }, "groups.member_attribute", Error, "required"},
		{"sync_only duplicate", func(s *Settings, _ *testEnv) { s.Groups.SyncOnly = []string{"admins", "Admins"} }, "groups.sync_only", Warning, "more than once"},
		{"sync_only empty name", func(s *Settings, _ *testEnv) { s.Groups.SyncOnly = []string{"admins", " "} }, "groups.sync_only", Error, "entry 2"},
		{"sync_only DN", func(s *Settings, _ *testEnv) { s.Groups.SyncOnly = []string{"cn=admins,ou=groups,dc=example,dc=com"} }, "groups.sync_only", Warning, `"admins"`},
		// sync
		{"mode unknown", func(s *Settings, _ *testEnv) { s.Sync.Mode = "both" }, "sync.mode", Error, `"both"`},
		{"authority unknown", func(s *Settings, _ *testEnv) { s.Sync.Authority = "directory" }, "sync.authority", Error, `"ldap" or "store"`},
		{"max_delete word", func(s *Settings, _ *testEnv) { s.Sync.MaxDelete = "ten" }, "sync.max_delete", Error, "percentage"},
		{"max_delete over 100%", func(s *Settings, _ *testEnv) { s.Sync.MaxDelete = "150%" }, "sync.max_delete", Error, "0% to 100%"},
		{"max_delete negative", func(s *Settings, _ *testEnv) { s.Sync.MaxDelete = "-1" }, "sync.max_delete", Error, ""},
		{"max_delete empty", func(s *Settings, _ *testEnv) { s.Sync.MaxDelete = "" }, "sync.max_delete", Error, "100%"},
		{"interval bad", func(s *Settings, _ *testEnv) { s.Sync.Interval = "5 minutes" }, "sync.interval", Error, "not a duration"},
		{"interval zero", func(s *Settings, _ *testEnv) { s.Sync.Interval = "0s" }, "sync.interval", Error, "longer than zero"},
		{"AD password writes over plain ldap", func(s *Settings, _ *testEnv) {
			s.Connection.ActiveDirectory = true
			s.Users.UsernameAttribute = "sAMAccountName"
			s.Sync.Mode = ModeOneWay
		}, "connection.start_tls", Error, "refuses password changes"},
		// enrollment
		{"auto_invite without enabled", func(s *Settings, _ *testEnv) {
			s.Enrollment.AutoInvite = true
			s.Enrollment.InviteURL = "https://app.example.com/enroll"
		},
			"enrollment.auto_invite", Error, "enabled = true"},
		{"auto_invite without invite_url", func(s *Settings, _ *testEnv) { s.Enrollment.Enabled = true; s.Enrollment.AutoInvite = true }, "enrollment.invite_url", Error, "set invite_url"},
		{"invite_url not http", func(s *Settings, _ *testEnv) { s.Enrollment.InviteURL = "ftp://app.example.com/enroll" }, "enrollment.invite_url", Error, "https://"},
		{"invite_url relative", func(s *Settings, _ *testEnv) { s.Enrollment.InviteURL = "/enroll" }, "enrollment.invite_url", Error, ""},
		{"auto_invite without smtp", func(s *Settings, _ *testEnv) {
			s.Enrollment.Enabled = true
			s.Enrollment.AutoInvite = true
			s.Enrollment.InviteURL = "https://app.example.com/enroll"
		}, "smtp.host", Warning, "queued"},
		{"auto_invite without email attribute", func(s *Settings, _ *testEnv) {
			s.Enrollment.Enabled = true
			s.Enrollment.AutoInvite = true
			s.Enrollment.InviteURL = "https://app.example.com/enroll"
			s.Users.Attributes.Email = ""
		}, "users.attributes.email", Error, "e-mail attribute"},
		{"token_ttl zero", func(s *Settings, _ *testEnv) { s.Enrollment.TokenTTL = "0" }, "enrollment.token_ttl", Error, ""},
		{"token_ttl in days", func(s *Settings, _ *testEnv) { s.Enrollment.TokenTTL = "2d" }, "enrollment.token_ttl", Error, "48h"},
		// smtp
		{"smtp port out of range", func(s *Settings, _ *testEnv) { s.SMTP.Port = 70000 }, "smtp.port", Error, "65535"},
		{"smtp port zero with host", func(s *Settings, _ *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.Port = 0
		}, "smtp.port", Error, ""},
		{"smtp tls unknown", func(s *Settings, _ *testEnv) { s.SMTP.TLS = "ssl" }, "smtp.tls", Error, `"starttls", "tls" or "none"`},
		{"smtp from missing", func(s *Settings, _ *testEnv) { s.SMTP.Host = "smtp.example.com" }, "smtp.from", Error, "sender address is empty"},
		{"smtp from not an address", func(s *Settings, _ *testEnv) { s.SMTP.Host = "smtp.example.com"; s.SMTP.From = "ldapwiz" }, "smtp.from", Error, "not an e-mail address"},
		{"smtp host is a URL", func(s *Settings, _ *testEnv) { s.SMTP.Host = "smtp://smtp.example.com"; s.SMTP.From = "a@example.com" }, "smtp.host", Error, "without a scheme"},
		{"smtp user without password", func(s *Settings, _ *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.Username = "mailer"
		},
			"smtp.password_file", Error, "no password source"},
		{"smtp two password sources", func(s *Settings, e *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.Username = "mailer"
			s.SMTP.PasswordFile = e.pwFile
			s.SMTP.PasswordEnv = "SMTP_PW"
		}, "smtp.password_env", Error, "exactly one"},
		{"smtp password over plain", func(s *Settings, _ *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.Username = "mailer"
			s.SMTP.PasswordEnv = "SMTP_PW"
			s.SMTP.TLS = SMTPNone
			s.SMTP.Port = 25
		}, "smtp.tls", Warning, "unencrypted"},
		{"smtp tls on 587", func(s *Settings, _ *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.TLS = SMTPTLS
		}, "smtp.port", Warning, "465"},
		{"smtp verify off", func(s *Settings, _ *testEnv) {
			s.SMTP.Host = "smtp.example.com"
			s.SMTP.From = "a@example.com"
			s.SMTP.VerifyTLS = false
		}, "smtp.verify_tls", Warning, ""},
		// store
		{"store path empty", func(s *Settings, _ *testEnv) { s.Store.Path = "" }, "store.path", Error, "is empty"},
		{"store dir missing", func(s *Settings, e *testEnv) { s.Store.Path = filepath.Join(e.dir, "no", "such", "x.db") }, "store.path", Error, "does not exist"},
		{"store path is a directory", func(s *Settings, e *testEnv) { s.Store.Path = e.dir }, "store.path", Error, "is a directory"},
		{"store parent is a file", func(s *Settings, e *testEnv) { s.Store.Path = filepath.Join(e.pwFile, "x.db") }, "store.path", Error, ""},
	}
}

func TestValidateBadSettings(t *testing.T) {
	e := newTestEnv(t)
	cases := badCases()
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			s := e.valid()
			tc.mutate(&s, e)
			ps := Validate(s, e.opts())
			found := false
			for _, p := range ps {
				if p.Setting == tc.setting && p.Severity == tc.severity &&
					strings.Contains(strings.ToLower(p.Message), strings.ToLower(tc.contains)) {
					found = true
					if p.Screen != ScreenFor(p.Setting) || p.Screen == "" {
						t.Errorf("screen %q for %s", p.Screen, p.Setting)
					}
				}
			}
			if !found {
				t.Fatalf("want %s on %s containing %q; got:\n%s", tc.severity, tc.setting, tc.contains, renderProblems(ps))
			}
			assertNoSecrets(t, ps)
			if strings.Contains(tc.name, "user info") {
				for _, p := range ps {
					if strings.Contains(p.Message, "pw") {
						t.Fatalf("URL password leaked: %s", p)
					}
				}
			}
		})
	}
}

func assertNoSecrets(t *testing.T, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		for _, s := range []string{inlineSecret, envSecret, fileSecret} {
			if strings.Contains(p.String(), s) {
				t.Fatalf("problem leaks a secret: %s", p)
			}
		}
	}
}

func TestValidateAcceptsGoodVariants(t *testing.T) {
	e := newTestEnv(t)
	cases := map[string]func(s *Settings){
		"ipv6 loopback":       func(s *Settings) { s.Connection.URL = "ldap://[::1]:389" },
		"ipv6 ldaps no port":  func(s *Settings) { s.Connection.URL = "ldaps://[2001:db8::1]" },
		"upper-case scheme":   func(s *Settings) { s.Connection.URL = "LDAP://LocalHost:1389/" },
		"ldaps with ca_file":  func(s *Settings) { s.Connection.URL = "ldaps://127.0.0.1:1636"; s.Connection.CAFile = e.caFile },
		"starttls":            func(s *Settings) { s.Connection.URL = "ldap://ldap.example.com"; s.Connection.StartTLS = true },
		"escaped comma in DN": func(s *Settings) { s.Connection.BindDN = `cn=Doe\, John,ou=people,dc=example,dc=com` },
		"hex escape in DN":    func(s *Settings) { s.Users.SearchBase = `ou=Sales\2C Europe,dc=example,dc=com` },
		"non-ASCII DN":        func(s *Settings) { s.Users.SearchBase = "ou=Müller Ærø,dc=example,dc=com" },
		"multi-valued RDN":    func(s *Settings) { s.Groups.SearchBase = "ou=groups+l=Berlin,dc=example,dc=com" },
		"OID attribute":       func(s *Settings) { s.Groups.NameAttribute = "2.5.4.3" },
		"filter without parens": func(s *Settings) {
			s.Users.Filter = "mail=*"
		},
		"complex filter":   func(s *Settings) { s.Users.Filter = "(&(objectClass=person)(!(uid=guest))(|(mail=*)(sn=Doe\\2a)))" },
		"password file":    func(s *Settings) { s.Connection.BindPasswordEnv = ""; s.Connection.BindPasswordFile = e.pwFile },
		"max_delete count": func(s *Settings) { s.Sync.MaxDelete = "25" },
		"max_delete decimal percent": func(s *Settings) {
			s.Sync.MaxDelete = "2.5%"
		},
		"AD with UPN over ldaps": func(s *Settings) {
			s.Connection.URL = "ldaps://dc1.example.test"
			s.Connection.ActiveDirectory = true
			s.Connection.BindDN = "Administrator@example.test"
			s.Users.UsernameAttribute = "sAMAccountName"
		},
		"AD with DOMAIN\\user and StartTLS": func(s *Settings) {
			s.Connection.URL = "ldap://dc1.example.test"
			s.Connection.StartTLS = true
			s.Connection.ActiveDirectory = true
			s.Connection.BindDN = `EXAMPLE\ldapwiz`
			s.Users.UsernameAttribute = "sAMAccountName"
		},
		"AD import over plain ldap on loopback": func(s *Settings) {
			s.Connection.ActiveDirectory = true
			s.Users.UsernameAttribute = "sAMAccountName"
			s.Sync.Mode = ModeImport
		},
		"full enrollment with smtp": func(s *Settings) {
			s.Enrollment = Enrollment{Enabled: true, AutoInvite: true, InviteURL: "https://app.example.com/enroll", TokenTTL: "72h"}
			s.SMTP = SMTP{Host: "smtp.example.com", Port: 465, From: "ldapwiz <noreply@example.com>", TLS: SMTPTLS, VerifyTLS: true, Username: "mailer", PasswordEnv: "SMTP_PW"}
		},
		"relative store path": func(s *Settings) { s.Store.Path = "ldapwiz.db" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			s := e.valid()
			mutate(&s)
			if ps := Validate(s, e.opts()); len(ps) != 0 {
				t.Fatalf("want no problems, got:\n%s", renderProblems(ps))
			}
		})
	}
}

func TestValidateReportsAllProblemsAtOnce(t *testing.T) {
	e := newTestEnv(t)
	s := e.valid()
	s.Connection.URL = "http://x"
	s.Connection.BindDN = "admin"
	s.Connection.BindPasswordEnv = ""
	s.Users.SearchBase = "people"
	s.Sync.Mode = "sideways"
	ps := Validate(s, e.opts())
	want := []string{"connection.url", "connection.bind_dn", "connection.bind_password_file", "users.search_base", "sync.mode"}
	for _, w := range want {
		found := false
		for _, p := range ps {
			found = found || p.Setting == w && p.Severity == Error
		}
		if !found {
			t.Errorf("missing error on %s:\n%s", w, renderProblems(ps))
		}
	}
	if !HasErrors(ps) {
		t.Fatal("HasErrors = false")
	}
	// Problems come grouped by screen in flow order.
	order := map[Screen]int{ScreenConnection: 0, ScreenUsers: 1, ScreenGroups: 2, ScreenSync: 3, ScreenEnrollment: 4, ScreenReview: 5}
	for i := 1; i < len(ps); i++ {
		if order[ps[i].Screen] < order[ps[i-1].Screen] {
			t.Fatalf("out of screen order:\n%s", renderProblems(ps))
		}
	}
}

func TestValidateDefaultOptionsUseOS(t *testing.T) {
	e := newTestEnv(t)
	s := e.valid()
	s.Connection.BindPasswordEnv = "LDAPWIZ_TEST_ENV_PW"
	t.Setenv("LDAPWIZ_TEST_ENV_PW", envSecret)
	if ps := Validate(s, ValidateOptions{}); len(ps) != 0 {
		t.Fatalf("want no problems with real env, got:\n%s", renderProblems(ps))
	}
}

func TestScreenFor(t *testing.T) {
	cases := map[string]Screen{
		"connection.url": ScreenConnection, "users.attributes.email": ScreenUsers, "groups.sync_only": ScreenGroups,
		"sync.mode": ScreenSync, "enrollment.enabled": ScreenEnrollment, "smtp.host": ScreenEnrollment,
		"store.path": ScreenSync, "bogus": ScreenReview,
	}
	for in, want := range cases {
		if got := ScreenFor(in); got != want {
			t.Errorf("ScreenFor(%q) = %q, want %q", in, got, want)
		}
	}
}

// problemCase is one setting made wrong and the problem Validate must report
// for it: on setting, at severity, with a message containing contains.
type problemCase struct {
	name, setting string
	severity      Severity
	contains      string
	mutate        func(*Settings)
}

// checkProblemCases runs each case against e.valid() and wants its problem
// reported on the screen screen(setting) names.
func checkProblemCases(t *testing.T, e *testEnv, cases []problemCase, screen func(setting string) Screen) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := e.valid()
			tc.mutate(&s)
			ps := Validate(s, e.opts())
			for _, p := range ps {
				if p.Setting == tc.setting && p.Severity == tc.severity && strings.Contains(p.Message, tc.contains) {
					if want := screen(tc.setting); p.Screen != want {
						t.Errorf("screen %q for %s, want %q", p.Screen, tc.setting, want)
					}
					return
				}
			}
			t.Fatalf("want %s on %s containing %q; got:\n%s", tc.severity, tc.setting, tc.contains, renderProblems(ps))
		})
	}
}
