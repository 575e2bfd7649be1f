package ldap

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/sambatest"
)

// krbEnv is a Samba domain controller with its KDC, a service account
// "krbsvc" and its keytab, and a krb5.conf naming the forwarded KDC.
type krbEnv struct {
	s        *sambatest.Server
	keytab   string
	krb5conf string
}

const krbPrincipal = "krbsvc@" + sambatest.Realm

func startKerberos(t *testing.T) *krbEnv {
	t.Helper()
	s := sambatest.StartWith(t, sambatest.Options{KDC: true})
	s.AddUser(t, "krbsvc", "Krb!Passw0rd1", false)
	return &krbEnv{s: s, keytab: s.ExportKeytab(t, krbPrincipal), krb5conf: s.Krb5Conf(t)}
}

// config binds with GSSAPI over LDAPS to the DC at 127.0.0.1, naming its
// service principal explicitly (the URL's host is an address).
func (e *krbEnv) config() Config {
	return Config{URL: e.s.LDAPSURL, VerifyTLS: true, CAFile: e.s.CAFile, BindMethod: BindGSSAPI,
		KeytabFile: e.keytab, Principal: krbPrincipal, Krb5Conf: e.krb5conf,
		ServicePrincipal: sambatest.ServicePrincipal, Timeout: 10 * time.Second, ActiveDirectory: true}
}

// kerberosErr dials with cfg and returns the *KerberosError it must fail with.
func kerberosErr(t *testing.T, cfg Config) *KerberosError {
	t.Helper()
	c, err := Dial(context.Background(), cfg)
	if err == nil {
		c.Close()
		t.Fatal("the bind succeeded")
	}
	var ke *KerberosError
	if !errors.As(err, &ke) {
		t.Fatalf("not a Kerberos error: %T %v", err, err)
	}
	return ke
}

// TestGSSAPIBindSamba: with a keytab exported from Samba AD, a GSSAPI bind
// through Samba's own KDC succeeds and the server knows the connection as
// the service account; the staged test's bind step says so. Then each
// mistake Kerberos cannot forgive gives its plain message naming the
// setting: a wrong realm, a principal missing from the keytab, no SPN for
// the host, an address in the URL, an unreachable KDC, a stale keytab.
// A Kerberos refusal never fails over to the next listed server.
func TestGSSAPIBindSamba(t *testing.T) {
	e := startKerberos(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Dial(ctx, e.config())
	if err != nil {
		var ke *KerberosError
		errors.As(err, &ke)
		t.Fatalf("GSSAPI bind: %v (%v)\n%s", err, ke.Err, e.s.Output())
	}
	// Samba answers anonymous searches of CN=Users with "operations error":
	// finding the account proves the bind.
	req := goldap.NewSearchRequest(sambatest.UsersDN, goldap.ScopeSingleLevel, goldap.NeverDerefAliases, 0, 0, false,
		"(sAMAccountName=krbsvc)", []string{"sAMAccountName"}, nil)
	found, err := c.c.Search(req)
	c.Close()
	if err != nil || len(found.Entries) != 1 {
		t.Fatalf("searching after the GSSAPI bind: %v", err)
	}
	res := RunTest(ctx, e.config(), TestScope{UserBase: sambatest.UsersDN, GroupBase: sambatest.UsersDN}, nil)
	if b := res.Step(StepBind); b.Status != StepOK || !strings.Contains(b.Detail, krbPrincipal) {
		t.Errorf("the staged bind step: %+v", b)
	}
	if ub := res.Step(StepUserBase); ub.Status != StepOK {
		t.Errorf("the search base after the staged GSSAPI bind: %+v", ub)
	}

	cases := []struct {
		name    string
		change  func(*Config)
		setting string
		says    []string
	}{
		{"wrong realm", func(c *Config) { c.Principal = "krbsvc@WRONG.TEST" }, "connection.principal",
			[]string{"WRONG.TEST", "realm"}},
		{"wrong realm known to krb5.conf", func(c *Config) { c.Principal = "krbsvc@example.test" }, "connection.principal",
			[]string{"realm"}},
		{"principal not in the keytab", func(c *Config) { c.Principal = "other@" + sambatest.Realm }, "connection.keytab_file",
			[]string{"holds no key of other@" + sambatest.Realm, krbPrincipal}},
		{"no SPN for the host", func(c *Config) { c.ServicePrincipal = "ldap/nosuch.example.test" }, "connection.url",
			[]string{"no SPN for this host name", "ldap/nosuch.example.test"}},
		{"an address in the URL", func(c *Config) { c.ServicePrincipal = "" }, "connection.url",
			[]string{"127.0.0.1", "host name"}},
		{"KDC unreachable", func(c *Config) { c.Krb5Conf = krb5ConfAt(t, "127.0.0.1:1") }, "connection.krb5_conf",
			[]string{"cannot reach the KDC"}},
		{"plain LDAP", func(c *Config) { c.URL = e.s.URL }, "connection.url",
			[]string{"signed or sealed", "ldaps://"}},
		{"no krb5.conf", func(c *Config) { c.Krb5Conf = filepath.Join(t.TempDir(), "none.conf") }, "connection.krb5_conf",
			[]string{"cannot read the Kerberos configuration"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.config()
			tc.change(&cfg)
			ke := kerberosErr(t, cfg)
			t.Log(ke)
			if ke.Setting != tc.setting {
				t.Errorf("names %s, want %s: %v", ke.Setting, tc.setting, ke)
			}
			for _, s := range tc.says {
				if !strings.Contains(ke.Error(), s) {
					t.Errorf("does not say %q: %v", s, ke)
				}
			}
			d := Explain(ke)
			if d.Setting != tc.setting || !strings.HasPrefix(d.Problem, "Kerberos: ") {
				t.Errorf("Explain: %+v", d)
			}
		})
	}

	// A wrong realm on the first of two listed servers: no failover.
	cfg := e.config()
	cfg.Principal = "krbsvc@WRONG.TEST"
	cfg.URL = e.s.LDAPSURL + " " + e.s.LDAPSURL
	var fe *FailoverError
	if _, err := Dial(ctx, cfg); errors.As(err, &fe) {
		t.Errorf("a Kerberos refusal failed over: %v", err)
	}

	// The password changed after the keytab was exported: the key is stale.
	admin := e.s.AdminConn(t)
	m := goldap.NewModifyRequest("CN=krbsvc,"+sambatest.UsersDN, nil)
	m.Replace("unicodePwd", []string{sambatest.UnicodePwd("Krb!Passw0rd2")})
	if err := admin.Modify(m); err != nil {
		t.Fatalf("changing krbsvc's password: %v", err)
	}
	ke := kerberosErr(t, e.config())
	if ke.Setting != "connection.keytab_file" || !strings.Contains(ke.Error(), "not the current key") {
		t.Errorf("a stale keytab: %v (%s)", ke, ke.Setting)
	}
}

// krb5ConfAt writes a krb5.conf whose KDC for the test realm is addr.
func krb5ConfAt(t *testing.T, addr string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "krb5.conf")
	conf := "[libdefaults]\n  default_realm = " + sambatest.Realm + "\n  dns_lookup_kdc = false\n  udp_preference_limit = 1\n" +
		"[realms]\n  " + sambatest.Realm + " = {\n    kdc = " + addr + "\n  }\n"
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
