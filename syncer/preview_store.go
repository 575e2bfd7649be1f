package syncer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// OpenStoreForPreview opens the store at path for reading a plan, without
// ever writing to it: the file is opened read-only (store.OpenReadOnly), so
// its bytes and mode stay as they are. When the database does not exist
// yet, an empty one is made in a temporary directory instead; when its
// schema needs a migration, a temporary copy is migrated and read. The
// returned function closes the database (and removes any temporary one);
// call it when done.
func OpenStoreForPreview(ctx context.Context, path string) (*store.DB, func(), error) {
	path, err := storePath(path)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.OpenReadOnly(ctx, path)
	switch {
	case err == nil:
		return db, func() { db.Close() }, nil
	case errors.Is(err, fs.ErrNotExist):
		return openTempStore(ctx, "")
	case errors.Is(err, store.ErrSchemaNotCurrent):
		return openTempStore(ctx, path)
	}
	return nil, nil, err
}

// openTempStore opens a store in a new temporary directory: empty, or a
// copy of the database at from (migrated by store.Open).
func openTempStore(ctx context.Context, from string) (*store.DB, func(), error) {
	dir, err := os.MkdirTemp("", "ldapwiz-preview-")
	if err != nil {
		return nil, nil, err
	}
	tmp := filepath.Join(dir, "preview.db")
	if from != "" {
		for _, suffix := range []string{"", "-wal"} {
			if err := copyFile(from+suffix, tmp+suffix); err != nil && !(suffix != "" && errors.Is(err, fs.ErrNotExist)) {
				os.RemoveAll(dir)
				return nil, nil, fmt.Errorf("copy the store to preview it: %w", err)
			}
		}
	}
	db, err := store.Open(ctx, tmp)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// copyFile copies src to a new private file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// OpenStore opens the store that settings s name (store.path, trimmed, or
// store.url for PostgreSQL) for a run: read-only for a dry run, which never
// writes it, read-write (created and migrated when needed) otherwise. The
// wizard's Run screen and "ldapwiz sync" both open it here. The returned
// function closes it.
func OpenStore(ctx context.Context, s wizard.Settings, dryRun bool) (*store.DB, func(), error) {
	if s.Store.Backend() == wizard.StorePostgres {
		return openPostgresStore(ctx, s, dryRun)
	}
	if dryRun {
		return OpenStoreForPreview(ctx, s.Store.Path)
	}
	path, err := storePath(s.Store.Path)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// storePath is store.path trimmed, or an error naming the setting when it
// is empty.
func storePath(raw string) (string, error) {
	path := strings.TrimSpace(raw)
	if path == "" {
		return "", errors.New("store.path is empty: set it to the user database file, e.g. \"ldapwiz.db\"")
	}
	return path, nil
}
