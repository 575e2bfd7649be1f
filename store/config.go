package store

import (
	"context"
	"strings"
)

// Config names the store to open: the SQLite file at Path (the default),
// or the PostgreSQL database at URL when URL is set.
type Config struct {
	// Path is the SQLite database file (store.path). With URL set, the
	// key file sealing passwords that wait for the directory still lives
	// beside it (KeyPath(Path)), and every worker needs the same file.
	Path string
	// URL is a postgres:// (or postgresql://) URL of the database
	// (store.url), without the password. TLS is verified as with
	// sslmode=verify-full unless the URL sets another sslmode.
	URL string
	// Password is the PostgreSQL password (from store.password_file or
	// store.password_env). Never print it.
	Password string
	// CAFile is a PEM file of the CAs that may sign the PostgreSQL server's
	// certificate (store.ca_file); empty: the system's.
	CAFile string
}

// Postgres reports whether c names a PostgreSQL store.
func (c Config) Postgres() bool { return strings.TrimSpace(c.URL) != "" }

// Where names the store for messages: the SQLite file, or the URL with any
// password masked.
func (c Config) Where() string {
	if c.Postgres() {
		return RedactURL(c.URL)
	}
	return c.Path
}

// Open opens the store c names for reading and writing, creating (SQLite)
// and migrating it as needed: Open(ctx, c.Path) for SQLite.
func (c Config) Open(ctx context.Context) (*DB, error) {
	if !c.Postgres() {
		return Open(ctx, c.Path)
	}
	return openPostgres(ctx, c, false)
}

// OpenReadOnly opens the store c names without ever writing to it, as
// OpenReadOnly does for SQLite: on PostgreSQL every transaction is read
// only, nothing is migrated, and a database without the schema gives an
// error wrapping ErrSchemaNotCurrent (one with no schema at all also wraps
// ErrNoSchema).
func (c Config) OpenReadOnly(ctx context.Context) (*DB, error) {
	if !c.Postgres() {
		return OpenReadOnly(ctx, c.Path)
	}
	return openPostgres(ctx, c, true)
}

// Where names the database in messages: its file, or its URL without a
// password.
func (db *DB) Where() string { return db.where }

// Backend is "SQLite" or "PostgreSQL".
func (db *DB) Backend() string { return db.d.backend() }

// SchemaVersion returns the schema version of the open database, for a
// connection check to show.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// LatestSchemaVersion is the schema version this ldapwiz migrates a store to.
func LatestSchemaVersion() int { return len(migrations()) }
