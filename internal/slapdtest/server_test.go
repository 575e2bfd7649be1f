package slapdtest

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"os/exec"
	"strings"
	"testing"

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
