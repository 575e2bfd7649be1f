package ldap_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// TestPasswordPolicySlapd runs the connection test against a real slapd
// with the ppolicy overlay, binding as accounts the policy has something
// to say about: locked (refused, decoded, the setting named), expired with
// grace logins left and reset by an administrator (bound, with a warning).
func TestPasswordPolicySlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{PPolicy: true})
	users := srv.Fixture.Users[6:]
	ctx := context.Background()
	run := func(dn string) ldap.Step {
		t.Helper()
		cfg := ldap.Config{URL: srv.URL, StartTLS: true, VerifyTLS: true, CAFile: srv.CAFile, BindDN: dn, BindPassword: slapdtest.UserPassword, Timeout: 10 * time.Second}
		return stepByID(ldap.RunTest(ctx, cfg, ldap.TestScope{UserBase: slapdtest.PeopleDN}, nil), ldap.StepBind)
	}

	srv.Lock(t, users[0].DN)
	if st := run(users[0].DN); st.Status != ldap.StepFailed || !strings.Contains(st.Detail, "account is locked") ||
		!strings.Contains(st.Hint, "pwdAccountLockedTime") || st.Setting != "connection.bind_password_file" {
		t.Errorf("a locked bind account: %+v", st)
	}

	srv.ExpirePassword(t, users[1].DN, 0)
	if st := run(users[1].DN); st.Status != ldap.StepFailed || !strings.Contains(st.Detail, "password has expired") {
		t.Errorf("an expired bind password: %+v", st)
	}

	srv.ExpirePassword(t, users[2].DN, 3)
	if st := run(users[2].DN); st.Status != ldap.StepWarning || !strings.Contains(st.Detail, "2 grace logins left") ||
		st.Setting != "connection.bind_password_file" {
		t.Errorf("a bind on a grace login: %+v", st)
	}

	srv.MustChangePassword(t, users[3].DN)
	if st := run(users[3].DN); st.Status != ldap.StepWarning || !strings.Contains(st.Detail, "must be changed") {
		t.Errorf("a bind account whose password was reset: %+v", st)
	}

	if st := run(users[4].DN); st.Status != ldap.StepOK {
		t.Errorf("an account the policy has nothing to say about: %+v", st)
	}
}

// TestDialDecodesPolicyRefusals binds the service account the way sync,
// preview and browse do (Dial) against slapd with ppolicy: a locked or
// expired account is refused with the policy's reason in plain words, not
// a bare "invalid credentials", and is never failed over.
func TestDialDecodesPolicyRefusals(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{PPolicy: true})
	users := srv.Fixture.Users[6:]
	ctx := context.Background()
	dial := func(dn string) error {
		t.Helper()
		cfg := ldap.Config{URL: srv.URL, StartTLS: true, VerifyTLS: true, CAFile: srv.CAFile, BindDN: dn, BindPassword: slapdtest.UserPassword, Timeout: 10 * time.Second}
		c, err := ldap.Dial(ctx, cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	srv.Lock(t, users[0].DN)
	if err := dial(users[0].DN); err == nil || !strings.Contains(ldap.Explain(err).String(), "account is locked") {
		t.Errorf("a locked service account: %v → %q", err, ldap.Explain(err))
	}
	srv.ExpirePassword(t, users[1].DN, 0)
	if err := dial(users[1].DN); err == nil || !strings.Contains(ldap.Explain(err).String(), "password has expired") {
		t.Errorf("an expired service account: %v → %q", err, ldap.Explain(err))
	}
	if err := dial(users[4].DN); err != nil {
		t.Errorf("an account the policy has nothing to say about: %v", err)
	}
}
