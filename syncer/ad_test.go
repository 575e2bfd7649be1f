package syncer

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Active Directory (Samba): objectGUID links, disabling on either side
// through userAccountControl, and users created in AD with unicodePwd.
func TestSyncActiveDirectory(t *testing.T) {
	srv := sambatest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, getenv := adPresetFor(t, srv)
	s.Users.SearchBase = sambatest.UsersDN
	s.Groups.SearchBase = sambatest.UsersDN
	s.Sync.Mode, s.Sync.Authority, s.Sync.MaxDelete = wizard.ModeTwoWay, wizard.AuthorityLDAP, "100%"
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	db, err := store.Open(ctx, s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	aliceDN := srv.AddUser(t, "alice", "Us3r!Passw0rd", false)
	bobDN := srv.AddUser(t, "bob", "Us3r!Passw0rd", true)
	srv.AddGroup(t, "team", aliceDN, bobDN)
	syncOK := func() *Report {
		t.Helper()
		rep, err := Run(ctx, s, db, Options{Getenv: getenv})
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		return rep
	}
	get := func(name string) *store.User {
		t.Helper()
		u, err := db.GetUserByName(ctx, name)
		if err != nil {
			t.Fatalf("store user %s: %v", name, err)
		}
		return u
	}
	syncOK()
	alice, bob := get("alice"), get("bob")
	if alice.Disabled || !bob.Disabled {
		t.Errorf("first sync: alice disabled=%v, bob disabled=%v", alice.Disabled, bob.Disabled)
	}
	l, err := db.LinkByLocalID(ctx, store.KindUser, alice.ID)
	if err != nil || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(l.StableID) {
		t.Errorf("alice's link should hold her objectGUID as a GUID string: %+v %v", l, err)
	}
	g, err := db.GetGroupByName(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := db.GroupMembers(ctx, g.ID); len(ids) != 2 {
		t.Errorf("team has %d store members", len(ids))
	}

	// Disabled in AD -> disabled in the store; enabled in the store -> enabled in AD.
	lc, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := ldap.Dial(ctx, lc)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Modify(ctx, aliceDN, []ldap.Change{{Op: ldap.ModReplace, Attr: "userAccountControl", Values: []string{"514"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetUserDisabled(ctx, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	// A user created in the store, with a password, is created in AD.
	carl, err := db.CreateUser(ctx, store.NewUser{Username: "carl", FirstName: "Carl", LastName: "Berg", Email: "carl@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetPassword(ctx, carl.ID, "C4rl!Passw0rd"); err != nil {
		t.Fatal(err)
	}
	rep := syncOK()
	if rep.Failed != 0 {
		t.Fatalf("failed: %s", rep.Error)
	}
	if !get("alice").Disabled {
		t.Error("alice, disabled in AD, is enabled in the store")
	}
	uac := func(dn string) string {
		e, err := admin.Entry(ctx, dn)
		if err != nil {
			t.Fatal(err)
		}
		return e.First("userAccountControl")
	}
	if got := uac(bobDN); got != "512" {
		t.Errorf("bob's userAccountControl is %s, want 512 (enabled in the store)", got)
	}
	cl, err := db.LinkByLocalID(ctx, store.KindUser, carl.ID)
	if err != nil {
		t.Fatalf("carl not linked: %v", err)
	}
	if got := uac(cl.DN); got != "512" {
		t.Errorf("carl's userAccountControl is %s, want 512", got)
	}
	lcCarl := lc
	lcCarl.BindDN, lcCarl.BindPassword = cl.DN, "C4rl!Passw0rd"
	if c, err := ldap.Dial(ctx, lcCarl); err != nil {
		t.Errorf("carl cannot bind with the store's password: %v", err)
	} else {
		c.Close()
	}
	p, err := Preview(ctx, s, db, Options{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("a second run plans: %s", describe(p.Actions))
	}
}
