package ldap_test

import (
	"context"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
)

// ds389Config is a StartTLS configuration for ds binding as dn.
func ds389Config(ds *ds389test.Server, dn, pw string) ldap.Config {
	return ldap.Config{URL: ds.URL, StartTLS: true, VerifyTLS: true, CAFile: ds.CAFile, BindDN: dn, BindPassword: pw, Timeout: 10 * time.Second}
}

// bindAs binds as dn on a fresh connection asking for the password-policy
// control, and returns the policy's answer and the bind's error.
func bindAs(t *testing.T, cfg ldap.Config, dn, pw string) (ldap.PasswordPolicy, error) {
	t.Helper()
	ctx := context.Background()
	c, err := ldap.Connect(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	return c.BindWithPolicy(ctx, dn, pw)
}

// unlockedUsers returns n fixture users that are not locked.
func unlockedUsers(ds *ds389test.Server, n int) []string {
	var out []string
	for _, u := range ds.Fixture.Users[10:] {
		if !u.Locked && len(out) < n {
			out = append(out, u.DN)
		}
	}
	return out
}

// TestPasswordPolicy389 binds against a real 389 Directory Server as an
// inactivated account (nsAccountLock) and, with the global password policy
// turned on in cn=config, as accounts whose password expired, expires soon,
// is in its grace logins, or is locked after failures: each answer is
// decoded, for the bind account and for a user's login.
func TestPasswordPolicy389(t *testing.T) {
	ds := ds389test.Start(t)
	cfg := ds389Config(ds, "", "")
	ctx := context.Background()

	// nsAccountLock: true, from the fixture.
	_, err := bindAs(t, cfg, ds389test.LockedUserDN, ds389test.UserPassword)
	if d := ldap.ExplainLogin(err); d.Policy != "account_inactivated" || !strings.Contains(d.Problem, "inactivated") || !strings.Contains(d.Hint, "nsAccountLock") {
		t.Errorf("inactivated account at login: %v -> %+v", err, d)
	}
	res := ldap.RunTest(ctx, ds389Config(ds, ds389test.LockedUserDN, ds389test.UserPassword), ldap.TestScope{UserBase: ds389test.PeopleDN}, nil)
	if st := stepByID(res, ldap.StepBind); st.Status != ldap.StepFailed || !strings.Contains(st.Detail, "inactivated") || st.Setting != "connection.bind_dn" {
		t.Errorf("connection test as an inactivated account: %+v", st)
	}

	users := unlockedUsers(ds, 4)
	expired, expiring, grace, lockout := users[0], users[1], users[2], users[3]
	admin := ds.AdminConn(t)
	modify := func(dn string, attrs map[string]string) {
		t.Helper()
		m := goldap.NewModifyRequest(dn, nil)
		for a, v := range attrs {
			m.Replace(a, []string{v})
		}
		if err := admin.Modify(m); err != nil {
			t.Fatalf("modify %s: %v", dn, err)
		}
	}
	modify("cn=config", map[string]string{
		"passwordExp": "on", "passwordMaxAge": "8640000", "passwordWarning": "86400",
		"passwordGraceLimit": "0", "passwordLockout": "on", "passwordMaxFailure": "3", "passwordLockoutDuration": "3600",
	})
	gen := func(d time.Duration) string { return time.Now().UTC().Add(d).Format("20060102150405Z") }

	// Expired, no grace logins.
	modify(expired, map[string]string{"passwordExpirationTime": "20000101000000Z"})
	_, err = bindAs(t, cfg, expired, ds389test.UserPassword)
	if d := ldap.Explain(err); d.Policy != ldap.PolicyPasswordExpired || !strings.Contains(d.Problem, "expired") || d.Setting != "connection.bind_password_file" {
		t.Errorf("expired password: %v -> %+v", err, d)
	}

	// Expires within passwordWarning: the bind succeeds with a warning (389
	// DS grants the whole warning period from the first warning on).
	modify(expiring, map[string]string{"passwordExpirationTime": gen(2 * time.Hour)})
	p, err := bindAs(t, cfg, expiring, ds389test.UserPassword)
	if err != nil || p.ExpiresInSeconds <= 0 || p.ExpiresInSeconds > 86400 {
		t.Errorf("expiring password: policy %+v, err %v", p, err)
	}
	if notes := strings.Join(p.PolicyNotes(), "; "); !strings.Contains(notes, "the password expires in ") {
		t.Errorf("expiring password notes: %q", notes)
	}
	res = ldap.RunTest(ctx, ds389Config(ds, expiring, ds389test.UserPassword), ldap.TestScope{UserBase: ds389test.PeopleDN}, nil)
	if st := stepByID(res, ldap.StepBind); st.Status != ldap.StepWarning || !strings.Contains(st.Detail, "expires in") {
		t.Errorf("connection test as an account whose password expires soon: %+v", st)
	}

	// Grace logins: an expired password still binds, counting down.
	modify("cn=config", map[string]string{"passwordGraceLimit": "2"})
	modify(grace, map[string]string{"passwordExpirationTime": "20000101000000Z"})
	p, err = bindAs(t, cfg, grace, ds389test.UserPassword)
	if err != nil || p.GraceLoginsLeft == nil || *p.GraceLoginsLeft != 1 {
		t.Errorf("grace login: policy %+v (grace %v), err %v", p, p.GraceLoginsLeft, err)
	}
	if notes := strings.Join(p.PolicyNotes(), "; "); !strings.Contains(notes, "1 grace login left") {
		t.Errorf("grace login notes: %q", notes)
	}

	// Three wrong passwords lock the account; the right one is then refused.
	for range 3 {
		if _, err := bindAs(t, cfg, lockout, "wrong-password"); err == nil {
			t.Fatal("a wrong password bound")
		}
	}
	_, err = bindAs(t, cfg, lockout, ds389test.UserPassword)
	if d := ldap.ExplainLogin(err); d.Policy != ldap.PolicyAccountLocked || !strings.Contains(d.Problem, "locked") || d.Setting != "" {
		t.Errorf("locked after failures: %v -> %+v", err, d)
	}
}

// stepByID returns the step id of a connection test's result.
func stepByID(res ldap.TestResult, id string) ldap.Step {
	for _, st := range res.Steps {
		if st.ID == id {
			return st
		}
	}
	return ldap.Step{}
}
