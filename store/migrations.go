package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations returns the schema history of d's backend.
func (d *dialect) migrations() []string {
	if d.pg {
		return pgMigrations()
	}
	return migrations()
}

// migrations returns the SQLite schema history: migration N+1 is element
// N. Never edit or reorder an entry that has shipped; append a new one
// instead, and its PostgreSQL twin to pgMigrations.
func migrations() []string {
	return []string{
		// 1: the initial schema.
		`
CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL COLLATE NOCASE UNIQUE,
	email               TEXT NOT NULL DEFAULT '',
	first_name          TEXT NOT NULL DEFAULT '',
	last_name           TEXT NOT NULL DEFAULT '',
	phone               TEXT NOT NULL DEFAULT '',
	disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	password_hash       TEXT NOT NULL DEFAULT '',
	password_version    INTEGER NOT NULL DEFAULT 0,
	password_changed_at TEXT,
	password_pending    BLOB,
	enrollment_pending  INTEGER NOT NULL DEFAULT 0 CHECK (enrollment_pending IN (0, 1)),
	from_ldap           INTEGER NOT NULL DEFAULT 0 CHECK (from_ldap IN (0, 1)),
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	deleted_at          TEXT
);

CREATE TABLE groups (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	from_ldap   INTEGER NOT NULL DEFAULT 0 CHECK (from_ldap IN (0, 1)),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
);

CREATE TABLE memberships (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;
CREATE INDEX memberships_group ON memberships(group_id);

CREATE TABLE links (
	id        INTEGER PRIMARY KEY,
	kind      TEXT NOT NULL CHECK (kind IN ('user', 'group')),
	local_id  INTEGER NOT NULL,
	stable_id TEXT NOT NULL CHECK (stable_id <> ''),
	dn        TEXT NOT NULL,
	base      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(base)),
	synced_at TEXT NOT NULL,
	UNIQUE (kind, stable_id),
	UNIQUE (kind, local_id)
);

-- A purged user or group takes its link with it (links are polymorphic, so
-- this cannot be a foreign key).
CREATE TRIGGER users_purge_link AFTER DELETE ON users BEGIN
	DELETE FROM links WHERE kind = 'user' AND local_id = OLD.id;
END;
CREATE TRIGGER groups_purge_link AFTER DELETE ON groups BEGIN
	DELETE FROM links WHERE kind = 'group' AND local_id = OLD.id;
END;

CREATE TABLE sync_runs (
	id          INTEGER PRIMARY KEY,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	mode        TEXT NOT NULL,
	dry_run     INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
	owner       TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT 'running',
	counts      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
	error       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE changes (
	id     INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
	at     TEXT NOT NULL,
	side   TEXT NOT NULL CHECK (side IN ('ldap', 'store')),
	op     TEXT NOT NULL,
	kind   TEXT NOT NULL CHECK (kind IN ('user', 'group')),
	name   TEXT NOT NULL DEFAULT '',
	dn     TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX changes_run ON changes(run_id, id);

CREATE TABLE invites (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash    TEXT NOT NULL UNIQUE,
	created_at    TEXT NOT NULL,
	expires_at    TEXT NOT NULL,
	used_at       TEXT,
	sent_at       TEXT,
	queued_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invites_user ON invites(user_id);

CREATE TABLE sync_lock (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	token      TEXT NOT NULL,
	owner      TEXT NOT NULL,
	pid        INTEGER NOT NULL,
	host       TEXT NOT NULL,
	pid_start  TEXT NOT NULL DEFAULT '',
	started_at TEXT NOT NULL
);
`,
		// 2: invitations withdrawn when their user is disabled or deleted.
		`ALTER TABLE invites ADD COLUMN revoked_at TEXT;`,
		// 3: users gone from the directory under sync.missing_users =
		// "disable": since when, and whether the sync disabled them.
		`
ALTER TABLE users ADD COLUMN missing_since TEXT;
ALTER TABLE users ADD COLUMN missing_disabled INTEGER NOT NULL DEFAULT 0 CHECK (missing_disabled IN (0, 1));
`,
		// 4: the directory's state token for incremental sync (see
		// sync_token.go): one row, replaced by each run that read the
		// directory.
		`
CREATE TABLE sync_tokens (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	run_id     INTEGER NOT NULL,
	method     TEXT NOT NULL,
	server     TEXT NOT NULL,
	scope_hash TEXT NOT NULL,
	token      BLOB NOT NULL,
	view       BLOB NOT NULL,
	full_at    TEXT NOT NULL,
	saved_at   TEXT NOT NULL
);
`,
		// 5: indexes that let the change mark (change_mark.go) read each
		// table's latest change time and its missing users without a
		// scan, so a quiet incremental run costs milliseconds at any size.
		`
CREATE INDEX users_updated_at ON users(updated_at);
CREATE INDEX users_missing_since ON users(missing_since) WHERE missing_since IS NOT NULL;
CREATE INDEX groups_updated_at ON groups(updated_at);
CREATE INDEX memberships_created_at ON memberships(created_at);
CREATE INDEX links_synced_at ON links(synced_at);
`,
		// 6: indexes of the deleted users and groups, so the change mark
		// (change_mark.go) counts them without a scan, as it counts the
		// missing users. IF NOT EXISTS: builds between 65e28f2 and 205f288
		// created them in migration 5.
		`
CREATE INDEX IF NOT EXISTS users_deleted_at ON users(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS groups_deleted_at ON groups(deleted_at) WHERE deleted_at IS NOT NULL;
`,
		// 7: PostgreSQL counts the writes to the change mark's tables
		// (ldapwiz_writes, see MarkTrace); SQLite needs no such count, its
		// PRAGMA data_version tells a connection whether any other
		// committed. Nothing changes here: SQLite only records the version.
		`SELECT 1;`,
	}
}

// schemaMigrationsTable records the applied migrations, on both backends.
const schemaMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`

// migrationLockKey is the PostgreSQL advisory lock that serializes
// migrations between processes ("ldapwiz migrate", as bytes).
const migrationLockKey = 0x6c64617077697a6d

// migrate applies every migration newer than the database's version, each in
// its own transaction (IMMEDIATE on SQLite; holding an advisory lock on
// PostgreSQL), so that two processes opening a fresh database at once apply
// each migration exactly once. A database newer than this ldapwiz is refused.
func migrate(ctx context.Context, db *sql.DB, d *dialect) error {
	if !d.pg {
		if _, err := db.ExecContext(ctx, schemaMigrationsTable); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	steps := d.migrations()
	for i, stmt := range steps {
		version := i + 1
		if err := applyMigration(ctx, db, d, version, len(steps), stmt); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration applies one migration unless it already is.
func applyMigration(ctx context.Context, db *sql.DB, d *dialect, version, latest int, stmt string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d: %w", version, err)
	}
	defer tx.Rollback()
	if d.pg {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockKey)); err != nil {
			return fmt.Errorf("migration %d: wait for other processes migrating: %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, schemaMigrationsTable); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > latest {
		return fmt.Errorf("the database has schema version %d but this ldapwiz knows only up to %d: use a newer ldapwiz, or another %s", current, latest, d.setting())
	}
	if current >= version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("migration %d: %w", version, err)
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`), version, fmtTime(now())); err != nil {
		return fmt.Errorf("migration %d: record: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %d: commit: %w", version, err)
	}
	return nil
}
