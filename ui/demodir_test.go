package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ldapwiz/demodir"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// startDemo runs the embedded demo directory for a test and returns
// settings pointing at it with the OpenLDAP preset's names.
func startDemo(t *testing.T, ad bool) wizard.Settings {
	t.Helper()
	srv, err := demodir.New(demodir.Options{AD: ad})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := srv.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := wizard.Preset(wizard.PresetOpenLDAP)
	s.Connection.URL = srv.URL()
	s.Connection.StartTLS = true
	s.Connection.CAFile = ca
	s.Connection.BindDN = srv.AdminDN()
	s.Connection.BindPassword = srv.AdminPassword()
	return s
}

func TestTestFindsActiveDirectoryAndApplies(t *testing.T) {
	s := startDemo(t, true)
	s.Users.SearchBase = "ou=people,dc=example,dc=com" // the OpenLDAP placeholder: outside the AD domain
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter", "ctrl+t")
	d.contains("The server is Active Directory", "ctrl+a")
	d.keys("ctrl+a")
	got := d.m.Settings()
	if !got.Connection.ActiveDirectory || got.Users.ObjectClass != "user" || got.Users.UsernameAttribute != "sAMAccountName" {
		t.Fatalf("AD settings not applied: %+v / %+v", got.Connection, got.Users)
	}
	if got.Connection.URL != s.Connection.URL || got.Connection.BindDN != s.Connection.BindDN {
		t.Fatal("applying the findings changed the connection")
	}
	t.Logf("users base now %s, groups base %s", got.Users.SearchBase, got.Groups.SearchBase)
	d.gotoScreen(wizard.ScreenUsers)
	t.Logf("\n%s", d.screen())
}

func TestDemoWalk(t *testing.T) {
	s := startDemo(t, false)
	s.Users.SearchBase = ""
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter", "ctrl+t")
	if d.m.connS().test.result == nil || d.m.connS().test.result.Step(ldap.StepBind).Status != ldap.StepOK {
		t.Fatalf("bind against the demo failed:\n%s", d.screen())
	}
	// The empty user base is the one failure, pointing at its setting.
	if st := d.m.connS().test.result.Step(ldap.StepUserBase); st.Status != ldap.StepFailed || st.Setting != "users.search_base" {
		t.Fatalf("user base step = %+v", st)
	}
	d.gotoScreen(wizard.ScreenUsers)
	d.keys("ctrl+b", "right")
	for range 10 {
		if n := d.m.browser.current(); n != nil && n.RDN == "ou=people" {
			break
		}
		d.keys("j")
	}
	d.keys("enter")
	if d.m.Settings().Users.SearchBase == "" {
		t.Fatal("no base picked")
	}
	d.contains("✓ matches")
	d.gotoScreen(wizard.ScreenReview)
	d.keys("ctrl+s")
	data, err := os.ReadFile(d.m.opts.Path)
	if err != nil {
		t.Fatal(err)
	}
	loaded := wizard.Default()
	if err := decodeForTest(data, &loaded); err != nil {
		t.Fatal(err)
	}
	if loaded.Users.SearchBase != d.m.Settings().Users.SearchBase {
		t.Fatalf("saved base %q", loaded.Users.SearchBase)
	}
}
