package demodir

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// start runs a demo directory of the given flavour for the test.
func start(t testing.TB, ad bool) *Server {
	t.Helper()
	s, err := New(Options{AD: ad})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dial connects anonymously.
func dial(t testing.TB, s *Server) *goldap.Conn {
	t.Helper()
	c, err := goldap.DialURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// admin connects and binds as the administrator.
func admin(t testing.TB, s *Server) *goldap.Conn {
	t.Helper()
	c := dial(t, s)
	if err := c.Bind(s.AdminDN(), s.AdminPassword()); err != nil {
		t.Fatal(err)
	}
	return c
}

// asUser connects and binds as an ordinary demo user (Zoë Ünal-Brontë).
func asUser(t testing.TB, s *Server) *goldap.Conn {
	t.Helper()
	c := dial(t, s)
	if err := c.Bind("cn=Zoë Ünal-Brontë,ou=emea,ou=sales,ou=people,dc=example,dc=com", UserPassword); err != nil {
		t.Fatal(err)
	}
	return c
}

// code returns the LDAP result code of err (0 for nil).
func code(err error) uint16 {
	if err == nil {
		return 0
	}
	var le *goldap.Error
	if errors.As(err, &le) {
		return le.ResultCode
	}
	return 9999
}

func wantCode(t testing.TB, what string, err error, want uint16) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: result %d (%v), want %d (%s)", what, got, err, want, goldap.LDAPResultCodeMap[want])
	}
}

// search runs a paged search and fails the test on error.
func search(t testing.TB, c *goldap.Conn, base string, scope int, filter string, attrs ...string) []*goldap.Entry {
	t.Helper()
	res, err := c.SearchWithPaging(goldap.NewSearchRequest(base, scope, goldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil), 250)
	if err != nil {
		t.Fatalf("search %s %q: %v", base, filter, err)
	}
	return res.Entries
}

// tlsConfig trusts the server's CA.
func tlsConfig(t testing.TB, s *Server) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM()) {
		t.Fatal("CAPEM is not a PEM certificate")
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}
