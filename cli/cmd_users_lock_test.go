package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestUsersDisableSaysWhatTheDirectoryGets: "users disable" and "enable"
// say what the next sync writes on this directory (users.account_state),
// or that the change stays in the store.
func TestUsersDisableSaysWhatTheDirectoryGets(t *testing.T) {
	dn := "uid=locky,ou=people,dc=example,dc=com"
	cases := []struct {
		users   string // the [users] table of the config
		disable string // what "disable" must say
		enable  string // what "enable" must say
	}{
		{`account_state = "389"`, "the next sync sets nsAccountLock: true on " + dn, "the next sync removes nsAccountLock on " + dn},
		{`account_state = "ppolicy"`, "the next sync sets pwdAccountLockedTime: 000001010000Z", "the next sync removes pwdAccountLockedTime on " + dn},
		{"account_state = \"attribute\"\ndisabled_attribute = \"employeeType\"\ndisabled_value = \"disabled\"",
			"the next sync adds employeeType: disabled on " + dn, "the next sync removes employeeType: disabled on " + dn},
		{`account_state = "none"`, "this directory has no account-state attribute configured", "the change stays in the store"},
		{`account_state = "auto"`, "the next sync locks " + dn + " if the directory marks locked accounts", "the next sync unlocks " + dn},
	}
	for _, c := range cases {
		t.Run(c.users, func(t *testing.T) {
			f := newUsersFixture(t, "two-way")
			conf, err := os.ReadFile(f.config)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f.config, append(conf, []byte("\n[users]\n"+c.users+"\n")...), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, f.db)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := db.CreateUser(ctx, store.NewUser{Username: "locky", FromLDAP: true})
			if _, err := db.UpsertLink(ctx, store.Link{Kind: store.KindUser, LocalID: u.ID, StableID: "uuid-locky", DN: dn}); err != nil {
				t.Fatal(err)
			}
			db.Close()
			expect(t, 0, []string{"user locky disabled", c.disable}, "", "users", "disable", "locky", "-c", f.config)
			expect(t, 0, []string{"user locky enabled", c.enable}, "", "users", "enable", "locky", "-c", f.config)
		})
	}
}

// TestUsersDisableInImportMode: an import never writes the directory.
func TestUsersDisableInImportMode(t *testing.T) {
	f := newImportFixtureWithLinkedUser(t)
	expect(t, 0, []string{`sync.mode is "import"`, "the store keeps this change"}, "", "users", "disable", "imp", "-c", f.config)
}

// TestPreviewSaysHowDisabledAccountsAreMarked: on OpenLDAP with the ppolicy
// overlay, "auto" finds pwdAccountLockedTime; preview names it and says
// what disabling a user writes.
func TestPreviewSaysHowDisabledAccountsAreMarked(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{PPolicy: true})
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeTwoWay, slapdtest.PeopleDN)
	if code, out, errs := runCLI(t, vars, "sync", "-c", cfg); code != 0 {
		t.Fatalf("sync exit %d:\n%.600s\n%s", code, out, errs)
	}
	expect(t, 0, []string{"the next sync locks " + slapdtest.User1OU1DN}, "", "users", "disable", "user1", "-c", cfg)
	code, out, errs := runCLI(t, vars, "preview", "-c", cfg)
	for _, want := range []string{"Disabled accounts (users.account_state): pwdAccountLockedTime (OpenLDAP password policy, detected)",
		"disabled on the other side; the sync sets pwdAccountLockedTime: 000001010000Z"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("preview exit %d, no %q:\n%.1500s\n%s", code, want, out, errs)
		}
	}
}
