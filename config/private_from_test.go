package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWritePrivateFromStreamsOrLeavesTheOldFile: the content written as it
// goes replaces the file (mode 0600); when writing it fails halfway, the
// old file stays as it was and no temporary file is left.
func TestWritePrivateFromStreamsOrLeavesTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 200<<10) // more than one buffer's worth
	err := WritePrivateFrom(path, func(w io.Writer) error {
		for _, part := range []string{"new ", big, " end"} {
			if _, err := io.WriteString(w, part); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new "+big+" end" {
		t.Fatalf("content: %d bytes", len(b))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	boom := errors.New("encoder failed")
	err = WritePrivateFrom(path, func(w io.Writer) error {
		io.WriteString(w, big)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failed write: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new "+big+" end" {
		t.Fatalf("a failed write changed the file: %d bytes", len(b))
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
