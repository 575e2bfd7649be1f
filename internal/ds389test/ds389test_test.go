package ds389test

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// search runs a paged subtree search and returns the entries.
func search(t *testing.T, c *ldap.Conn, base, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil), 100)
	if err != nil {
		t.Fatalf("search %s %s: %v", base, filter, err)
	}
	return res.Entries
}

func TestStartFixture(t *testing.T) {
	s, tm := StartTimed(t, Options{})
	t.Logf("timings: %+v", tm)
	c := s.AdminConn(t)
	f := s.Fixture
	users := search(t, c, PeopleDN, "(objectClass=inetOrgPerson)", "uid", "mail", "entryUUID", "nsUniqueId", "memberOf", "nsAccountLock")
	if len(users) != len(f.Users) || len(f.Users) != FixtureUsers {
		t.Errorf("%d users in the directory, %d in the fixture, want %d", len(users), len(f.Users), FixtureUsers)
	}
	noMail, locked, dup := 0, 0, 0
	for _, e := range users {
		if e.GetAttributeValue("mail") == "" {
			noMail++
		}
		if strings.EqualFold(e.GetAttributeValue("nsAccountLock"), "true") {
			locked++
		}
		if e.GetAttributeValue("uid") == DuplicateUID {
			dup++
		}
		if len(e.GetAttributeValue("entryUUID")) != 36 || e.GetAttributeValue("nsUniqueId") == "" {
			t.Errorf("%s: entryUUID %q nsUniqueId %q", e.DN, e.GetAttributeValue("entryUUID"), e.GetAttributeValue("nsUniqueId"))
		}
	}
	if noMail != f.WithoutMail() || noMail == 0 || locked != len(f.Locked()) || locked < 2 || dup != 2 {
		t.Errorf("without mail %d (want %d), locked %d (want %d), uid %s %d times", noMail, f.WithoutMail(), locked, len(f.Locked()), DuplicateUID, dup)
	}
	// memberOf, from the fix-up task, lists nested groups too.
	lz := search(t, c, PlatformOU, "(uid=lzolw)", "memberOf")
	if len(lz) != 1 {
		t.Fatalf("uid=lzolw: %d entries", len(lz))
	}
	got := lz[0].GetAttributeValues("memberOf")
	want := f.MemberOf(lz[0].DN)
	if len(got) != len(want) || len(want) < 3 {
		t.Errorf("memberOf of %s is %v, want %v", lz[0].DN, got, want)
	}
	big := search(t, c, BigGroupDN, "(objectClass=*)", "member")
	if len(big) != 1 || len(big[0].GetAttributeValues("member")) != BigGroupSize {
		t.Errorf("%s: %d entries", BigGroupDN, len(big))
	}
}

func TestLockedAccountAndTLS(t *testing.T) {
	s := Start(t)
	// A locked account cannot bind (53, "Account inactivated"); others can.
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(s.TLSConfig()); err != nil {
		t.Fatalf("StartTLS verifying %s: %v", s.CAFile, err)
	}
	if err := c.Bind(DupUIDOU1DN, UserPassword); err != nil {
		t.Errorf("bind as %s: %v", DupUIDOU1DN, err)
	}
	err = c.Bind(LockedUserDN, UserPassword)
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("bind as the locked %s: %v, want result 53", LockedUserDN, err)
	}
	if err := c.Bind(ReaderDN, ReaderPassword); err != nil {
		t.Errorf("bind as the reader: %v", err)
	}
	// The certificate names 127.0.0.1 and localhost.
	for _, host := range []string{"127.0.0.1", "localhost"} {
		cfg := s.TLSConfig()
		cfg.ServerName = host
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", net.JoinHostPort("127.0.0.1", itoa(s.TLSPort)), cfg)
		if err != nil {
			t.Errorf("LDAPS as %s: %v", host, err)
			continue
		}
		conn.Close()
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
