package cli

import (
	"os"
	"strings"
	"testing"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// TestPreviewSyncAndTestNameTheServerThatAnswered: with connection.url
// listing a server that refuses connections before slapd, preview, sync
// and test all work, and say which server answered.
func TestPreviewSyncAndTestNameTheServerThatAnswered(t *testing.T) {
	s := slapdtest.Start(t)
	dead := "ldap://" + harness.RefusingAddr(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	data, _ := os.ReadFile(cfg)
	data = []byte(strings.Replace(string(data), "url = \""+s.URL+"\"", "url = \""+dead+" "+s.URL+"\"", 1))
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, vars, "preview", "-c", cfg); code != 0 || !strings.Contains(out, "Directory server: "+s.URL) {
		t.Errorf("preview exit %d:\n%.600s\n%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, vars, "sync", "-c", cfg); code != 0 || !strings.Contains(out, "directory server: "+s.URL) {
		t.Errorf("sync exit %d:\n%s\n%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, vars, "test", "-c", cfg); !strings.Contains(out, "testing "+s.URL) || !strings.Contains(out, dead) {
		t.Errorf("test exit %d:\n%s\n%s", code, out, errs)
	}
}
