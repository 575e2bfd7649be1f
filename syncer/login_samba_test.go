package syncer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/store"
)

// TestCheckLoginSamba checks logins against a real Samba AD domain with
// the Active Directory preset: a good password logs in, a wrong one is
// decoded from the 49 sub-code (52e), a disabled account (533).
func TestCheckLoginSamba(t *testing.T) {
	srv := sambatest.Start(t)
	const pw = "Us3r!Passw0rd"
	srv.AddUser(t, "loginok", pw, false)
	srv.AddUser(t, "logindisabled", pw, true)
	s, getenv := adPresetFor(t, srv)
	s.Users.SearchBase = sambatest.UsersDN
	s.Groups.SearchBase = sambatest.UsersDN
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	cfg, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := store.Open(ctx, s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	good := CheckLogin(ctx, s, cfg, db, "loginok", pw, nil)
	if st := stepOf(good, LoginStepPassword); st.Status != ldap.StepOK || !strings.Contains(good.DN, "CN=loginok") {
		t.Errorf("a good password on AD: %+v", good)
	}
	if st := stepOf(good, LoginStepStore); good.OK || !strings.Contains(st.Detail, "no store user is linked") {
		t.Errorf("before any sync the store has no user: %+v", st)
	}

	wrong := CheckLogin(ctx, s, cfg, db, "loginok", "Wr0ng!Passw0rd", nil)
	if st := stepOf(wrong, LoginStepPassword); wrong.OK || wrong.BindError == nil || wrong.BindError.SubCode != "52e" ||
		!strings.Contains(st.Detail, "password is wrong") || !strings.Contains(st.Detail, "data 52e") {
		t.Errorf("a wrong password on AD: %+v", wrong)
	}

	disabled := CheckLogin(ctx, s, cfg, db, "logindisabled", pw, nil)
	if disabled.OK || disabled.BindError == nil || disabled.BindError.SubCode != "533" {
		t.Errorf("a disabled account on AD: %+v", disabled)
	}
}
