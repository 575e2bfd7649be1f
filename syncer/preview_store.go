package syncer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ldapwiz/store"
)

// OpenStoreForPreview opens the store at path for reading a plan. When the
// database does not exist yet, an empty one is made in a temporary
// directory instead, so a preview never creates store.path. The returned
// function closes the database (and removes the temporary one); call it
// when done.
func OpenStoreForPreview(ctx context.Context, path string) (*store.DB, func(), error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil, nil, errors.New("store.path is empty: set it to the user database file, e.g. \"ldapwiz.db\"")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		dir, err := os.MkdirTemp("", "ldapwiz-preview-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.Open(ctx, filepath.Join(dir, "empty.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return db, func() { db.Close(); os.RemoveAll(dir) }, nil
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}
