package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestChangeMarkScansNoRows proves the change mark reads each latest time
// and the missing users from an index: SQLite's plan for the statement
// searches an index or reads one end of it (max) for every part but the
// row counts, which walk the smallest index rather than the rows.
func TestChangeMarkScansNoRows(t *testing.T) {
	db := openTest(t)
	plan := queryPlan(t, db, changeMarkQuery)
	for _, d := range plan {
		if strings.HasPrefix(d, "SCAN ") && d != "SCAN CONSTANT ROW" && !strings.Contains(d, "COVERING INDEX") {
			t.Errorf("the change mark reads a table row by row: %q\nwhole plan:\n%s", d, strings.Join(plan, "\n"))
		}
	}
}

// TestChangeMarkSeesEveryWrite checks the mark moves on each kind of write
// the sync engine reads back: a user, its change, a group, a membership, a
// link, and a user marked missing.
func TestChangeMarkSeesEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	mark := func() ChangeMark {
		t.Helper()
		m, err := db.ChangeMark(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	last := mark()
	moved := func(what string) {
		t.Helper()
		m := mark()
		if m.Key == last.Key {
			t.Errorf("the change mark did not move after %s: %s", what, m.Key)
		}
		last = m
	}
	u, err := db.CreateUser(ctx, NewUser{Username: "ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	moved("creating a user")
	g, err := db.CreateGroup(ctx, "staff", "", false)
	if err != nil {
		t.Fatal(err)
	}
	moved("creating a group")
	if _, err := db.AddMember(ctx, u.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	moved("adding a member")
	if err := db.SaveLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "guid-1", DN: "uid=ada,dc=example"}); err != nil {
		t.Fatal(err)
	}
	moved("linking a user")
	if err := db.MarkUserMissing(ctx, u.ID, time.Now(), false); err != nil {
		t.Fatal(err)
	}
	moved("marking a user missing")
	if last.MissingUsers != 1 {
		t.Errorf("MissingUsers = %d, want 1", last.MissingUsers)
	}
}

// queryPlan returns SQLite's plan for query, one line a step (EXPLAIN QUERY
// PLAN's detail column).
func queryPlan(t *testing.T, db *DB, query string) []string {
	t.Helper()
	rows, err := db.sql.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
