package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
)

// deletedIndexes are the indexes migration 6 adds, by table.
var deletedIndexes = map[string]string{"users_deleted_at": "users", "groups_deleted_at": "groups"}

// storeIndexes returns the definition of each index of the store's tables
// among names, by name.
func storeIndexes(t *testing.T, db *sql.DB, d *dialect, names ...string) map[string]string {
	t.Helper()
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (?` + strings.Repeat(", ?", len(names)-1) + `)`
	if d.pg {
		query = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (?` + strings.Repeat(", ?", len(names)-1) + `)`
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	rows, err := db.QueryContext(context.Background(), d.rebind(query), args...)
	if err != nil {
		t.Fatalf("list indexes: %v", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// migrateTo5 applies the first five migrations of d to db, as a release
// whose latest schema version was 5 did, and stores a live user, a deleted
// user and a deleted group. withDeletedIndexes: as the builds did whose
// migration 5 also created migration 6's indexes.
func migrateTo5(t *testing.T, db *sql.DB, d *dialect, withDeletedIndexes bool) {
	t.Helper()
	ctx := context.Background()
	if !d.pg {
		if _, err := db.ExecContext(ctx, schemaMigrationsTable); err != nil {
			t.Fatal(err)
		}
	}
	for i, stmt := range d.migrations()[:5] {
		if err := applyMigration(ctx, db, d, i+1, 5, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if withDeletedIndexes {
		for _, stmt := range []string{
			`CREATE INDEX users_deleted_at ON users(deleted_at) WHERE deleted_at IS NOT NULL`,
			`CREATE INDEX groups_deleted_at ON groups(deleted_at) WHERE deleted_at IS NOT NULL`,
		} {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
	}
	t0 := "2026-01-01T00:00:00.000000Z"
	for _, stmt := range []string{
		`INSERT INTO users (username, created_at, updated_at) VALUES ('vera', ?, ?)`,
		`INSERT INTO users (username, created_at, updated_at, deleted_at) VALUES ('gone', ?, ?, ?)`,
		`INSERT INTO groups (name, created_at, updated_at, deleted_at) VALUES ('old', ?, ?, ?)`,
	} {
		args := []any{t0, t0, t0}[:strings.Count(stmt, "?")]
		if _, err := db.ExecContext(ctx, d.rebind(stmt), args...); err != nil {
			t.Fatal(err)
		}
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || version != 5 {
		t.Fatalf("schema version %d, %v; want 5", version, err)
	}
	want := 1
	if withDeletedIndexes {
		want = 3
	}
	if got := storeIndexes(t, db, d, "users_deleted_at", "groups_deleted_at", "users_missing_since"); len(got) != want || got["users_missing_since"] == "" {
		t.Fatalf("indexes at version 5: %v; want users_missing_since and %d more", got, want-1)
	}
}

// TestOpenAddsTheDeletedIndexesToAVersion5Store: a store made by a release
// whose latest schema version was 5 is migrated on open, and gains the
// partial indexes of its deleted users and groups (or keeps them, made by
// a build whose migration 5 had them); its rows are kept and counted by
// the change mark.
func TestOpenAddsTheDeletedIndexesToAVersion5Store(t *testing.T) {
	for _, tc := range []struct {
		name  string
		d     *dialect
		build func(t *testing.T) (*sql.DB, Config)
	}{
		{"sqlite", sqliteDialect, func(t *testing.T) (*sql.DB, Config) {
			path := filepath.Join(t.TempDir(), "v5.db")
			db, err := sql.Open("sqlite", SQLiteDSN(path))
			if err != nil {
				t.Fatal(err)
			}
			return db, Config{Path: path}
		}},
		{"postgres", postgresDialect, func(t *testing.T) (*sql.DB, Config) {
			c := pgTestConfig(t)
			pc, err := pgConfig(c)
			if err != nil {
				t.Fatal(err)
			}
			return stdlib.OpenDB(*pc), c
		}},
	} {
		for _, withIndexes := range []bool{false, true} {
			name := tc.name
			if withIndexes {
				name += ", indexes made by migration 5"
			}
			t.Run(name, func(t *testing.T) { testOpenVersion5Store(t, tc.d, tc.build, withIndexes) })
		}
	}
}

// testOpenVersion5Store opens a version-5 store built by build and checks
// what TestOpenAddsTheDeletedIndexesToAVersion5Store says.
func testOpenVersion5Store(t *testing.T, d *dialect, build func(t *testing.T) (*sql.DB, Config), withIndexes bool) {
	ctx := context.Background()
	old, c := build(t)
	migrateTo5(t, old, d, withIndexes)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := c.Open(ctx)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if v, err := db.SchemaVersion(ctx); err != nil || v != LatestSchemaVersion() {
		t.Fatalf("schema version %d, %v; want the latest, %d", v, err, LatestSchemaVersion())
	}
	got := storeIndexes(t, db.sql, d, "users_deleted_at", "groups_deleted_at")
	for name, table := range deletedIndexes {
		def := got[name]
		if !strings.Contains(def, "ON "+table) && !strings.Contains(def, "ON public."+table) {
			t.Errorf("index %s: %q; want one on %s", name, def, table)
		}
		if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(def, "(", ""), ")", ""), "WHERE deleted_at IS NOT NULL") {
			t.Errorf("index %s: %q; want only the deleted rows", name, def)
		}
	}
	if len(got) != len(deletedIndexes) {
		t.Errorf("indexes after the migration: %v", got)
	}
	m, err := db.ChangeMark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.LiveUsers != 1 || m.LiveGroups != 0 {
		t.Fatalf("change mark after the migration: %+v; want 1 live user, no live group", m)
	}
	mustIntegrity(t, db)
}

// TestChangeMarkCountsDeletedRowsByIndex: on SQLite the change mark's
// counts of deleted users and groups read migration 6's indexes rather
// than scanning their tables.
func TestChangeMarkCountsDeletedRowsByIndex(t *testing.T) {
	db := openTest(t)
	for name, table := range deletedIndexes {
		plan := queryPlan(t, db, `SELECT count(*) FROM `+table+` WHERE deleted_at IS NOT NULL`)
		if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX "+name) {
			t.Errorf("counting the deleted %s: plan %q; want it to use %s", table, p, name)
		}
	}
}
