package ldap

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// policyControl is a password-policy response control as go-ldap decodes
// one: -1 where the server sent nothing.
func policyControl(expire, grace int64, errCode int8) *goldap.ControlBeheraPasswordPolicy {
	c := goldap.NewControlBeheraPasswordPolicy()
	c.Expire, c.Grace, c.Error = expire, grace, errCode
	return c
}

func TestPolicyFromControls(t *testing.T) {
	two := 2
	for _, tc := range []struct {
		name     string
		controls []goldap.Control
		want     PasswordPolicy
	}{
		{"nothing", nil, PasswordPolicy{}},
		{"an empty policy control", []goldap.Control{policyControl(-1, -1, -1)}, PasswordPolicy{}},
		{"expiry warning", []goldap.Control{policyControl(3600, -1, -1)}, PasswordPolicy{ExpiresInSeconds: 3600}},
		{"grace logins", []goldap.Control{policyControl(-1, 2, -1)}, PasswordPolicy{GraceLoginsLeft: &two}},
		{"locked", []goldap.Control{policyControl(-1, -1, goldap.BeheraAccountLocked)}, PasswordPolicy{Error: PolicyAccountLocked}},
		{"expired", []goldap.Control{policyControl(-1, -1, goldap.BeheraPasswordExpired)}, PasswordPolicy{Error: PolicyPasswordExpired}},
		{"change after reset", []goldap.Control{policyControl(-1, -1, goldap.BeheraChangeAfterReset)}, PasswordPolicy{Error: PolicyChangeAfterReset}},
		{"389 must change", []goldap.Control{&goldap.ControlVChuPasswordMustChange{MustChange: true}}, PasswordPolicy{MustChange: true}},
		{"389 expiring", []goldap.Control{&goldap.ControlVChuPasswordWarning{Expire: 600}}, PasswordPolicy{ExpiresInSeconds: 600}},
		{"389 both warnings", []goldap.Control{policyControl(500, -1, -1), &goldap.ControlVChuPasswordWarning{Expire: 600}}, PasswordPolicy{ExpiresInSeconds: 500}},
	} {
		got := policyFrom(tc.controls)
		if got.Error != tc.want.Error || got.ExpiresInSeconds != tc.want.ExpiresInSeconds || got.MustChange != tc.want.MustChange ||
			(got.GraceLoginsLeft == nil) != (tc.want.GraceLoginsLeft == nil) ||
			(got.GraceLoginsLeft != nil && *got.GraceLoginsLeft != *tc.want.GraceLoginsLeft) {
			t.Errorf("%s: policyFrom = %+v, want %+v", tc.name, got, tc.want)
		}
		if got.Said() != (tc.name != "nothing" && tc.name != "an empty policy control") {
			t.Errorf("%s: Said() = %v", tc.name, got.Said())
		}
	}
}

// TestExplainPolicyRefusals decodes the refusals of OpenLDAP's ppolicy
// overlay and 389 DS (with and without the password-policy control), for
// the bind account (hints name a setting) and for a user's login (hints
// say what to do, no setting).
func TestExplainPolicyRefusals(t *testing.T) {
	withPolicy := func(err error, p PasswordPolicy) error { return &PolicyError{Err: err, Policy: p} }
	for _, tc := range []struct {
		name    string
		err     error
		policy  string
		phrase  string
		setting string
	}{
		{"OpenLDAP locked", withPolicy(ldapErr(49, "", ""), PasswordPolicy{Error: PolicyAccountLocked}), PolicyAccountLocked, "locked", "connection.bind_password_file"},
		{"OpenLDAP expired", withPolicy(ldapErr(49, "", ""), PasswordPolicy{Error: PolicyPasswordExpired}), PolicyPasswordExpired, "expired", "connection.bind_password_file"},
		{"389 expired with control", withPolicy(ldapErr(49, "password expired!", ""), PasswordPolicy{Error: PolicyPasswordExpired, MustChange: true}), PolicyPasswordExpired, "expired", "connection.bind_password_file"},
		{"389 expired, only its own control", withPolicy(ldapErr(49, "", ""), PasswordPolicy{MustChange: true}), PolicyPasswordExpired, "expired", "connection.bind_password_file"},
		{"389 expired without control", ldapErr(49, "password expired!", ""), PolicyPasswordExpired, "expired", "connection.bind_password_file"},
		{"389 inactivated", ldapErr(53, "Account inactivated. Contact system administrator.", ""), dsInactivated, "inactivated", "connection.bind_dn"},
		{"389 inactivated with control", withPolicy(ldapErr(53, "Account inactivated. Contact system administrator.", ""), PasswordPolicy{Error: PolicyAccountLocked}), dsInactivated, "inactivated", "connection.bind_dn"},
		{"389 retry limit", ldapErr(19, "Exceed password retry limit. Please try later.", ""), PolicyAccountLocked, "locked", "connection.bind_password_file"},
		{"389 retry limit, contact admin", ldapErr(19, "Exceed password retry limit. Contact system administrator to reset.", ""), PolicyAccountLocked, "locked", "connection.bind_password_file"},
	} {
		d := Explain(tc.err)
		if d.Policy != tc.policy || !strings.Contains(d.Problem, tc.phrase) || d.Setting != tc.setting || d.Hint == "" {
			t.Errorf("%s: Explain = %+v", tc.name, d)
		}
		l := ExplainLogin(tc.err)
		if l.Policy != tc.policy || !strings.Contains(l.Problem, tc.phrase) || l.Setting != "" || l.Hint == "" || strings.Contains(l.Hint, "connection.") {
			t.Errorf("%s: ExplainLogin = %+v", tc.name, l)
		}
	}
	// Not a policy refusal: the plain decoding stays.
	if d := Explain(ldapErr(53, "Unwilling", "")); d.Policy != "" || !strings.Contains(d.Problem, "unwilling") {
		t.Errorf("53 without a policy: %+v", d)
	}
	if d := ExplainLogin(ldapErr(49, "", "")); d.Policy != "" || !strings.Contains(d.Problem, "password is wrong") || d.Setting != "" {
		t.Errorf("OpenLDAP invalid credentials at login: %+v", d)
	}
}

// TestExplainLoginADSubCodes: a user's bind refused by Active Directory is
// explained for the user, with the sub-code kept.
func TestExplainLoginADSubCodes(t *testing.T) {
	for code, phrase := range map[string]string{
		"525": "does not exist", "52e": "password is wrong", "530": "at this time", "531": "from this computer",
		"532": "password has expired", "533": "disabled", "701": "account has expired", "773": "must be changed", "775": "locked out",
	} {
		err := ldapErr(49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data "+code+", v4563\x00", "")
		d := ExplainLogin(err)
		if d.SubCode != code || !strings.Contains(d.Problem, phrase) || d.Setting != "" || d.Hint == "" || strings.Contains(d.Hint, "connection.") {
			t.Errorf("data %s: %+v", code, d)
		}
	}
	d := ExplainLogin(ldapErr(49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52f, v4563", ""))
	if d.SubCode != "52f" || !strings.Contains(d.Problem, "52f") || d.Setting != "" {
		t.Errorf("unknown sub-code: %+v", d)
	}
}

func TestPolicyNotes(t *testing.T) {
	one, zero := 1, 0
	for _, tc := range []struct {
		p       PasswordPolicy
		phrases []string
	}{
		{PasswordPolicy{}, nil},
		{PasswordPolicy{ExpiresInSeconds: 3*86400 + 4*3600 + 5}, []string{"expires in 3 days 4 hours"}},
		{PasswordPolicy{ExpiresInSeconds: 90}, []string{"expires in 1 minute 30 seconds"}},
		{PasswordPolicy{GraceLoginsLeft: &one}, []string{"grace login", "1 grace login left"}},
		{PasswordPolicy{GraceLoginsLeft: &zero}, []string{"0 grace logins left"}},
		{PasswordPolicy{Error: PolicyChangeAfterReset}, []string{"must be changed"}},
		{PasswordPolicy{MustChange: true}, []string{"must be changed"}},
	} {
		notes := strings.Join(tc.p.PolicyNotes(), " | ")
		if (notes == "") != (tc.phrases == nil) {
			t.Errorf("%+v: notes %q", tc.p, notes)
		}
		for _, ph := range tc.phrases {
			if !strings.Contains(notes, ph) {
				t.Errorf("%+v: notes %q lack %q", tc.p, notes, ph)
			}
		}
	}
}

// FuzzExplainLogin feeds server diagnostic messages (outside input) to the
// bind decoders: they never panic, always say something, and never name a
// setting for a user's login.
func FuzzExplainLogin(f *testing.F) {
	f.Add(uint16(49), "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 775, v4563\x00")
	f.Add(uint16(53), "Account inactivated. Contact system administrator.")
	f.Add(uint16(19), "Exceed password retry limit. Please try later.")
	f.Add(uint16(49), "password expired!")
	f.Add(uint16(49), "data ")
	f.Fuzz(func(t *testing.T, code uint16, msg string) {
		if code == 0 || code >= goldap.ErrorNetwork {
			return
		}
		err := ldapErr(code, msg, "")
		if d := ExplainLogin(err); d.Problem == "" {
			t.Fatalf("ExplainLogin(%d, %q) says nothing", code, msg)
		}
		if d := Explain(err); d.Problem == "" {
			t.Fatalf("Explain(%d, %q) says nothing", code, msg)
		}
	})
}
