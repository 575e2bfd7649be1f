package syncer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

func TestSaveReportBesideStore(t *testing.T) {
	dir := t.TempDir()
	rep := &Report{Mode: wizard.ModeImport, Outcome: store.OutcomeSuccess, StartedAt: time.Date(2026, 11, 28, 21, 50, 3, 0, time.UTC), Plan: &Plan{}}
	p1, err := SaveReportBesideStore(rep, filepath.Join(dir, "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "ldapwiz-sync-20261128-215003.json"); p1 != want {
		t.Fatalf("saved to %s, want %s", p1, want)
	}
	fi, err := os.Stat(p1)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("report file %v mode %v", err, fi.Mode())
	}
	p2, err := SaveReportBesideStore(rep, filepath.Join(dir, "app.db"))
	if err != nil || p2 == p1 || !strings.HasSuffix(p2, "-2.json") {
		t.Fatalf("second report %s, %v: must not overwrite the first", p2, err)
	}
	data, _ := os.ReadFile(p1)
	if !strings.Contains(string(data), `"outcome": "success"`) {
		t.Fatalf("report content: %s", data)
	}
	if _, err := SaveReportBesideStore(rep, filepath.Join(dir, "missing", "app.db")); err == nil || !strings.Contains(err.Error(), "store's directory") {
		t.Fatalf("missing directory: %v", err)
	}
}
