package pgtest

import (
	"os"
	"path/filepath"
	"testing"
)

// The newest major version with both server programs is used, whatever
// Debian release installed it; versions without them, and other
// directories, are passed over.
func TestNewestBinDir(t *testing.T) {
	root := t.TempDir()
	if got := newestBinDir(root); got != "" {
		t.Fatalf("nothing installed: got %q", got)
	}
	install := func(version string, programs ...string) {
		dir := filepath.Join(root, version, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, p := range programs {
			if err := os.WriteFile(filepath.Join(dir, p), nil, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	install("9", "initdb", "postgres")
	install("15", "initdb", "postgres")
	install("17", "psql")       // a client only: no server programs
	install("common", "initdb") // not a version
	install("16", "initdb")     // half a server
	if got, want := newestBinDir(root), filepath.Join(root, "15", "bin"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	install("17", "initdb", "postgres")
	if got, want := newestBinDir(root), filepath.Join(root, "17", "bin"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
