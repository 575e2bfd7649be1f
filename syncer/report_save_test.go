package syncer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/store"
)

// TestSaveJSONIsPrivateAndNeverFollowsSymlinks: sync --report FILE writes
// a new 0600 file even over an existing 0644 one, and refuses a symlink
// rather than overwriting its target.
func TestSaveJSONIsPrivateAndNeverFollowsSymlinks(t *testing.T) {
	rep := &Report{Mode: "import", Outcome: store.OutcomeSuccess, StartedAt: time.Now().UTC(), Plan: &Plan{}}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rep.SaveJSON(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("report mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := rep.SaveJSON(link); err == nil {
		t.Fatal("saving through a symlink succeeded")
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Fatalf("the symlink's target was overwritten: %q", b)
	}
}
