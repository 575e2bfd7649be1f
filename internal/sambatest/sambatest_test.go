package sambatest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// oidActiveDirectory is LDAP_CAP_ACTIVE_DIRECTORY_OID in supportedCapabilities.
const oidActiveDirectory = "1.2.840.113556.1.4.800"

// TestSamba starts one domain controller and checks the AD behaviours the
// rest of ldapwiz relies on, one subtest each.
func TestSamba(t *testing.T) {
	s, tm := StartTimed(t)
	t.Logf("install check %s, provision %s, copy %s, start %s; %s %s",
		tm.Install.Round(time.Millisecond), tm.Provision.Round(time.Millisecond),
		tm.Copy.Round(time.Millisecond), tm.Start.Round(time.Millisecond), s.URL, s.LDAPSURL)

	t.Run("RootDSE", func(t *testing.T) {
		c := s.AdminConn(t)
		res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{"supportedCapabilities", "defaultNamingContext", "supportedControl"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		e := res.Entries[0]
		if caps := e.GetAttributeValues("supportedCapabilities"); !slices.Contains(caps, oidActiveDirectory) {
			t.Errorf("supportedCapabilities %v lacks %s", caps, oidActiveDirectory)
		}
		if got := e.GetAttributeValue("defaultNamingContext"); !strings.EqualFold(got, s.BaseDN) {
			t.Errorf("defaultNamingContext = %q, want %q", got, s.BaseDN)
		}
	})

	t.Run("PlainSimpleBindRefused", func(t *testing.T) {
		c, err := ldap.DialURL(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.Bind(s.AdminDN, s.AdminPassword)
		if !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
			t.Fatalf("simple bind on %s: got %v, want result code 8 (strong auth required)", s.URL, err)
		}
		t.Logf("plain ldap:// simple bind: %v", err)
	})

	t.Run("StartTLSBind", func(t *testing.T) {
		c, err := ldap.DialURL(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		cfg := s.TLSConfig()
		cfg.ServerName = "127.0.0.1"
		if err := c.StartTLS(cfg); err != nil {
			t.Fatalf("StartTLS: %v", err)
		}
		if err := c.Bind(s.AdminDN, s.AdminPassword); err != nil {
			t.Fatalf("bind after StartTLS: %v", err)
		}
	})

	t.Run("BindForms", func(t *testing.T) {
		for _, who := range []string{s.AdminDN, s.AdminUPN, s.Domain + `\Administrator`} {
			if err := s.bind(who, s.AdminPassword); err != nil {
				t.Errorf("bind as %q over ldaps: %v", who, err)
			}
		}
	})

	t.Run("WrongPassword", func(t *testing.T) {
		err := s.bind(s.AdminDN, "not-the-password")
		wantBindError(t, err, "data 52e")
	})

	t.Run("DisabledUser", func(t *testing.T) {
		dn := s.AddUser(t, "disabled1", "Secret!123", true)
		wantBindError(t, s.bind(dn, "Secret!123"), "data 533")
		wantBindError(t, s.bind("disabled1@example.test", "Secret!123"), "data 533")
	})

	t.Run("AddUserAndBind", func(t *testing.T) {
		pw := "Grüße-ÄÖÜ 42" // non-ASCII survives the UTF-16LE encoding
		dn := s.AddUser(t, "alice", pw, false)
		for _, who := range []string{dn, "alice@example.test", `EXAMPLE\alice`} {
			if err := s.bind(who, pw); err != nil {
				t.Errorf("bind as new user %q: %v", who, err)
			}
		}
		c := s.AdminConn(t)
		res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=user)", []string{"objectGUID", "userAccountControl", "sAMAccountName", "userPrincipalName"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		e := res.Entries[0]
		if g := e.GetRawAttributeValue("objectGUID"); len(g) != 16 {
			t.Errorf("objectGUID has %d bytes, want 16", len(g))
		}
		if got := e.GetAttributeValue("userAccountControl"); got != "512" {
			t.Errorf("userAccountControl = %q, want 512", got)
		}
		if got := e.GetAttributeValue("userPrincipalName"); got != "alice@example.test" {
			t.Errorf("userPrincipalName = %q", got)
		}
	})

	t.Run("PasswordResetTakesEffectAtOnce", func(t *testing.T) {
		dn := s.AddUser(t, "bob", "First!Pass1", false)
		c := s.AdminConn(t)
		m := ldap.NewModifyRequest(dn, nil)
		m.Replace("unicodePwd", []string{UnicodePwd("Second!Pass2")})
		if err := c.Modify(m); err != nil {
			t.Fatalf("resetting the password over ldaps: %v", err)
		}
		if err := s.bind(dn, "Second!Pass2"); err != nil {
			t.Fatalf("bind with the new password: %v", err)
		}
		// The old password fails at once. (Measured: this holds for LDAP
		// simple binds even without "old password allowed period = 0",
		// which smb.conf sets anyway for NTLM-style authentication.)
		wantBindError(t, s.bind(dn, "First!Pass1"), "data 52e")
	})

	t.Run("UserPasswordChangeTakesEffectAtOnce", func(t *testing.T) {
		dn := s.AddUser(t, "carol", "First!Pass1", false)
		c, err := ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig()))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Bind(dn, "First!Pass1"); err != nil {
			t.Fatal(err)
		}
		m := ldap.NewModifyRequest(dn, nil)
		m.Delete("unicodePwd", []string{UnicodePwd("First!Pass1")})
		m.Add("unicodePwd", []string{UnicodePwd("Second!Pass2")})
		if err := c.Modify(m); err != nil {
			t.Fatalf("changing her own password over ldaps: %v", err)
		}
		if err := s.bind(dn, "Second!Pass2"); err != nil {
			t.Fatalf("bind with the new password: %v", err)
		}
		// The old password fails at once. (Measured: this holds for LDAP
		// simple binds even without "old password allowed period = 0",
		// which smb.conf sets anyway for NTLM-style authentication.)
		wantBindError(t, s.bind(dn, "First!Pass1"), "data 52e")
	})

	t.Run("ReferralsFromDomainRoot", func(t *testing.T) {
		c := s.AdminConn(t)
		res, err := c.Search(ldap.NewSearchRequest(s.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=organizationalUnit)", []string{"dn"}, nil))
		if err != nil {
			t.Fatalf("subtree search from %s: %v", s.BaseDN, err)
		}
		if len(res.Referrals) == 0 {
			t.Fatalf("no referrals in SearchResult.Referrals (%d entries)", len(res.Entries))
		}
		t.Logf("go-ldap puts search result references in SearchResult.Referrals: %q", res.Referrals)
	})

	t.Run("RangedMember", func(t *testing.T) {
		var members []string
		for i := range 25 {
			members = append(members, s.AddUser(t, fmt.Sprintf("ranged%02d", i), "Secret!123", false))
		}
		g := s.AddGroup(t, "ranged", members...)
		c := s.AdminConn(t)
		var got []string
		for _, r := range []struct{ ask, want string }{
			{"member;range=0-9", "member;range=0-9"},
			{"member;range=10-19", "member;range=10-19"},
			{"member;range=20-*", "member;range=20-*"},
		} {
			res, err := c.Search(ldap.NewSearchRequest(g, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
				"(objectClass=group)", []string{r.ask}, nil))
			if err != nil {
				t.Fatal(err)
			}
			attrs := res.Entries[0].Attributes
			if len(attrs) != 1 || attrs[0].Name != r.want {
				var names []string
				for _, a := range attrs {
					names = append(names, fmt.Sprintf("%s(%d)", a.Name, len(a.Values)))
				}
				t.Fatalf("asked %s, got attributes %v, want exactly %s", r.ask, names, r.want)
			}
			got = append(got, attrs[0].Values...)
		}
		if len(got) != 25 {
			t.Fatalf("ranges gave %d values, want 25", len(got))
		}
		for _, m := range members {
			if !slices.ContainsFunc(got, func(v string) bool { return strings.EqualFold(v, m) }) {
				t.Errorf("member %s missing from the ranges", m)
			}
		}
	})

	t.Run("AddOU", func(t *testing.T) {
		dn := s.AddOU(t, "Staff, Berlin")
		c := s.AdminConn(t)
		res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=organizationalUnit)", []string{"ou"}, nil))
		if err != nil {
			t.Fatalf("reading back %s: %v", dn, err)
		}
		if got := res.Entries[0].GetAttributeValue("ou"); got != "Staff, Berlin" {
			t.Errorf("ou = %q", got)
		}
	})
}

// TestTwoServersAtOnce shows that live servers do not share ports: each
// runs in its own network namespace with Samba's fixed 389/636 inside, so
// parallel test packages can each start one; and that stopping one leaves
// the other running.
func TestTwoServersAtOnce(t *testing.T) {
	a := Start(t)
	dn := a.AddUser(t, "onlyina", "Secret!123", false)
	t.Run("second", func(t *testing.T) {
		b := Start(t)
		if a.LDAPSURL == b.LDAPSURL || a.URL == b.URL {
			t.Fatalf("both servers on %s / %s", a.URL, a.LDAPSURL)
		}
		if err := a.bind(dn, "Secret!123"); err != nil {
			t.Fatalf("bind on the first server: %v", err)
		}
		wantBindError(t, b.bind(dn, "Secret!123"), "data 52e")
	})
	if err := a.bind(dn, "Secret!123"); err != nil {
		t.Fatalf("the first server stopped answering when the second was stopped: %v", err)
	}
}

// bind opens a fresh LDAPS connection and binds as who.
func (s *Server) bind(who, password string) error {
	c, err := ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig()))
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Bind(who, password)
}

// wantBindError checks for invalid credentials (49) with an AD sub-code.
func wantBindError(t *testing.T, err error, subcode string) {
	t.Helper()
	var le *ldap.Error
	if !errors.As(err, &le) || le.ResultCode != ldap.LDAPResultInvalidCredentials {
		t.Fatalf("got %v, want result code 49", err)
	}
	if !strings.Contains(err.Error(), subcode) {
		t.Fatalf("got %q, want %q in the diagnostic", err, subcode)
	}
}
