package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpenOnAReadOnlyFileSystem mounts a real tmpfs, creates a store on it,
// remounts it read-only, and checks that opening a new or the existing
// store names store.path and the cause instead of SQLite's "unable to open
// database file (14)".
func TestOpenOnAReadOnlyFileSystem(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		t.Fatalf("cannot mount a tmpfs for the test (the suite runs as root): %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, 0) })
	existing := filepath.Join(dir, "app.db")
	db, err := Open(ctx, existing)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_REMOUNT|unix.MS_RDONLY, "size=8m"); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	for _, path := range []string{filepath.Join(dir, "new.db"), existing} {
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "store.path") || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("Open(%s) on a read-only file system: %v", filepath.Base(path), err)
		}
	}
}
