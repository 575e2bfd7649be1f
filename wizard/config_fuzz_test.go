package wizard

import (
	"strings"
	"testing"

	"ldapwiz/config"
)

// fuzzSecret is the bind password the fuzzed files carry; no error or
// problem may ever show it.
const fuzzSecret = "Fuzz-S3cret-Pw"

// FuzzLoadAndValidate decodes arbitrary TOML into the settings and validates
// them: never a panic, and the secret in bind_password (or smtp's password
// file contents) never appears in a load error or a problem.
func FuzzLoadAndValidate(f *testing.F) {
	for _, s := range []string{
		"[connection]\nurl = \"ldaps://ldap.example.com\"\nbind_dn = \"cn=admin,dc=example,dc=com\"\nbind_password = \"" + fuzzSecret + "\"\n",
		"[connection]\nbind_password = " + fuzzSecret + "\n",
		"[connection]\nbind_password = \"" + fuzzSecret + "\n",
		"[connection\nurl = \"x\"\n",
		"[users]\nserach_base = \"x\"\nfilter = \"(" + strings.Repeat("(", 50) + "\"\n",
		"[sync]\nmode = 3\nmax_delete = \"200%\"\n[store]\npath = \"\"\n",
		"[[connection]]\n", "x = [1, \"a\"]\n", "[smtp]\npassword_file = \"" + fuzzSecret + "\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := Default()
		err := config.DecodeTOML("fuzz.toml", []byte(text), &s)
		if err != nil && strings.Contains(err.Error(), fuzzSecret) && !secretInKey(text) {
			t.Fatalf("a load error shows the secret: %v", err)
		}
		if err != nil {
			return
		}
		for _, p := range Validate(s, ValidateOptions{
			Getenv:   func(string) string { return fuzzSecret },
			ReadFile: func(string) ([]byte, error) { return []byte(fuzzSecret), nil },
		}) {
			if strings.Contains(p.Message, fuzzSecret) && !strings.Contains(text, "password_file = \""+fuzzSecret) && !secretOutsidePasswords(s) {
				t.Fatalf("problem %s shows the secret: %s", p.Setting, p.Message)
			}
		}
	})
}

// secretInKey reports whether the fuzzed text used the secret as a key or
// table name, which a load error may rightly name.
func secretInKey(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		k, _, found := strings.Cut(line, "=")
		if strings.Contains(k, fuzzSecret) || !found && strings.Contains(line, fuzzSecret) {
			return true
		}
	}
	return false
}

// secretOutsidePasswords reports whether the fuzzed settings put the secret
// in a setting that is not a secret (a URL, a DN, a file name), where
// quoting it back is right.
func secretOutsidePasswords(s Settings) bool {
	c := s
	c.Connection.BindPassword = ""
	return strings.Contains(strings.Join([]string{
		c.Connection.URL, c.Connection.BindDN, c.Connection.BindPasswordFile, c.Connection.BindPasswordEnv, c.Connection.CAFile,
		c.Connection.Timeout, c.Users.SearchBase, c.Users.ObjectClass, c.Users.Filter, c.Users.UsernameAttribute,
		c.Users.RDNAttribute, c.Users.MemberAttribute, strings.Join(c.Users.AdditionalObjectClasses, " "),
		c.Users.Attributes.Email, c.Users.Attributes.FirstName, c.Users.Attributes.LastName, c.Users.Attributes.Phone,
		c.Groups.SearchBase, c.Groups.ObjectClass, c.Groups.NameAttribute, c.Groups.MemberAttribute, strings.Join(c.Groups.SyncOnly, " "),
		c.Sync.Mode, c.Sync.Authority, c.Sync.MaxDelete, c.Sync.Interval, c.Enrollment.InviteURL, c.Enrollment.TokenTTL,
		c.SMTP.Host, c.SMTP.From, c.SMTP.TLS, c.SMTP.Username, c.SMTP.PasswordFile, c.SMTP.PasswordEnv, c.Store.Path,
	}, "\x00"), fuzzSecret)
}
