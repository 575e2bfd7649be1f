package syncer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestADPresetRebasedPreviewsAgainstSamba is issue 8 item 4 end to end: the
// AD preset with only the URL, bind account, password and CA filled in,
// tested against a Samba domain, its placeholder bases moved onto the
// domain's defaultNamingContext (what the Connection screen does on its own
// after the test), validates without errors and previews the domain.
func TestADPresetRebasedPreviewsAgainstSamba(t *testing.T) {
	srv := sambatest.Start(t)
	seedPresetUsers(t, srv)
	s, getenv := adPresetFor(t, srv)
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	if !wizard.HasPlaceholderBases(s) {
		t.Fatal("the AD preset's bases are not recognised as placeholders")
	}
	cfg, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := ldap.RunTest(ctx, cfg, presetScope(s), nil)
	if res.RootDSE == nil || res.RootDSE.DefaultNamingContext == "" {
		t.Fatalf("no defaultNamingContext from Samba: %+v", res.RootDSE)
	}
	s, changed := wizard.RebaseOnNamingContext(s, res.RootDSE.DefaultNamingContext)
	t.Logf("rebased: %q", changed)
	if len(changed) != 2 || !ldap.DNEqual(s.Users.SearchBase, sambatest.UsersDN) || !ldap.DNEqual(s.Groups.SearchBase, sambatest.UsersDN) {
		t.Fatalf("bases after the rebase: %q, %q", s.Users.SearchBase, s.Groups.SearchBase)
	}
	if probs := wizard.Validate(s, wizard.ValidateOptions{Getenv: getenv}); wizard.HasErrors(probs) {
		t.Fatalf("the rebased AD preset does not validate: %v", probs)
	}
	db, done, err := OpenStoreForPreview(ctx, s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	plan, err := Preview(ctx, s, db, Options{Getenv: getenv})
	if err != nil {
		t.Fatalf("preview against Samba: %v", err)
	}
	names := map[string]bool{}
	for _, a := range plan.Select(SideStore, OpCreate) {
		names[a.Name] = true
	}
	for _, want := range []string{"alice", "bob", "chloé"} {
		if !names[want] {
			t.Errorf("the plan does not create store user %s; store creates: %v", want, names)
		}
	}
	if plan.DirectoryGroups == 0 {
		t.Error("no group read from the domain")
	}
}
