package cli

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// sync says how it read the directory (whole, and why; or only the
// changes), preview says whether the next run reads incrementally and from
// which token, and ldapwiz test says the server offers content sync.
func TestSyncAndPreviewSayHowTheDirectoryIsRead(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	code, out, errs := runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 || !strings.Contains(out, "Directory read: full read: no sync token yet") {
		t.Fatalf("preview before any run, exit %d:\n%.900s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 0 || !strings.Contains(out, "directory read: full read: no sync token yet") {
		t.Fatalf("first sync, exit %d:\n%s\n%s", code, out, errs)
	}
	// Nothing changed since the first run (which certified what it wrote):
	// both would be quiet.
	code, out, errs = runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 || !strings.Contains(out, "Directory read: incremental: nothing changed since token rid=") ||
		!strings.Contains(out, "300 users and 7 groups in the store (300 users, 7 groups linked)") {
		t.Fatalf("preview after a run, exit %d:\n%.900s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 0 || !strings.Contains(out, "directory read: incremental: nothing changed since token rid=") {
		t.Fatalf("second sync, exit %d:\n%s\n%s", code, out, errs)
	}
	// A change in the directory: read as the only change.
	s.Replace(t, slapdtest.JohnDoeDN, "sn", "Changed")
	code, out, errs = runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 || !strings.Contains(out, "Directory read: incremental: read only what changed since token rid=") {
		t.Fatalf("preview after a directory change, exit %d:\n%.900s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "sync", "-c", cfg)
	if code != 0 || !strings.Contains(out, "directory read: incremental:") || !strings.Contains(out, ": 1 entry changed") {
		t.Fatalf("sync after a directory change, exit %d:\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, vars, "test", "-c", cfg)
	if !strings.Contains(out, "incremental sync by RFC 4533 content sync (syncrepl)") {
		t.Fatalf("test, exit %d:\n%s\n%s", code, out, errs)
	}
}
