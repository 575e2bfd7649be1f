package slapdtest

import (
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// Replace sets attr of the entry dn to values, as the rootdn: a change made
// in the directory behind ldapwiz's back, as an administrator's ldapmodify
// would make it.
func (s *Server) Replace(t testing.TB, dn, attr string, values ...string) {
	t.Helper()
	conn := s.rootConn(t)
	defer conn.Close()
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace(attr, values)
	if err := conn.Modify(m); err != nil {
		t.Fatalf("slapdtest: replace %s of %s: %v", attr, dn, err)
	}
}
