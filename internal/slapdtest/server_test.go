package slapdtest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

func tlsConfig(t *testing.T, caFile string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in CA file")
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func TestStartBindOverLDAPSWithGeneratedCA(t *testing.T) {
	s := Start(t)
	conn, err := goldap.DialURL(s.LDAPSURL, goldap.DialWithTLSConfig(tlsConfig(t, s.CAFile)))
	if err != nil {
		t.Fatalf("dial ldaps: %v", err)
	}
	defer conn.Close()
	if err := conn.Bind(s.AdminDN, s.AdminPassword); err != nil {
		t.Fatalf("bind: %v", err)
	}
	res, err := conn.Search(goldap.NewSearchRequest(JohnDoeDN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"uid", "memberOf", "entryUUID"}, nil))
	if err != nil {
		t.Fatalf("search escaped-comma entry: %v", err)
	}
	e := res.Entries[0]
	if e.GetAttributeValue("uid") != "jdoe" || e.GetAttributeValue("entryUUID") == "" {
		t.Errorf("unexpected entry: uid=%q entryUUID=%q", e.GetAttributeValue("uid"), e.GetAttributeValue("entryUUID"))
	}
	if len(e.GetAttributeValues("memberOf")) < 2 {
		t.Errorf("memberOf not written by the fixture: %v", e.GetAttributeValues("memberOf"))
	}
}

func TestStartTLSAndFixtureShape(t *testing.T) {
	s := Start(t)
	conn, err := goldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.StartTLS(tlsConfig(t, s.CAFile)); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	if err := conn.Bind(ReaderDN, ReaderPassword); err != nil {
		t.Fatalf("bind as reader: %v", err)
	}
	// Unpaged searches by the reader stop at the size limit...
	_, err = conn.Search(goldap.NewSearchRequest(BaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"dn"}, nil))
	if !goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded) {
		t.Errorf("unpaged search over the size limit: want code 4, got %v", err)
	}
	// ...paged ones do not.
	res, err := conn.SearchWithPaging(goldap.NewSearchRequest(PeopleDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=inetOrgPerson)", []string{"uid"}, nil), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 300 {
		t.Errorf("users: want 300, got %d", len(res.Entries))
	}
	res, err = conn.Search(goldap.NewSearchRequest(BigGroupDN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"member"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Entries[0].GetAttributeValues("member")); n != BigGroupSize {
		t.Errorf("big group members: want %d, got %d", BigGroupSize, n)
	}
	// Anonymous binds see the RootDSE but no data.
	anon, _ := goldap.DialURL(s.URL)
	defer anon.Close()
	res, err = anon.Search(goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"namingContexts"}, nil))
	if err != nil || res.Entries[0].GetAttributeValue("namingContexts") != BaseDN {
		t.Errorf("anonymous RootDSE: %v %v", err, res)
	}
}

func TestStopRestartAndLdapsearch(t *testing.T) {
	s := Start(t)
	pid := s.PID()
	s.Stop()
	if dialOK(s.Port) {
		t.Fatal("slapd still answers after Stop")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.PID() == pid || s.PID() == 0 {
		t.Errorf("restart kept pid %d", pid)
	}
	out, err := exec.Command(LdapsearchPath, append(s.LdapsearchArgs(), "-b", User1OU2DN, "-s", "base", "uid")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "uid: user1.ou2") {
		t.Errorf("ldapsearch: %v\n%s", err, out)
	}
}

func TestBadCertificateKinds(t *testing.T) {
	for _, kind := range []CertKind{CertExpired, CertWrongHost, CertCNOnly} {
		s := StartWith(t, Options{Cert: kind, NoFixture: true})
		conn, err := goldap.DialURL(s.LDAPSURL, goldap.DialWithTLSConfig(tlsConfig(t, s.CAFile)))
		if err == nil {
			conn.Close()
			t.Errorf("cert kind %d: TLS verification unexpectedly passed", kind)
		}
	}
}

// TestExtraACLHidesAttributes checks Options.ExtraACL: the rule comes before
// the standard ones, so the reader loses entryUUID while the rest stays
// readable.
func TestExtraACLHidesAttributes(t *testing.T) {
	s := StartWith(t, Options{ExtraACL: []string{`to attrs=entryUUID by dn.exact="@READER@" none by users read by * none`}})
	conn, err := goldap.DialURL(s.LDAPSURL, goldap.DialWithTLSConfig(tlsConfig(t, s.CAFile)))
	if err != nil {
		t.Fatalf("dial ldaps: %v", err)
	}
	defer conn.Close()
	if err := conn.Bind(ReaderDN, ReaderPassword); err != nil {
		t.Fatalf("bind: %v", err)
	}
	res, err := conn.Search(goldap.NewSearchRequest(JohnDoeDN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"uid", "entryUUID"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("search: %v", err)
	}
	if e := res.Entries[0]; e.GetAttributeValue("uid") != "jdoe" || e.GetAttributeValue("entryUUID") != "" {
		t.Errorf("reader sees uid=%q entryUUID=%q; want jdoe and nothing", e.GetAttributeValue("uid"), e.GetAttributeValue("entryUUID"))
	}
}

// TestFixtureIsRealistic reads the loaded fixture back from slapd, as the
// reader over ldaps, and checks each untidy trait issue #2 asks for: OUs
// nested three deep, the same RDN in two OUs, an escaped comma, non-ASCII
// names, users without mail, a group nested in a group, a few hundred users.
func TestFixtureIsRealistic(t *testing.T) {
	s := Start(t)
	conn, err := goldap.DialURL(s.LDAPSURL, goldap.DialWithTLSConfig(tlsConfig(t, s.CAFile)))
	if err != nil {
		t.Fatalf("dial ldaps: %v", err)
	}
	defer conn.Close()
	if err := conn.Bind(ReaderDN, ReaderPassword); err != nil {
		t.Fatalf("bind: %v", err)
	}
	search := func(base, filter string, attrs ...string) []*goldap.Entry {
		t.Helper()
		res, err := conn.SearchWithPaging(goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
			filter, attrs, nil), 100)
		if err != nil {
			t.Fatalf("search %s %s: %v", base, filter, err)
		}
		return res.Entries
	}

	deepest := 0
	for _, e := range search(PeopleDN, "(objectClass=organizationalUnit)", "ou") {
		dn, err := goldap.ParseDN(e.DN)
		if err != nil {
			t.Fatalf("%s: %v", e.DN, err)
		}
		ous := 0
		for _, rdn := range dn.RDNs {
			if strings.EqualFold(rdn.Attributes[0].Type, "ou") {
				ous++
			}
		}
		deepest = max(deepest, ous)
	}
	if deepest < 3 {
		t.Errorf("deepest OU has %d ou= levels, want 3 or more", deepest)
	}

	if got := search(PeopleDN, "(cn=user1)", "cn"); len(got) != 2 || got[0].DN == got[1].DN {
		t.Errorf("want cn=user1 in two OUs, got %d entries", len(got))
	}
	if got := search(PeopleDN, `(cn=Doe\2C John)`, "cn"); len(got) != 1 || !sameDN(t, got[0].DN, JohnDoeDN) || got[0].GetAttributeValue("cn") != "Doe, John" {
		t.Errorf("escaped-comma entry: want %s with cn \"Doe, John\", got %d entries %v", JohnDoeDN, len(got), entryDNs(got))
	}

	users := search(PeopleDN, "(objectClass=inetOrgPerson)", "cn", "sn", "givenName", "mail")
	if len(users) < 200 || len(users) > 1000 {
		t.Errorf("want a few hundred users, got %d", len(users))
	}
	nonASCII, noMail := 0, 0
	for _, u := range users {
		for _, a := range []string{"cn", "sn", "givenName"} {
			if strings.IndexFunc(u.GetAttributeValue(a), func(r rune) bool { return r > 127 }) >= 0 {
				nonASCII++
				break
			}
		}
		if u.GetAttributeValue("mail") == "" {
			noMail++
		}
	}
	if nonASCII == 0 || noMail == 0 {
		t.Errorf("users with non-ASCII names: %d, without mail: %d; want some of each", nonASCII, noMail)
	}

	groups := search(GroupsDN, "(objectClass=groupOfNames)", "member")
	isGroup := map[string]bool{}
	for _, g := range groups {
		isGroup[strings.ToLower(g.DN)] = true
	}
	nested := 0
	for _, g := range groups {
		for _, m := range g.GetAttributeValues("member") {
			if isGroup[strings.ToLower(m)] {
				nested++
			}
		}
	}
	if nested == 0 {
		t.Error("no group has another group as a member")
	}
}

// sameDN compares two DNs per RFC 4514.
func sameDN(t *testing.T, a, b string) bool {
	t.Helper()
	da, err := goldap.ParseDN(a)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	db, err := goldap.ParseDN(b)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return da.EqualFold(db)
}

// entryDNs lists the DNs of entries, for messages.
func entryDNs(es []*goldap.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.DN)
	}
	return out
}

// dialOK reports whether something accepts TCP connections on port.
func dialOK(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
