package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// maxReported caps how many problems of one check IntegrityCheck lists.
const maxReported = 20

// IntegrityCheck verifies the database: on SQLite its own integrity_check
// and foreign_key_check (PostgreSQL enforces foreign keys always), then the store's invariants (every link points at an
// existing user or group of its kind, tombstones have no memberships, no
// membership involves a tombstoned group, the sync lock has one row at
// most). It returns nil, or one error listing every problem found.
//
// It is for operators and tests (the interruption tests prove the store
// consistent with it); ldapwiz itself does not call it.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var problems []string
	if !db.pgDB() {
		var err error
		if problems, err = db.sqliteIntegrity(ctx); err != nil {
			return err
		}
	}
	checks := []struct {
		what  string
		query string
	}{
		{"link points at no user:", `SELECT 'link ' || id || ' (' || dn || ') -> user ' || local_id FROM links
			WHERE kind = 'user' AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = links.local_id)`},
		{"link points at no group:", `SELECT 'link ' || id || ' (' || dn || ') -> group ' || local_id FROM links
			WHERE kind = 'group' AND NOT EXISTS (SELECT 1 FROM groups WHERE groups.id = links.local_id)`},
		{"deleted user still in a group:", `SELECT u.username || ' in group ' || m.group_id FROM memberships m
			JOIN users u ON u.id = m.user_id WHERE u.deleted_at IS NOT NULL`},
		{"deleted group still has members:", `SELECT g.name || ' has user ' || m.user_id FROM memberships m
			JOIN groups g ON g.id = m.group_id WHERE g.deleted_at IS NOT NULL`},
		{"run still marked running although finished:", `SELECT 'run ' || id FROM sync_runs
			WHERE finished_at IS NOT NULL AND outcome = 'running'`},
		{"sync lock has more than one row:", `SELECT 'rows: ' || COUNT(*) FROM sync_lock HAVING COUNT(*) > 1`},
	}
	for _, c := range checks {
		found, err := db.collect(ctx, c.query)
		if err != nil {
			return fmt.Errorf("store: integrity check (%s): %w", c.what, err)
		}
		for _, f := range found {
			problems = append(problems, c.what+" "+f)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("store: integrity check of " + db.where + " failed:\n  " + strings.Join(problems, "\n  "))
}

// sqliteIntegrity runs SQLite's integrity_check and foreign_key_check and
// returns the problems they found.
func (db *DB) sqliteIntegrity(ctx context.Context) ([]string, error) {
	var problems []string
	rows, err := db.sql.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("store: integrity check: %w", err)
	}
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: integrity check: %w", err)
		}
		lines = append(lines, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: integrity check: %w", err)
	}
	if !(len(lines) == 1 && lines[0] == "ok") {
		for _, l := range lines {
			problems = append(problems, "sqlite: "+l)
		}
	}

	found, err := db.collect(ctx, `SELECT "table" || ' row ' || COALESCE(rowid, '?') || ' -> ' || parent FROM pragma_foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("store: integrity check (foreign keys): %w", err)
	}
	for _, f := range found {
		problems = append(problems, "foreign key violation in "+f)
	}
	return problems, nil
}

// collect returns up to maxReported values of a one-column text query.
func (db *DB) collect(ctx context.Context, query string) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if len(out) == maxReported {
			out = append(out, "(and more)")
			break
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
