package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrSchemaNotCurrent is wrapped by OpenReadOnly's error when the database's
// schema is older than this ldapwiz's: reading it needs a migration, which
// a read-only open never applies.
var ErrSchemaNotCurrent = errors.New("the store's schema is older than this ldapwiz's")

// OpenReadOnly opens an existing SQLite database for reading only: it never
// creates the file, changes its mode, applies migrations or writes a byte
// (SQLite opens it with mode=ro and query_only). A missing file gives an
// error wrapping fs.ErrNotExist; a schema that needs migrating gives one
// wrapping ErrSchemaNotCurrent.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("store: no database path: set store.path in the config file")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: database path %q: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	sqlDB, err := sql.Open("sqlite", fmt.Sprintf("%s?mode=ro&_busy_timeout=%d&_pragma=query_only(1)", sqliteFileURI(abs), busyTimeout.Milliseconds()))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	sqlDB.SetMaxIdleConns(4)
	var version int
	if err := sqlDB.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: read %s: %w (is it an ldapwiz SQLite database, and readable by this user?)", abs, err)
	}
	switch latest := len(sqliteDialect.migrations()); {
	case version > latest:
		sqlDB.Close()
		return nil, fmt.Errorf("store: %s has schema version %d but this ldapwiz knows only up to %d: use a newer ldapwiz, or another store.path", abs, version, latest)
	case version < latest:
		sqlDB.Close()
		return nil, fmt.Errorf("store: %s has schema version %d, this ldapwiz %d: %w", abs, version, latest, &schemaBehind{version})
	}
	return newDB(sqlDB, sqliteDialect, abs, abs), nil
}
