package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveBindPassword(t *testing.T) {
	e := newTestEnv(t)
	getenv := func(k string) string { return e.vars[k] }
	crlf := filepath.Join(e.dir, "crlf.pw")
	if err := os.WriteFile(crlf, []byte("pa ss\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		name string
		c    Connection
		want string
	}{
		{"file, newline trimmed", Connection{BindDN: "cn=a", BindPasswordFile: e.pwFile}, fileSecret},
		{"file, CRLF trimmed, inner space kept", Connection{BindDN: "cn=a", BindPasswordFile: crlf}, "pa ss"},
		{"env", Connection{BindDN: "cn=a", BindPasswordEnv: "LDAP_PW"}, envSecret},
		{"inline", Connection{BindDN: "cn=a", BindPassword: inlineSecret}, inlineSecret},
		{"anonymous needs none", Connection{}, ""},
	}
	for _, c := range ok {
		got, err := c.c.ResolveBindPassword(getenv, nil)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v", c.name, got, err)
		}
	}
	bad := []struct {
		name    string
		c       Connection
		setting string
	}{
		{"none", Connection{BindDN: "cn=a"}, "connection.bind_password_file"},
		{"two", Connection{BindDN: "cn=a", BindPasswordEnv: "LDAP_PW", BindPassword: inlineSecret}, "connection.bind_password"},
		{"unset env", Connection{BindDN: "cn=a", BindPasswordEnv: "NOPE"}, "connection.bind_password_env"},
		{"missing file", Connection{BindDN: "cn=a", BindPasswordFile: filepath.Join(e.dir, "x")}, "connection.bind_password_file"},
		{"empty file", Connection{BindDN: "cn=a", BindPasswordFile: e.emptyFile}, "connection.bind_password_file"},
	}
	for _, c := range bad {
		_, err := c.c.ResolveBindPassword(getenv, nil)
		if err == nil || !strings.HasPrefix(err.Error(), c.setting+": ") {
			t.Errorf("%s: want error naming %s, got %v", c.name, c.setting, err)
		}
		if err != nil && (strings.Contains(err.Error(), inlineSecret) || strings.Contains(err.Error(), envSecret)) {
			t.Errorf("%s: secret in error: %v", c.name, err)
		}
	}
	_, err := Connection{BindDN: "cn=a"}.ResolveBindPassword(getenv, nil)
	if !errors.Is(err, ErrNoPasswordSource) {
		t.Fatalf("want ErrNoPasswordSource, got %v", err)
	}
}

func TestResolveSMTPPassword(t *testing.T) {
	e := newTestEnv(t)
	getenv := func(k string) string { return e.vars[k] }
	if pw, err := (SMTP{}).ResolvePassword(getenv, nil); pw != "" || err != nil {
		t.Fatalf("no username: %q %v", pw, err)
	}
	if pw, err := (SMTP{Username: "u", PasswordEnv: "SMTP_PW"}).ResolvePassword(getenv, nil); pw != envSecret || err != nil {
		t.Fatalf("env: %q %v", pw, err)
	}
	if pw, err := (SMTP{Username: "u", PasswordFile: e.pwFile}).ResolvePassword(getenv, nil); pw != fileSecret || err != nil {
		t.Fatalf("file: %q %v", pw, err)
	}
	if _, err := (SMTP{Username: "u"}).ResolvePassword(getenv, nil); err == nil || !strings.HasPrefix(err.Error(), "smtp.password_file: ") {
		t.Fatalf("missing: %v", err)
	}
}

// TestMisplacedPasswordIsNotEchoed: a password typed into the setting meant
// for a file name or a variable name must not appear in the error.
func TestMisplacedPasswordIsNotEchoed(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, c := range []Connection{
		{BindDN: "cn=a", BindPasswordEnv: "Summer2024"},
		{BindDN: "cn=a", BindPasswordEnv: "Tr0ub4dor&3"},
		{BindDN: "cn=a", BindPasswordFile: "Summer2024!"},
	} {
		_, err := c.ResolveBindPassword(getenv, nil)
		if err == nil {
			t.Fatalf("%+v: want an error", c)
		}
		for _, secret := range []string{"Summer2024", "Tr0ub4dor"} {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error echoes a possible password: %v", err)
			}
		}
	}
	// Conventional names and real-looking paths are shown, since they help.
	_, err := Connection{BindDN: "cn=a", BindPasswordEnv: "LDAP_BIND_PW"}.ResolveBindPassword(getenv, nil)
	if err == nil || !strings.Contains(err.Error(), "LDAP_BIND_PW") {
		t.Fatalf("want the variable named: %v", err)
	}
	_, err = Connection{BindDN: "cn=a", BindPasswordFile: "/etc/ldapwiz/missing.pw"}.ResolveBindPassword(getenv, nil)
	if err == nil || !strings.Contains(err.Error(), "/etc/ldapwiz/missing.pw") {
		t.Fatalf("want the path named: %v", err)
	}
}
