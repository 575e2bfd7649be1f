package syncer

import (
	"context"
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
