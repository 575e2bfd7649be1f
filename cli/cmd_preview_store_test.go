package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// TestPreviewLeavesTheStoreUntouched imports the slapd fixture, loosens the
// store file's mode, then previews twice (once with a guard that would
// refuse): the store file's bytes and mode stay exactly as they were, and
// the refusal reads as a sentence.
func TestPreviewLeavesTheStoreUntouched(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	dbPath := filepath.Join(filepath.Dir(cfg), "store.db")
	if code, out, errs := runCLI(t, vars, "sync", "-c", cfg); code != 0 {
		t.Fatalf("import exit %d:\n%s\n%s", code, out, errs)
	}
	if err := os.Chmod(dbPath, 0o640); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}

	if code, _, errs := runCLI(t, vars, "preview", "-c", cfg); code != 0 {
		t.Fatalf("preview exit %d: %s", code, errs)
	}
	bad := syncConfigFile(t, s, wizard.ModeImport, "ou=empty,dc=example,dc=com")
	data, _ := os.ReadFile(bad)
	data = []byte(strings.Replace(string(data), filepath.Join(filepath.Dir(bad), "store.db"), dbPath, 1))
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, vars, "preview", "-c", bad)
	if code != 0 {
		t.Fatalf("preview of the typo exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "A sync with these settings would be refused: the directory returned 0 users") || strings.Contains(out, "would be the directory") {
		t.Errorf("the guard in the preview:\n%s", out)
	}

	after, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("preview changed the store's mode to %v", fi.Mode().Perm())
	}
	if !bytes.Equal(before, after) {
		t.Error("preview changed the store file")
	}
}

// TestSyncReportRefusesASymlink: sync --report through a symbolic link
// fails and leaves the link's target alone.
func TestSyncReportRefusesASymlink(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "report.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, vars, "sync", "-c", cfg, "--report", link)
	if code != 1 || !strings.Contains(errs, "symbolic link") {
		t.Errorf("sync --report LINK exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
}
