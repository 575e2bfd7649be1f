package slapdtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// Password-policy facts of a server started with Options.PPolicy.
const (
	PoliciesDN      = "ou=policies,dc=example,dc=com"
	DefaultPolicyDN = "cn=default,ou=policies,dc=example,dc=com"
	// PolicyMaxFailure is how many wrong passwords in a row lock an account
	// under the default policy.
	PolicyMaxFailure = 3
	// PermanentLock is the pwdAccountLockedTime value that locks an account
	// until an administrator removes it.
	PermanentLock = "000001010000Z"
)

// ppolicyModule is the module line that loads the overlay (Debian's slapd
// 2.5 ships it as /usr/lib/ldap/ppolicy.la and compiles its schema in).
const ppolicyModule = "olcModuleLoad: ppolicy\n"

// ppolicyOverlay is the overlay on the data database: the default policy,
// lockout on, and the answers a client asked for with the password-policy
// control.
const ppolicyOverlay = `
dn: olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {2}ppolicy
olcPPolicyDefault: ` + DefaultPolicyDN + `
olcPPolicyUseLockout: TRUE
olcPPolicyHashCleartext: FALSE
`

// policiesLDIF is ou=policies and the default policy: passwords never
// expire, no change is forced, three wrong passwords in a row lock the
// account for an hour. The policies for expired and must-change passwords
// are added by ExpirePassword and MustChangePassword when a test asks.
var policiesLDIF = "dn: " + PoliciesDN + "\nobjectClass: organizationalUnit\nou: policies\n\n" +
	policyLDIF(DefaultPolicyDN, "pwdLockout: TRUE", fmt.Sprintf("pwdMaxFailure: %d", PolicyMaxFailure),
		"pwdLockoutDuration: 3600", "pwdFailureCountInterval: 0", "pwdMaxAge: 0", "pwdMustChange: FALSE",
		"pwdAllowUserChange: TRUE", "pwdCheckQuality: 0", "pwdInHistory: 0")

// policyLDIF renders a pwdPolicy entry (on a device, a structural class
// carrying only cn) with the given "attr: value" lines.
func policyLDIF(dn string, lines ...string) string {
	cn := strings.TrimPrefix(strings.SplitN(dn, ",", 2)[0], "cn=")
	return "dn: " + dn + "\nobjectClass: device\nobjectClass: pwdPolicy\ncn: " + cn +
		"\npwdAttribute: userPassword\n" + strings.Join(lines, "\n") + "\n\n"
}

// relaxOID is the Relax Rules control, which lets the rootdn write the
// password policy's operational attributes (pwdChangedTime has
// NO-USER-MODIFICATION and is only "manageable").
const relaxOID = "1.3.6.1.4.1.4203.666.5.12"

// Lock locks the account at dn permanently, as an administrator does:
// pwdAccountLockedTime 000001010000Z. Needs Options.PPolicy.
func (s *Server) Lock(t testing.TB, dn string) {
	t.Helper()
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("pwdAccountLockedTime", []string{PermanentLock})
	s.modifyAsRoot(t, m)
}

// Unlock removes a lock (permanent or after failed binds) and the failure
// count from the account at dn. Needs Options.PPolicy.
func (s *Server) Unlock(t testing.TB, dn string) {
	t.Helper()
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("pwdAccountLockedTime", nil)
	m.Replace("pwdFailureTime", nil)
	s.modifyAsRoot(t, m)
}

// ExpirePassword makes the password of dn expired: the entry gets a policy
// with a one-hour maximum age and graceLogins grace binds, and a
// pwdChangedTime in 2000. Binds then fail (or succeed graceLogins more
// times, with the count in the password-policy control). Needs
// Options.PPolicy.
func (s *Server) ExpirePassword(t testing.TB, dn string, graceLogins int) {
	t.Helper()
	policy := fmt.Sprintf("cn=expire-grace%d,%s", graceLogins, PoliciesDN)
	s.ensurePolicy(t, policy, "pwdMaxAge: 3600", fmt.Sprintf("pwdGraceAuthNLimit: %d", graceLogins), "pwdLockout: FALSE")
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("pwdPolicySubentry", []string{policy})
	m.Replace("pwdChangedTime", []string{"20000101000000Z"})
	s.modifyAsRoot(t, m)
}

// MustChangePassword marks the password of dn as reset by an administrator
// under a policy that forces a change (pwdMustChange TRUE, pwdReset TRUE):
// binds succeed but the server answers "change after reset" and allows
// only a password change. Needs Options.PPolicy.
func (s *Server) MustChangePassword(t testing.TB, dn string) {
	t.Helper()
	policy := "cn=mustchange," + PoliciesDN
	s.ensurePolicy(t, policy, "pwdMustChange: TRUE", "pwdLockout: FALSE")
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("pwdPolicySubentry", []string{policy})
	m.Replace("pwdReset", []string{"TRUE"})
	s.modifyAsRoot(t, m)
}

// ensurePolicy adds the policy entry dn unless it exists.
func (s *Server) ensurePolicy(t testing.TB, dn string, lines ...string) {
	t.Helper()
	conn := s.rootConn(t)
	defer conn.Close()
	add := goldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"device", "pwdPolicy"})
	add.Attribute("cn", []string{strings.TrimPrefix(strings.SplitN(dn, ",", 2)[0], "cn=")})
	add.Attribute("pwdAttribute", []string{"userPassword"})
	for _, l := range lines {
		attr, value, _ := strings.Cut(l, ": ")
		add.Attribute(attr, []string{value})
	}
	if err := conn.Add(add); err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultEntryAlreadyExists) {
		t.Fatalf("slapdtest: add policy %s: %v", dn, err)
	}
}

// modifyAsRoot applies m as the rootdn with the Relax Rules control.
func (s *Server) modifyAsRoot(t testing.TB, m *goldap.ModifyRequest) {
	t.Helper()
	conn := s.rootConn(t)
	defer conn.Close()
	m.Controls = append(m.Controls, goldap.NewControlString(relaxOID, true, ""))
	if err := conn.Modify(m); err != nil {
		t.Fatalf("slapdtest: modify %s: %v", m.DN, err)
	}
}

// rootConn is a plain-LDAP connection bound as the rootdn.
func (s *Server) rootConn(t testing.TB) *goldap.Conn {
	t.Helper()
	conn, err := goldap.DialURL(s.URL)
	if err != nil {
		t.Fatalf("slapdtest: dial %s: %v", s.URL, err)
	}
	conn.SetTimeout(10 * time.Second)
	if err := conn.Bind(s.AdminDN, s.AdminPassword); err != nil {
		conn.Close()
		t.Fatalf("slapdtest: bind as %s: %v", s.AdminDN, err)
	}
	return conn
}
