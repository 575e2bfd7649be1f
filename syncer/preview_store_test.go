package syncer

import (
	"bytes"
	"context"
	"ldapwiz/store"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenStoreForPreviewNeverCreatesTheStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "app.db")
	db, done, err := OpenStoreForPreview(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LastRunCounts(ctx); err != nil {
		t.Fatal(err)
	}
	done()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the preview created %s: %v", path, err)
	}
	if _, _, err := OpenStoreForPreview(ctx, " "); err == nil || !strings.Contains(err.Error(), "store.path") {
		t.Fatalf("empty path: %v", err)
	}
}

// TestOpenStoreForPreviewWritesNothing reads a plan's worth from an existing
// store opened for a preview and checks that the file's bytes and mode are
// exactly as before (no chmod, no migration) and that a write is refused.
func TestOpenStoreForPreviewWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, store.NewUser{Username: "alice", Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o640); err != nil { // more open than store.Open leaves it
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	db, done, err := OpenStoreForPreview(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStore(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, store.NewUser{Username: "mallory"}); err == nil {
		t.Error("a write through the preview's store succeeded")
	}
	done()
	after, _ := os.ReadFile(path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", fi.Mode().Perm())
	}
	if !bytes.Equal(before, after) {
		t.Error("the store file changed")
	}
	// A reader of a WAL database needs SQLite's -wal and -shm files beside
	// it, and a read-only one cannot remove them; the log must stay empty.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("the preview wrote %d bytes to the write-ahead log", fi.Size())
	}
}
