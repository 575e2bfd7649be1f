package ldap

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/sambatest"
)

// adPassword is the password of the fixture's users (a test-only secret).
const adPassword = "Us3r!Passw0rd"

// adFixture is what loadADFixture adds to a fresh Samba domain, all in
// CN=Users: users with the attributes the AD preset maps, a disabled user,
// nested groups, and a group of 25 members for ranged retrieval.
type adFixture struct {
	s                   *sambatest.Server
	alice, bob, carol   string // users; alice in outer, carol in inner
	disabled            string // user "dave", userAccountControl 514
	inner, outer, big   string // inner is a member of outer; big has 25 members
	bigMembers          []string
	adminConn           *Conn // Administrator over LDAPS
	usersBase, rootBase string
}

// startAD starts a Samba domain controller and loads the fixture through
// this package's own AD writes (AddADUser, AddADGroup) over LDAPS.
func startAD(t *testing.T) *adFixture {
	t.Helper()
	s := sambatest.Start(t)
	f := &adFixture{s: s, usersBase: sambatest.UsersDN, rootBase: s.BaseDN}
	ctx := context.Background()
	c, err := Dial(ctx, adConfig(s, s.LDAPSURL, s.AdminDN, s.AdminPassword))
	if err != nil {
		t.Fatalf("bind as Administrator over %s: %v", s.LDAPSURL, err)
	}
	t.Cleanup(func() { c.Close() })
	f.adminConn = c
	addUser := func(name, given, sn string) string {
		dn := "CN=" + EscapeDNValue(given+" "+sn) + "," + f.usersBase
		err := c.AddADUser(ctx, dn, ADUser{
			SAMAccountName: name, UserPrincipalName: name + "@example.test", Password: adPassword,
			Attributes: map[string][]string{
				"givenName": {given}, "sn": {sn}, "mail": {name + "@example.test"},
				"telephoneNumber": {"+1 555 0100"}, "displayName": {given + " " + sn},
			},
		})
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		return dn
	}
	f.alice = addUser("alice", "Alice", "Liddell")
	f.bob = addUser("bob", "Bob", "Doe, Jr.") // an escaped comma in the RDN
	f.carol = addUser("carol", "Carol", "Ñúñez")
	for i := range 25 {
		f.bigMembers = append(f.bigMembers, addUser(fmt.Sprintf("member%02d", i), "Member", fmt.Sprintf("Number %02d", i)))
	}
	f.disabled = s.AddUser(t, "dave", adPassword, true)
	addGroup := func(name string, members ...string) string {
		dn := "CN=" + EscapeDNValue(name) + "," + f.usersBase
		if err := c.AddADGroup(ctx, dn, name, GroupTypeGlobalSecurity, members); err != nil {
			t.Fatalf("fixture: %v", err)
		}
		return dn
	}
	f.inner = addGroup("inner", f.carol)
	f.outer = addGroup("outer", f.alice, f.inner)
	f.big = addGroup("big", f.bigMembers...)
	return f
}

// adConfig reaches s at url with the given bind account, trusting the
// test CA.
func adConfig(s *sambatest.Server, url, bindDN, password string) Config {
	return Config{URL: url, VerifyTLS: true, CAFile: s.CAFile, BindDN: bindDN, BindPassword: password,
		Timeout: 10 * time.Second, ActiveDirectory: true}
}

// adScope is an AD-like selection: users and groups in CN=Users.
func adScope() TestScope {
	return TestScope{
		UserBase: sambatest.UsersDN, UserObjectClass: "user", UserFilter: "(!(objectClass=computer))",
		UsernameAttribute: "sAMAccountName", UserMemberAttribute: "memberOf",
		GroupBase: sambatest.UsersDN, GroupObjectClass: "group", GroupNameAttribute: "cn", GroupMemberAttribute: "member",
		UserAttributes: map[string]string{
			"users.attributes.email": "mail", "users.attributes.first_name": "givenName",
			"users.attributes.last_name": "sn", "users.attributes.phone": "telephoneNumber",
		},
	}
}

// runADTest is runTest plus a check that no Samba password leaks into the
// result.
func runADTest(t *testing.T, f *adFixture, cfg Config) TestResult {
	t.Helper()
	res := runTest(t, cfg, adScope())
	js, _ := json.Marshal(res)
	for _, pw := range []string{f.s.AdminPassword, adPassword, cfg.BindPassword} {
		if strings.Contains(string(js), pw) {
			t.Errorf("the result contains a password: %s", js)
		}
	}
	return res
}

// TestADDomain runs the read-only Active Directory cases against one Samba
// domain controller loaded with the fixture: the staged connection test and
// the package's reads.
func TestADDomain(t *testing.T) {
	f := startAD(t)
	t.Run("Connection", func(t *testing.T) { adConnectionCases(t, f) })
	t.Run("Reads", func(t *testing.T) { adReadCases(t, f) })
}

// adConnectionCases runs the staged connection test against Samba AD: every
// way of naming the bind account, and the failures AD explains with a
// sub-code.
func adConnectionCases(t *testing.T, f *adFixture) {
	s := f.s

	for _, bind := range []struct{ name, dn string }{
		{"DN", s.AdminDN},
		{"UPN", s.AdminUPN},
		{"DownLevel", s.Domain + `\Administrator`},
		{"UserUPN", "alice@example.test"},
	} {
		t.Run("BindBy"+bind.name, func(t *testing.T) {
			pw := s.AdminPassword
			if strings.HasPrefix(bind.dn, "alice") {
				pw = adPassword
			}
			res := runADTest(t, f, adConfig(s, s.LDAPSURL, bind.dn, pw))
			allOK(t, res)
			if res.RootDSE == nil || !res.RootDSE.ActiveDirectory || res.RootDSE.DefaultNamingContext != s.BaseDN {
				t.Errorf("RootDSE: %+v", res.RootDSE)
			}
			if d := res.Step(StepRootDSE).Detail; !strings.Contains(d, "Active Directory detected") || strings.Contains(d, "password modify no") {
				t.Errorf("RootDSE step: %s", d)
			}
			if d := res.Step(StepUserSample).Detail; !strings.Contains(d, "sampled 20 users") || !strings.Contains(d, "sAMAccountName on all 20") {
				t.Errorf("user sample (Samba ignores the size limit; the sample must still be 20): %s", d)
			}
			if d := res.Step(StepAccess).Detail; !strings.Contains(d, "stable id objectGUID") {
				t.Errorf("access step does not name objectGUID: %s", d)
			}
		})
	}

	t.Run("StartTLS", func(t *testing.T) {
		cfg := adConfig(s, s.URL, s.AdminUPN, s.AdminPassword)
		cfg.StartTLS = true
		res := runADTest(t, f, cfg)
		allOK(t, res)
		if d := res.Step(StepTLS).Detail; !strings.Contains(d, "StartTLS done") {
			t.Errorf("TLS step: %s", d)
		}
	})

	t.Run("PlainBindRefused", func(t *testing.T) {
		res := runADTest(t, f, adConfig(s, s.URL, s.AdminDN, s.AdminPassword))
		wantStatuses(t, res, map[string]StepStatus{StepTLS: StepWarning, StepRootDSE: StepOK, StepBind: StepFailed, StepUserBase: StepNotRun})
		b := res.Step(StepBind)
		if b.Setting != "connection.start_tls" || !strings.Contains(b.Hint, "ldaps://") || !strings.Contains(b.Hint, "start_tls") ||
			!strings.Contains(b.Detail, "unencrypted") {
			t.Errorf("bind step does not say to use ldaps or StartTLS: %+v", b)
		}
		_, err := Dial(context.Background(), adConfig(s, s.URL, s.AdminDN, s.AdminPassword))
		if d := Explain(err); d.Code != 8 || d.Setting != "connection.start_tls" {
			t.Errorf("Explain(%v) = %+v, want code 8 (strong authentication required) naming connection.start_tls", err, d)
		}
	})

	t.Run("WrongPassword", func(t *testing.T) {
		res := runADTest(t, f, adConfig(s, s.LDAPSURL, s.AdminUPN, "wrong-password-xyz"))
		b := res.Step(StepBind)
		if b.Status != StepFailed || b.Setting != "connection.bind_password_file" || !strings.Contains(b.Detail, "password is wrong") ||
			!strings.Contains(b.Detail, "data 52e") {
			t.Errorf("bind step: %+v", b)
		}
		_, err := Dial(context.Background(), adConfig(s, s.LDAPSURL, s.AdminUPN, "wrong-password-xyz"))
		if d := Explain(err); d.Code != 49 || d.SubCode != "52e" {
			t.Errorf("Explain = %+v, want 49 / 52e", d)
		}
	})

	t.Run("DisabledAccount", func(t *testing.T) {
		for _, bind := range []string{f.disabled, "dave@example.test", `EXAMPLE\dave`} {
			res := runADTest(t, f, adConfig(s, s.LDAPSURL, bind, adPassword))
			b := res.Step(StepBind)
			if b.Status != StepFailed || b.Setting != "connection.bind_dn" || !strings.Contains(b.Detail, "account is disabled") ||
				!strings.Contains(b.Hint, "enable the account") {
				t.Errorf("bind as %s: %+v", bind, b)
			}
			_, err := Dial(context.Background(), adConfig(s, s.LDAPSURL, bind, adPassword))
			if d := Explain(err); d.Code != 49 || d.SubCode != "533" {
				t.Errorf("bind as %s: Explain = %+v, want 49 / 533", bind, d)
			}
		}
	})

	t.Run("ActiveDirectoryNotSet", func(t *testing.T) {
		cfg := adConfig(s, s.LDAPSURL, s.AdminUPN, s.AdminPassword)
		cfg.ActiveDirectory = false
		res := runADTest(t, f, cfg)
		wantStep(t, res, StepRootDSE, StepWarning, "connection.active_directory", "Active Directory")
	})

	t.Run("SearchBaseInOtherNamingContext", func(t *testing.T) {
		// A base under a DC= that is not this domain: the step names the
		// domain's naming contexts.
		scope := adScope()
		scope.UserBase = "CN=Users,DC=example,DC=com"
		res := runTest(t, adConfig(s, s.LDAPSURL, s.AdminUPN, s.AdminPassword), scope)
		u := res.Step(StepUserBase)
		if u.Status != StepFailed || u.Setting != "users.search_base" || !strings.Contains(u.Detail+u.Hint, s.BaseDN) {
			t.Errorf("user base step: %+v", u)
		}
	})
}

// adEncryptedConnectionOnly checks that the AD password writes refuse a
// plain connection to a real Samba before sending, and that nothing
// changed.
func adEncryptedConnectionOnly(t *testing.T, s *sambatest.Server) {
	dn := s.AddUser(t, "frank", adPassword, false)
	ctx := context.Background()
	cfg := adConfig(s, s.URL, "", "")
	plain, err := Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if plain.Encrypted() {
		t.Fatal("ldap:// without StartTLS reports an encrypted connection")
	}
	err = plain.SetPassword(ctx, dn, "N3w!Passw0rd", true)
	if err == nil || !strings.Contains(err.Error(), "nothing was sent") || !strings.Contains(err.Error(), "start_tls") {
		t.Errorf("SetPassword over ldap://: %v", err)
	}
	err = plain.AddADUser(ctx, "CN=gina,"+sambatest.UsersDN, ADUser{SAMAccountName: "gina", Password: adPassword})
	if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("AddADUser over ldap://: %v", err)
	}
	// The old password still works, and gina was not created.
	c, err := Dial(ctx, adConfig(s, s.LDAPSURL, "frank@example.test", adPassword))
	if err != nil {
		t.Fatalf("frank's password changed although the request was refused: %v", err)
	}
	defer c.Close()
	if _, err := c.Entry(ctx, "CN=gina,"+sambatest.UsersDN); err == nil {
		t.Error("gina exists although her add was refused")
	}
	// With StartTLS the same connection type is encrypted and the write works.
	cfg.StartTLS = true
	cfg.BindDN, cfg.BindPassword = s.AdminDN, s.AdminPassword
	tlsConn, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tlsConn.Close()
	if err := tlsConn.SetPassword(ctx, dn, "N3w!Passw0rd", true); err != nil {
		t.Fatalf("SetPassword over StartTLS: %v", err)
	}
	c2, err := Dial(ctx, adConfig(s, s.LDAPSURL, "frank@example.test", "N3w!Passw0rd"))
	if err != nil {
		t.Fatalf("bind with the password set over StartTLS: %v", err)
	}
	c2.Close()
}
