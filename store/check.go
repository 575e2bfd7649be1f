package store

import (
	"context"
	"errors"
	"io/fs"
)

// Check is what CheckConnection found.
type Check struct {
	Backend string // "SQLite" or "PostgreSQL"
	Where   string // the file, or the URL without a password
	// Version is the database's schema version (0: none yet, a first sync
	// creates it); Latest is this ldapwiz's.
	Version, Latest int
}

// CheckConnection opens the store c names without writing to it (read
// only, nothing created or migrated) and reads its schema version: for a
// connection test (reachable, authenticated, TLS verified, schema). A
// database with no schema yet, or no SQLite file yet, is fine: the first
// sync creates it. A schema newer than this ldapwiz's is an error. The
// error names the setting to fix (SettingOf).
func CheckConnection(ctx context.Context, c Config) (*Check, error) {
	ch := &Check{Backend: sqliteDialect.backend(), Where: c.Where(), Latest: LatestSchemaVersion()}
	if c.Postgres() {
		ch.Backend = postgresDialect.backend()
	}
	db, err := c.OpenReadOnly(ctx)
	switch {
	case err == nil:
		defer db.Close()
		ch.Version, err = db.SchemaVersion(ctx)
		return ch, err
	case errors.Is(err, ErrNoSchema), !c.Postgres() && errors.Is(err, fs.ErrNotExist):
		return ch, nil
	case errors.Is(err, ErrSchemaNotCurrent):
		// Older: the next sync migrates it.
		var sb *schemaBehind
		if errors.As(err, &sb) {
			ch.Version = sb.version
		}
		return ch, nil
	}
	return ch, err
}

// schemaBehind is the ErrSchemaNotCurrent of a database at version.
type schemaBehind struct{ version int }

// Error is ErrSchemaNotCurrent's message.
func (e *schemaBehind) Error() string { return ErrSchemaNotCurrent.Error() }

// Unwrap returns ErrSchemaNotCurrent.
func (e *schemaBehind) Unwrap() error { return ErrSchemaNotCurrent }
