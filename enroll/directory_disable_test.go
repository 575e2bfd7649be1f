package enroll_test

import (
	"errors"
	"path/filepath"
	"testing"

	"ldapwiz/enroll"
	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestDirectoryDisableRevokesInvitation imports an Active Directory user
// with enrollment on, then disables the account in the directory: the next
// sync disables the store user and so revokes its invitation, whose token
// is then refused as ErrUserDisabled.
func TestDirectoryDisableRevokesInvitation(t *testing.T) {
	e := enroll.NewTestEnv(t)
	srv := sambatest.Start(t)
	s, ok := wizard.Preset(wizard.PresetAD)
	if !ok {
		t.Fatal("no AD preset")
	}
	s.Connection.URL, s.Connection.BindDN, s.Connection.CAFile = srv.LDAPSURL, srv.AdminUPN, srv.CAFile
	s.Connection.BindPasswordEnv = "TEST_BIND_PASSWORD"
	getenv := func(k string) string {
		if k == s.Connection.BindPasswordEnv {
			return srv.AdminPassword
		}
		return ""
	}
	ou := srv.AddOU(t, "enrollrevoke")
	s.Users.SearchBase, s.Groups.SearchBase = ou, ou
	s.Sync.Mode = wizard.ModeImport
	s.Store.Path = filepath.Join(t.TempDir(), "unused.db")
	s.Enrollment, s.SMTP = e.S.Enrollment, e.S.SMTP
	e.S = s

	lc, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := ldap.Dial(e.Ctx, lc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	dn := ldap.BuildDN("cn", "Dana Scully", ou)
	if err := admin.AddADUser(e.Ctx, dn, ldap.ADUser{SAMAccountName: "dana", UserPrincipalName: "dana@example.test",
		Password: "Us3r!Passw0rd", Attributes: map[string][]string{"givenName": {"Dana"}, "sn": {"Scully"}, "mail": {"dana@example.test"}}}); err != nil {
		t.Fatal(err)
	}
	sync := func() {
		t.Helper()
		if _, err := syncer.Run(e.Ctx, e.S, e.DB, syncer.Options{Getenv: getenv, Enroller: e.Enroller()}); err != nil {
			t.Fatalf("sync: %v", err)
		}
	}
	sync()
	dana, err := e.DB.GetUserByName(e.Ctx, "dana")
	if err != nil || dana.Disabled || !dana.EnrollmentPending {
		t.Fatalf("imported: %+v %v", dana, err)
	}
	token := e.Mails(0)["dana@example.test"].Token
	if token == "" {
		t.Fatal("no invitation mailed")
	}

	// Disable the account in the directory (ACCOUNTDISABLE, 0x2) and sync.
	if err := admin.Modify(e.Ctx, dn, []ldap.Change{{Op: ldap.ModReplace, Attr: "userAccountControl", Values: []string{"514"}}}); err != nil {
		t.Fatal(err)
	}
	sync()
	if dana, err = e.DB.GetUserByName(e.Ctx, "dana"); err != nil || !dana.Disabled {
		t.Fatalf("after the directory disable: %+v %v", dana, err)
	}
	ins, err := e.DB.ListInvites(e.Ctx, dana.ID)
	if err != nil || len(ins) != 1 || !ins[0].Revoked() {
		t.Fatalf("invitation after the directory disable: %+v %v", ins, err)
	}
	if _, err := enroll.VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, enroll.ErrUserDisabled) {
		t.Fatalf("token of a user disabled in the directory: %v, want ErrUserDisabled", err)
	}
}
