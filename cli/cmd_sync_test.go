package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// syncConfigFile writes a config for slapd s with the given sync mode.
func syncConfigFile(t *testing.T, s *slapdtest.Server, mode, userBase string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	body := fmt.Sprintf(`[connection]
url = %q
bind_dn = %q
bind_password_env = "LDAPWIZ_TEST_PW"

[users]
search_base = %q

[groups]
search_base = %q

[sync]
mode = %q
max_delete = "10%%"

[store]
path = %q
`, s.URL, s.AdminDN, userBase, slapdtest.GroupsDN, mode, filepath.Join(dir, "store.db"))
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPreviewAndSyncCommands(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	dbPath := filepath.Join(filepath.Dir(cfg), "store.db")

	// Preview prints the plan and creates nothing.
	code, out, errs := runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 {
		t.Fatalf("preview exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Store: ") || !strings.Contains(out, "create user") || !strings.Contains(out, "jdoe") {
		t.Errorf("preview output:\n%.2000s", out)
	}
	if _, err := os.Stat(dbPath); err == nil {
		t.Error("preview created the store database")
	}
	code, out, _ = runCLI(t, vars, "preview", "-c", cfg, "--json")
	var pj struct {
		Plan syncer.Plan `json:"plan"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &pj) != nil || pj.Plan.DirectoryUsers != len(s.Fixture.Users) {
		t.Fatalf("preview --json exit %d: %.500s", code, out)
	}

	// Sync with a report; plain progress lines since stderr is no terminal.
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg, "--report", report)
	if code != 0 {
		t.Fatalf("sync exit %d:\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "reading directory") || !strings.Contains(errs, "applying") || strings.Contains(errs, "\r") {
		t.Errorf("progress output:\n%s", errs)
	}
	if !strings.Contains(out, "Sync: success") || !strings.Contains(out, "Report saved") {
		t.Errorf("summary:\n%s", out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep syncer.Report
	if err := json.Unmarshal(data, &rep); err != nil || rep.Outcome != "success" || rep.Applied < len(s.Fixture.Users) {
		t.Errorf("report: %v %+v", err, rep.Outcome)
	}

	// A second run changes nothing.
	code, out, _ = runCLI(t, vars, "sync", "-c", cfg)
	if code != 0 || !strings.Contains(out, "0 changes planned") {
		t.Errorf("second sync exit %d:\n%s", code, out)
	}

	// A base typo: refused, exit 1, naming the numbers.
	bad := syncConfigFile(t, s, wizard.ModeImport, "ou=empty,dc=example,dc=com")
	data, _ = os.ReadFile(bad)
	data = []byte(strings.Replace(string(data), filepath.Join(filepath.Dir(bad), "store.db"), dbPath, 1))
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, vars, "sync", "-c", bad)
	if code != 1 || !strings.Contains(errs, "returned 0 users") {
		t.Errorf("typo sync exit %d: %s", code, errs)
	}
	// Usage errors exit 2.
	if code, _, _ := runCLI(t, vars, "sync", "-c", cfg, "--bogus"); code != 2 {
		t.Errorf("bad flag exit %d", code)
	}
}
