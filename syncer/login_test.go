package syncer

import (
	"encoding/json"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// loginLDIF adds the same uid in two OUs (an ambiguous login name) and a
// user outside ou=people, to the slapd fixture.
const loginLDIF = `dn: uid=tdupont,ou=ou1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tdupont
cn: Thomas Dupont
sn: Dupont
userPassword: Passw0rd!

dn: uid=tdupont,ou=ou2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tdupont
cn: Theo Dupont
sn: Dupont
userPassword: Passw0rd!

dn: uid=outsider,ou=empty,dc=example,dc=com
objectClass: inetOrgPerson
uid: outsider
cn: Out Sider
sn: Sider
userPassword: Passw0rd!
`

// checkLogin runs CheckLogin for e's settings and store.
func (e *syncEnv) checkLogin(username, password string) LoginCheck {
	e.t.Helper()
	cfg, err := e.s.LDAPConfig(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	var reported []string
	res := CheckLogin(e.ctx, e.s, cfg, e.db, username, password, func(st ldap.Step) { reported = append(reported, st.ID) })
	if len(reported) != len(loginTitles) || len(res.Steps) != len(loginTitles) {
		e.t.Errorf("%s: reported steps %v, result has %d", username, reported, len(res.Steps))
	}
	if b, _ := json.Marshal(res); strings.Contains(string(b), password) && password != "" {
		e.t.Errorf("%s: the result holds the password: %s", username, b)
	}
	return res
}

// stepOf returns the step id of a login check.
func stepOf(res LoginCheck, id string) ldap.Step {
	for _, st := range res.Steps {
		if st.ID == id {
			return st
		}
	}
	return ldap.Step{}
}

// TestCheckLoginSlapdPPolicy walks the login path against a real slapd
// with the password-policy overlay: success, a wrong password, an expired,
// a locked and a must-change password, grace logins, an ambiguous
// username, an unknown one, one outside the users' scope, and the store
// user disabled or pending enrollment.
func TestCheckLoginSlapdPPolicy(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{PPolicy: true, ExtraLDIF: loginLDIF})
	e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	f := e.srv.Fixture
	users := f.Users[6:]
	pw := slapdtest.UserPassword

	ok := e.checkLogin("zsimkova", pw)
	if !ok.OK || ok.Failed() != nil || ok.DN != f.Users[3].DN || ok.StoreUser == nil || ok.StoreUser.Username != "zsimkova" {
		t.Errorf("a good login: %+v", ok)
	}

	wrong := e.checkLogin("lzolw", "not-the-password")
	if st := stepOf(wrong, LoginStepPassword); wrong.OK || st.Status != ldap.StepFailed || !strings.Contains(st.Detail, "password is wrong") ||
		wrong.BindError == nil || wrong.BindError.Code != 49 {
		t.Errorf("a wrong password: %+v", wrong)
	}
	if st := stepOf(wrong, LoginStepStore); st.Status != ldap.StepNotRun {
		t.Errorf("after a refused bind the store step ran: %+v", st)
	}

	e.srv.ExpirePassword(t, users[0].DN, 0)
	expired := e.checkLogin(users[0].UID, pw)
	if st := stepOf(expired, LoginStepPassword); expired.OK || expired.BindError == nil || expired.BindError.Policy != ldap.PolicyPasswordExpired ||
		!strings.Contains(st.Detail, "expired") {
		t.Errorf("an expired password: %+v", expired)
	}

	e.srv.Lock(t, users[1].DN)
	locked := e.checkLogin(users[1].UID, pw)
	if st := stepOf(locked, LoginStepPassword); locked.OK || locked.BindError == nil || locked.BindError.Policy != ldap.PolicyAccountLocked ||
		!strings.Contains(st.Detail, "locked") || !strings.Contains(st.Hint, "pwdAccountLockedTime") {
		t.Errorf("a locked account: %+v", locked)
	}

	// Three wrong passwords in a row lock the account under the default
	// policy; the right password is then refused as locked.
	for range slapdtest.PolicyMaxFailure {
		e.checkLogin(users[2].UID, "Wr0ng-Passw0rd")
	}
	lockedOut := e.checkLogin(users[2].UID, pw)
	if lockedOut.OK || lockedOut.BindError == nil || lockedOut.BindError.Policy != ldap.PolicyAccountLocked {
		t.Errorf("locked after failures: %+v", lockedOut)
	}

	e.srv.ExpirePassword(t, users[3].DN, 2)
	grace := e.checkLogin(users[3].UID, pw)
	if st := stepOf(grace, LoginStepPassword); !grace.OK || st.Status != ldap.StepWarning || grace.Policy.GraceLoginsLeft == nil ||
		*grace.Policy.GraceLoginsLeft != 1 || !strings.Contains(st.Detail, "1 grace login left") {
		t.Errorf("a grace login: %+v", grace)
	}

	e.srv.MustChangePassword(t, users[4].DN)
	must := e.checkLogin(users[4].UID, pw)
	if st := stepOf(must, LoginStepPassword); must.OK || st.Status != ldap.StepFailed || must.Policy.Error != ldap.PolicyChangeAfterReset ||
		!strings.Contains(st.Detail, "must be changed") {
		t.Errorf("a password to change after a reset: %+v", must)
	}

	amb := e.checkLogin("tdupont", pw)
	if st := stepOf(amb, LoginStepFind); amb.OK || st.Status != ldap.StepFailed || !strings.Contains(st.Detail, "ambiguous") ||
		!strings.Contains(st.Detail, "uid=tdupont,ou=ou1,ou=people,dc=example,dc=com") || !strings.Contains(st.Detail, "uid=tdupont,ou=ou2,ou=people,dc=example,dc=com") {
		t.Errorf("an ambiguous username: %+v", st)
	}
	if st := stepOf(amb, LoginStepPassword); st.Status != ldap.StepNotRun {
		t.Errorf("an ambiguous username was tried: %+v", st)
	}

	none := e.checkLogin("nobody-by-that-name", pw)
	if st := stepOf(none, LoginStepFind); none.OK || !strings.Contains(st.Detail, "not found") {
		t.Errorf("an unknown username: %+v", st)
	}

	out := e.checkLogin("outsider", pw)
	if st := stepOf(out, LoginStepFind); out.OK || !strings.Contains(st.Detail, "outside the users' scope") || st.Setting != "users.search_base" ||
		len(out.Lookup.Outside) != 1 || out.Lookup.Outside[0].DN != "uid=outsider,ou=empty,dc=example,dc=com" {
		t.Errorf("a user outside the base: %+v", out)
	}
	e.s.Users.Filter = "(mail=*)"
	filtered := e.checkLogin("lzolw", pw) // lzolw has no mail
	if st := stepOf(filtered, LoginStepFind); filtered.OK || st.Setting != "users.filter" || !strings.Contains(st.Detail, "(mail=*)") {
		t.Errorf("a user removed by users.filter: %+v", st)
	}
	e.s.Users.Filter = ""

	// groups.sync_only: project-x holds user1 (ou1) but not zsimkova.
	e.s.Groups.SyncOnly = []string{"project-x"}
	member := e.checkLogin("user1", pw)
	if st := stepOf(member, LoginStepSyncOnly); st.Status != ldap.StepOK || !strings.Contains(st.Detail, "project-x") {
		t.Errorf("a member of sync_only: %+v", st)
	}
	nonMember := e.checkLogin("zsimkova", pw)
	if st := stepOf(nonMember, LoginStepSyncOnly); nonMember.OK || st.Status != ldap.StepFailed || st.Setting != "groups.sync_only" {
		t.Errorf("not a member of sync_only: %+v", st)
	}
	e.s.Groups.SyncOnly = nil

	// The store user's state.
	u := e.mustUser("zsimkova")
	if _, err := e.db.SetUserDisabled(e.ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	disabled := e.checkLogin("zsimkova", pw)
	if st := stepOf(disabled, LoginStepStore); disabled.OK || !strings.Contains(st.Detail, "disabled") || !disabled.StoreUser.Disabled {
		t.Errorf("a disabled store user: %+v", st)
	}
	if _, err := e.db.SetUserDisabled(e.ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetEnrollmentPending(e.ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	pending := e.checkLogin("zsimkova", pw)
	if st := stepOf(pending, LoginStepStore); pending.OK || !strings.Contains(st.Detail, "enroll") {
		t.Errorf("a store user pending enrollment: %+v", st)
	}

	// A user the directory has but no sync has linked yet.
	e.modify(e.addDirUser("newcomer", "newcomer@example.com"), "userPassword", pw)
	fresh := e.checkLogin("newcomer", pw)
	if st := stepOf(fresh, LoginStepStore); fresh.OK || !strings.Contains(st.Detail, "no store user is linked") {
		t.Errorf("a user not synchronized yet: %+v", st)
	}
}
