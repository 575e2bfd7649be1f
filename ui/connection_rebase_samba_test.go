package ui

import (
	"path/filepath"
	"testing"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestADPresetAgainstSambaInTheWizard is issue 8 item 4 through the
// wizard: New: Active Directory, then only the address, CA file, account
// and password; the connection test moves the placeholder bases onto the
// Samba domain, the settings validate, and the Preview reads the domain.
func TestADPresetAgainstSambaInTheWizard(t *testing.T) {
	srv := sambatest.Start(t)
	srv.AddUser(t, "wizard.user", "Us3r!Passw0rd", false)
	getenv := func(k string) string {
		if k == "SAMBA_BIND_PASSWORD" {
			return srv.AdminPassword
		}
		return ""
	}
	d := newDriver(t, Options{Getenv: getenv}, 120, 40)
	d.keys("down", "enter") // New: Active Directory
	d.replace("connection.url", srv.LDAPSURL)
	d.replace("connection.ca_file", srv.CAFile)
	d.replace("connection.bind_dn", srv.AdminUPN)
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.password_source", d.m.Settings())
	d.keys("right") // a file → an environment variable
	d.replace("connection.bind_password_env", "SAMBA_BIND_PASSWORD")
	d.keys("ctrl+t")

	s := d.m.Settings()
	if !ldap.DNEqual(s.Users.SearchBase, sambatest.UsersDN) || !ldap.DNEqual(s.Groups.SearchBase, sambatest.UsersDN) {
		t.Fatalf("bases after the test: %q, %q\n%s", s.Users.SearchBase, s.Groups.SearchBase, d.screen())
	}
	d.contains("Search bases moved under " + srv.BaseDN)
	for _, st := range d.m.connS().test.steps {
		if st.Status == ldap.StepFailed {
			t.Errorf("after the automatic move, step %s failed: %s", st.ID, st.Detail)
		}
	}
	// store.path is relative to where the wizard runs: point it at a
	// temporary directory (it is not created by the preview anyway).
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	if probs := wizard.Validate(s, wizard.ValidateOptions{Getenv: getenv}); wizard.HasErrors(probs) {
		t.Fatalf("the settings do not validate: %v", probs)
	}
	d.gotoScreen(wizard.ScreenPreview)
	p := d.m.previewS()
	if p.plan == nil {
		t.Fatalf("no plan: err %v, blocked %v\n%s", p.err, p.blocked, d.screen())
	}
	found := false
	for _, a := range p.plan.Select(syncer.SideStore, syncer.OpCreate) {
		found = found || a.Name == "wizard.user"
	}
	if !found {
		t.Fatalf("the plan does not create wizard.user:\n%s", d.screen())
	}
}
