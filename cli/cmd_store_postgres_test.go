package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/pgtest"
	"ldapwiz/internal/slapdtest"
)

// TestCommandsOnAPostgresStore: with store.url set, preview, sync, users
// and the enrollment queue all work on the PostgreSQL store (never on the
// SQLite file at store.path), and the password never shows.
func TestCommandsOnAPostgresStore(t *testing.T) {
	srv := slapdtest.Start(t)
	pg := pgtest.NewDB(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": srv.AdminPassword}
	cfg := syncConfigFile(t, srv, "import", slapdtest.PeopleDN)
	sqlite := filepath.Join(t.TempDir(), "never.db")
	setConfig(t, cfg, "path", fmt.Sprintf("path = %q\nurl = %q\npassword_file = %q\nca_file = %q", sqlite, pg.URL(), pg.PasswordFile, pg.CAFile))

	// A preview of the empty database plans against an empty store.
	code, out, errs := runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 || !strings.Contains(out, "create user") {
		t.Fatalf("preview exit %d:\n%.1500s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 0 {
		t.Fatalf("sync exit %d:\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "users", "list", "-c", cfg)
	if code != 0 || !strings.Contains(out, "jdoe") {
		t.Fatalf("users list exit %d:\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "users", "show", "JDOE", "-c", cfg)
	if code != 0 || !strings.Contains(out, "jdoe") {
		t.Fatalf("users show (any case) exit %d:\n%s\n%s", code, out, errs)
	}
	code, _, errs = runCLI(t, vars, "enroll", "invites", "-c", cfg)
	if code != 0 {
		t.Fatalf("enroll invites exit %d: %s", code, errs)
	}
	if code, _, _ := runCLI(t, vars, "users", "list", "--db", sqlite); code == 0 {
		t.Fatal("an SQLite file was created beside the PostgreSQL store")
	}
	setConfig(t, cfg, "password_file", `password_env = "PG_PW"`)
	vars["PG_PW"] = "wrong-pg-password"
	code, out, errs = runCLI(t, vars, "users", "list", "-c", cfg)
	if code == 0 || !strings.Contains(errs, "store.password_file or store.password_env") || strings.Contains(out+errs, "wrong-pg-password") {
		t.Fatalf("wrong password: exit %d:\n%s\n%s", code, out, errs)
	}
}

// TestValidateOpensThePostgresStore: "ldapwiz validate" reports a
// PostgreSQL store that cannot be opened on the setting to fix.
func TestValidateOpensThePostgresStore(t *testing.T) {
	srv := slapdtest.Start(t)
	pg := pgtest.NewDB(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": srv.AdminPassword, "PG_PW": pg.Password}
	cfg := syncConfigFile(t, srv, "import", slapdtest.PeopleDN)
	setConfig(t, cfg, "path", fmt.Sprintf("path = %q\nurl = %q\npassword_env = \"PG_PW\"\nca_file = %q", filepath.Join(t.TempDir(), "s.db"), pg.URL(), pg.CAFile))
	if code, out, errs := runCLI(t, vars, "validate", "-c", cfg); code != 0 {
		t.Fatalf("validate of a good PostgreSQL store: exit %d\n%s%s", code, out, errs)
	}
	setConfig(t, cfg, "ca_file", `ca_file = ""`)
	code, out, errs := runCLI(t, vars, "validate", "-c", cfg)
	if code != 1 || !strings.Contains(out, "store.ca_file") || !strings.Contains(out, "cannot be opened") {
		t.Fatalf("validate of an untrusted certificate: exit %d\n%s%s", code, out, errs)
	}
}
