package sambatest

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

// userAccountControl values of a normal account, enabled and disabled.
const (
	uacNormal         = "512"
	uacNormalDisabled = "514"
	// groupTypeGlobalSecurity is a global security group (0x80000002).
	groupTypeGlobalSecurity = "-2147483646"
)

// UnicodePwd encodes a password the way AD's unicodePwd wants it: the
// password in double quotes, as UTF-16 little endian.
func UnicodePwd(password string) string {
	u := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

// AddUser creates user name in CN=Users with sAMAccountName name,
// userPrincipalName name@example.test, the given password, and
// userAccountControl 512 (514 when disabled), in one add over LDAPS.
// It returns the new entry's DN.
func (s *Server) AddUser(t testing.TB, name, password string, disabled bool) string {
	t.Helper()
	dn := "CN=" + ldap.EscapeDN(name) + "," + UsersDN
	uac := uacNormal
	if disabled {
		uac = uacNormalDisabled
	}
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	req.Attribute("sAMAccountName", []string{name})
	req.Attribute("userPrincipalName", []string{name + "@example.test"})
	req.Attribute("unicodePwd", []string{UnicodePwd(password)})
	req.Attribute("userAccountControl", []string{uac})
	s.add(t, req)
	return dn
}

// AddGroup creates global security group name in CN=Users with the given
// member DNs and returns its DN.
func (s *Server) AddGroup(t testing.TB, name string, members ...string) string {
	t.Helper()
	dn := "CN=" + ldap.EscapeDN(name) + "," + UsersDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "group"})
	req.Attribute("sAMAccountName", []string{name})
	req.Attribute("groupType", []string{groupTypeGlobalSecurity})
	if len(members) > 0 {
		req.Attribute("member", members)
	}
	s.add(t, req)
	return dn
}

// AddOU creates organizational unit name directly under the domain root and
// returns its DN.
func (s *Server) AddOU(t testing.TB, name string) string {
	t.Helper()
	dn := "OU=" + ldap.EscapeDN(name) + "," + BaseDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "organizationalUnit"})
	req.Attribute("ou", []string{name})
	s.add(t, req)
	return dn
}

// add runs one add as Administrator on the shared helper connection,
// failing the test with the DN on error.
func (s *Server) add(t testing.TB, req *ldap.AddRequest) {
	t.Helper()
	s.helperMu.Lock()
	defer s.helperMu.Unlock()
	if s.helper == nil || s.helper.IsClosing() {
		c, err := s.dialAdmin()
		if err != nil {
			t.Fatalf("sambatest: binding as %s over %s: %v", s.AdminDN, s.LDAPSURL, err)
		}
		s.helper = c
	}
	if err := s.helper.Add(req); err != nil {
		t.Fatalf("sambatest: adding %s: %v", req.DN, err)
	}
}

// closeHelper closes the shared helper connection, if any.
func (s *Server) closeHelper() {
	s.helperMu.Lock()
	defer s.helperMu.Unlock()
	if s.helper != nil {
		s.helper.Close()
		s.helper = nil
	}
}
