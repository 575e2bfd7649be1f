package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// sync --dry-run changes nothing, a held lock refuses the run (exit 1) until
// --break-lock removes it, and --force overrides max_delete.
func TestSyncCommandDryRunLockForce(t *testing.T) {
	ctx := context.Background()
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(data), `max_delete = "10%"`, `max_delete = "1"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(filepath.Dir(cfg), "store.db")
	countUsers := func() int {
		t.Helper()
		db, err := store.Open(ctx, dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		users, err := db.ListUsers(ctx, store.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(users)
	}

	// --dry-run prints the plan and the summary, and writes nothing.
	code, out, errs := runCLI(t, vars, "sync", "-c", cfg, "--dry-run")
	if code != 0 || !strings.Contains(out, "create user") || !strings.Contains(out, "Dry run (nothing changed)") {
		t.Fatalf("dry run exit %d:\n%.1500s\n%s", code, out, errs)
	}
	if _, err := os.Stat(dbPath); err == nil {
		t.Fatal("sync --dry-run created the store database")
	}
	if code, out, errs = runCLI(t, vars, "sync", "-c", cfg); code != 0 {
		t.Fatalf("sync exit %d:\n%s\n%s", code, out, errs)
	}
	n := countUsers()
	if n != len(s.Fixture.Users) {
		t.Fatalf("store has %d users, fixture %d", n, len(s.Fixture.Users))
	}

	// Another holder of the lock: refused with the way out, which works.
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LockSync(ctx, "a sync stuck elsewhere"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 1 || !strings.Contains(errs, "another sync is running: a sync stuck elsewhere") || !strings.Contains(errs, "ldapwiz sync --break-lock") {
		t.Fatalf("locked sync exit %d: %s", code, errs)
	}
	if code, _, errs = runCLI(t, vars, "sync", "-c", cfg, "--break-lock", "--force"); code != 2 || !strings.Contains(errs, "only removes the lock") {
		t.Errorf("--break-lock --force exit %d: %s", code, errs)
	}
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg, "--break-lock")
	if code != 0 || !strings.Contains(out, "Removed the sync lock held by a sync stuck elsewhere") {
		t.Fatalf("--break-lock exit %d:\n%s\n%s", code, out, errs)
	}
	if code, out, _ = runCLI(t, vars, "sync", "-c", cfg, "--break-lock"); code != 0 || !strings.Contains(out, "lock was free") {
		t.Errorf("--break-lock on a free lock exit %d: %s", code, out)
	}
	if code, out, errs = runCLI(t, vars, "sync", "-c", cfg); code != 0 || !strings.Contains(out, "0 changes planned") {
		t.Fatalf("sync after --break-lock exit %d:\n%s\n%s", code, out, errs)
	}

	// Two users gone from the directory with max_delete = 1: refused, exit 1,
	// nothing deleted; --force deletes them.
	conn, err := ldap.Dial(ctx, ldap.Config{URL: s.URL, BindDN: s.AdminDN, BindPassword: s.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, u := range s.Fixture.Users[len(s.Fixture.Users)-2:] {
		if err := conn.Delete(ctx, u.DN); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 1 || !strings.Contains(errs, "deletes 2 users") || !strings.Contains(errs, "--force") {
		t.Fatalf("max_delete sync exit %d: %s", code, errs)
	}
	if got := countUsers(); got != n {
		t.Fatalf("the refused run changed the store: %d users, want %d", got, n)
	}
	if code, out, errs = runCLI(t, vars, "sync", "-c", cfg, "--force"); code != 0 {
		t.Fatalf("forced sync exit %d:\n%s\n%s", code, out, errs)
	}
	if got := countUsers(); got != n-2 {
		t.Errorf("after --force: %d users, want %d", got, n-2)
	}
}
