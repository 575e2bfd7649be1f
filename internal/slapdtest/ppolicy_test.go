package slapdtest

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// bindWithPolicy binds as dn with the password-policy request control and
// returns the server's password-policy answer (nil when none came back) and
// the bind error.
func bindWithPolicy(t *testing.T, s *Server, dn, password string) (*goldap.ControlBeheraPasswordPolicy, error) {
	t.Helper()
	conn, err := goldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.SimpleBind(&goldap.SimpleBindRequest{Username: dn, Password: password,
		Controls: []goldap.Control{goldap.NewControlBeheraPasswordPolicy()}})
	// go-ldap returns the answer's controls with a failed bind too.
	var controls []goldap.Control
	if res != nil {
		controls = res.Controls
	}
	for _, c := range controls {
		if pp, ok := c.(*goldap.ControlBeheraPasswordPolicy); ok {
			return pp, err
		}
	}
	return nil, err
}

func TestPPolicyLockUnlockExpireMustChange(t *testing.T) {
	s := StartWith(t, Options{PPolicy: true})
	users := s.Fixture.Users
	locked, expired, grace, reset, failing := users[10].DN, users[11].DN, users[12].DN, users[13].DN, users[14].DN

	if _, err := bindWithPolicy(t, s, locked, UserPassword); err != nil {
		t.Fatalf("bind before lock: %v", err)
	}
	s.Lock(t, locked)
	pp, err := bindWithPolicy(t, s, locked, UserPassword)
	if !goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials) {
		t.Errorf("bind of a locked account: want 49, got %v", err)
	}
	if pp == nil || pp.Error != 1 { // accountLocked
		t.Errorf("locked: want password-policy error 1 (accountLocked), got %+v", pp)
	}
	s.Unlock(t, locked)
	if _, err := bindWithPolicy(t, s, locked, UserPassword); err != nil {
		t.Errorf("bind after unlock: %v", err)
	}

	for i := 0; i < PolicyMaxFailure; i++ {
		if _, err := bindWithPolicy(t, s, failing, "wrong"); err == nil {
			t.Fatal("a wrong password was accepted")
		}
	}
	if pp, err := bindWithPolicy(t, s, failing, UserPassword); err == nil || pp == nil || pp.Error != 1 {
		t.Errorf("after %d wrong passwords: want a lockout, got err=%v policy=%+v", PolicyMaxFailure, err, pp)
	}

	s.ExpirePassword(t, expired, 0)
	if pp, err := bindWithPolicy(t, s, expired, UserPassword); err == nil || pp == nil || pp.Error != 0 { // passwordExpired
		t.Errorf("expired: want a failed bind with password-policy error 0, got err=%v policy=%+v", err, pp)
	}
	s.ExpirePassword(t, grace, 2)
	if pp, err := bindWithPolicy(t, s, grace, UserPassword); err != nil || pp == nil || pp.Grace != 1 {
		t.Errorf("expired with 2 grace logins: want a bind with 1 left, got err=%v policy=%+v", err, pp)
	}

	s.MustChangePassword(t, reset)
	if pp, err := bindWithPolicy(t, s, reset, UserPassword); err != nil || pp == nil || pp.Error != 2 { // changeAfterReset
		t.Errorf("must change: want a bind with password-policy error 2, got err=%v policy=%+v", err, pp)
	}
}

func TestDefaultServerHasNoPPolicy(t *testing.T) {
	s := Start(t)
	conn := s.rootConn(t)
	defer conn.Close()
	res, err := conn.Search(goldap.NewSearchRequest("cn=Subschema", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"attributeTypes"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Entries[0].GetAttributeValues("attributeTypes") {
		if strings.Contains(v, "'pwdAccountLockedTime'") {
			t.Fatalf("the default server knows pwdAccountLockedTime: the ppolicy overlay is loaded")
		}
	}
}
