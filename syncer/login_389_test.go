package syncer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestCheckLogin389 checks logins against a real 389 Directory Server with
// its preset: a good password binds, an inactivated account (nsAccountLock)
// is decoded from 389's own answer, and the fixture's uid shared by two
// OUs is ambiguous.
func TestCheckLogin389(t *testing.T) {
	srv := ds389test.Start(t)
	s, _ := wizard.Preset(wizard.Preset389DS)
	s.Connection.URL = srv.URL
	s.Connection.VerifyTLS = true
	s.Connection.CAFile = srv.CAFile
	s.Connection.BindDN = ds389test.ReaderDN
	s.Connection.BindPassword = ds389test.ReaderPassword
	s.Users.SearchBase = ds389test.PeopleDN
	s.Groups.SearchBase = ds389test.GroupsDN
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	cfg, err := s.LDAPConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	good := CheckLogin(ctx, s, cfg, nil, "jdoe", ds389test.UserPassword, nil)
	if st := stepOf(good, LoginStepPassword); st.Status != ldap.StepOK || !ldap.DNEqual(good.DN, ds389test.JohnDoeDN) {
		t.Errorf("a good password on 389 DS: %+v", good)
	}

	locked := CheckLogin(ctx, s, cfg, nil, "locked.user", ds389test.UserPassword, nil)
	if st := stepOf(locked, LoginStepPassword); locked.OK || locked.BindError == nil || locked.BindError.Policy != "account_inactivated" ||
		!strings.Contains(st.Detail, "inactivated") || !strings.Contains(st.Hint, "nsAccountLock") {
		t.Errorf("an inactivated account on 389 DS: %+v", locked)
	}

	amb := CheckLogin(ctx, s, cfg, nil, ds389test.DuplicateUID, ds389test.UserPassword, nil)
	if st := stepOf(amb, LoginStepFind); amb.OK || !strings.Contains(st.Detail, "ambiguous") ||
		!strings.Contains(st.Detail, ds389test.DupUIDOU1DN) || !strings.Contains(st.Detail, ds389test.DupUIDOU2DN) {
		t.Errorf("an ambiguous username on 389 DS: %+v", st)
	}
}
