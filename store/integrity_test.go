package store

import (
	"context"
	"strings"
	"testing"
)

func TestIntegrityCheckDetectsBrokenInvariants(t *testing.T) {
	forBackends(t, testIntegrityCheckDetectsBrokenInvariants)
}

func testIntegrityCheckDetectsBrokenInvariants(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "ivan")
	g, _ := db.CreateGroup(ctx, "grp", "", false)
	if _, err := db.AddMember(ctx, u.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	mustIntegrity(t, db)

	// Break things behind the API's back, as a crash or a hand edit might.
	for _, stmt := range []string{
		`INSERT INTO links (kind, local_id, stable_id, dn, synced_at) VALUES ('user', 4242, 'orphan-uuid', 'uid=gone,dc=x', '2025-01-01T00:00:00.000000Z')`,
		`INSERT INTO links (kind, local_id, stable_id, dn, synced_at) VALUES ('group', 4343, 'orphan-group', 'cn=gone,dc=x', '2025-01-01T00:00:00.000000Z')`,
		`UPDATE users SET deleted_at = '2025-01-01T00:00:00.000000Z' WHERE username = 'ivan'`,
	} {
		if _, err := db.sql.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	wants := []string{"link points at no user: link 1 (uid=gone,dc=x) -> user 4242",
		"link points at no group:", "deleted user still in a group: ivan"}
	if !db.pgDB() {
		breakForeignKey(t, db)
		wants = append(wants, "foreign key violation in memberships")
	}
	err := db.IntegrityCheck(ctx)
	if err == nil {
		t.Fatal("IntegrityCheck passed a broken database")
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("IntegrityCheck error lacks %q:\n%v", want, err)
		}
	}
}

// breakForeignKey writes a membership of a user that does not exist
// (SQLite only: PostgreSQL enforces foreign keys always).
func breakForeignKey(t *testing.T, db *DB) {
	// A foreign key violation needs foreign keys off on the connection that
	// writes it: use a dedicated connection.
	ctx := context.Background()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`PRAGMA foreign_keys = OFF`,
		`INSERT INTO memberships (user_id, group_id, created_at) VALUES (777, 1, 'x')`,
		`PRAGMA foreign_keys = ON`} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
}
