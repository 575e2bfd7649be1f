package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// kerberosSettings returns settings for a GSSAPI bind whose keytab (mode
// 0600) holds svc@EXAMPLE.TEST and whose krb5.conf names that realm's KDC.
func kerberosSettings(t *testing.T) Settings {
	t.Helper()
	dir := t.TempDir()
	kt := keytab.New()
	if err := kt.AddEntry("svc", "EXAMPLE.TEST", "not-a-real-secret", time.Now(), 1, etypeID.AES256_CTS_HMAC_SHA1_96); err != nil {
		t.Fatal(err)
	}
	b, err := kt.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	ktPath, confPath := filepath.Join(dir, "svc.keytab"), filepath.Join(dir, "krb5.conf")
	if err := os.WriteFile(ktPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	conf := "[libdefaults]\n default_realm = EXAMPLE.TEST\n dns_lookup_kdc = false\n[realms]\n EXAMPLE.TEST = {\n  kdc = dc1.example.test\n }\n"
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := Preset(PresetAD)
	s.Connection.URL = "ldaps://dc1.example.test"
	s.Connection.BindDN, s.Connection.BindPasswordFile, s.Connection.BindPasswordEnv, s.Connection.BindPassword = "", "", "", ""
	s.Connection.BindMethod = BindGSSAPI
	s.Connection.Principal, s.Connection.KeytabFile, s.Connection.Krb5Conf = "svc@EXAMPLE.TEST", ktPath, confPath
	return s
}

// kerberosProblems are the problems of the Kerberos settings and the URL.
func kerberosProblems(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		switch p.Setting {
		case "connection.principal", "connection.keytab_file", "connection.krb5_conf", "connection.url", "connection.bind_method", "connection.start_tls", "connection.bind_dn":
			out = append(out, p)
		}
	}
	return out
}

// TestValidateGSSAPI: a complete GSSAPI setup has no problem with its
// settings (and needs no bind password); each mistake is named on its
// setting: a principal the keytab lacks, a wrong realm, a missing
// krb5.conf, an address in the URL, a plain connection, a keytab others
// may read, a leftover bind_dn. LDAPConfig carries the three settings.
func TestValidateGSSAPI(t *testing.T) {
	s := kerberosSettings(t)
	if ps := kerberosProblems(Validate(s, ValidateOptions{})); len(ps) != 0 {
		t.Fatalf("a complete GSSAPI setup has problems: %v", ps)
	}
	cfg, err := s.LDAPConfig(nil)
	if err != nil || cfg.BindMethod != "gssapi" || cfg.Principal != "svc@EXAMPLE.TEST" || cfg.KeytabFile != s.Connection.KeytabFile || cfg.Krb5Conf != s.Connection.Krb5Conf {
		t.Fatalf("LDAPConfig: %+v, %v", cfg, err)
	}

	cases := []struct {
		name     string
		change   func(*Settings)
		setting  string
		severity Severity
		says     string
	}{
		{"principal not in the keytab", func(s *Settings) { s.Connection.Principal = "other@EXAMPLE.TEST" }, "connection.keytab_file", Error, "holds no key of other@EXAMPLE.TEST"},
		{"wrong realm", func(s *Settings) { s.Connection.Principal = "svc@WRONG.TEST" }, "connection.principal", Error, "WRONG.TEST"},
		{"no principal", func(s *Settings) { s.Connection.Principal = "" }, "connection.principal", Error, "empty"},
		{"no keytab", func(s *Settings) { s.Connection.KeytabFile = "" }, "connection.keytab_file", Error, "empty"},
		{"missing krb5.conf", func(s *Settings) { s.Connection.Krb5Conf = filepath.Join(t.TempDir(), "none") }, "connection.krb5_conf", Error, "cannot read"},
		{"an address in the URL", func(s *Settings) { s.Connection.URL = "ldaps://192.0.2.10" }, "connection.url", Error, "host name"},
		{"plain LDAP", func(s *Settings) { s.Connection.URL = "ldap://dc1.example.test" }, "connection.start_tls", Warning, "ldaps://"},
		{"keytab readable by others", func(s *Settings) { os.Chmod(s.Connection.KeytabFile, 0o644) }, "connection.keytab_file", Warning, "chmod 600"},
		{"a leftover bind_dn", func(s *Settings) { s.Connection.BindDN = "cn=x,dc=example,dc=test" }, "connection.bind_dn", Warning, "not used"},
		{"unknown method", func(s *Settings) { s.Connection.BindMethod = "kerberos" }, "connection.bind_method", Error, "\"gssapi\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := kerberosSettings(t)
			tc.change(&s)
			got := problemsFor(Validate(s, ValidateOptions{}), tc.setting, tc.says)
			if len(got) == 0 || got[0].Severity != tc.severity {
				t.Errorf("want a %v on %s saying %q, got %v", tc.severity, tc.setting, tc.says, kerberosProblems(Validate(s, ValidateOptions{})))
			}
			for _, p := range got {
				if strings.Contains(p.Message, "not-a-real-secret") {
					t.Errorf("a problem shows the key's password")
				}
			}
		})
	}
}
