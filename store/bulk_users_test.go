package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// linkedUsers makes n users to create, named prefix0, prefix1, ..., each
// with its name as its link's base (as Base, or as BaseJSON for odd i).
func linkedUsers(prefix string, n int) []LinkedUser {
	us := make([]LinkedUser, n)
	for i := range us {
		name := fmt.Sprintf("%s%d", prefix, i)
		us[i] = LinkedUser{
			NewUser:  NewUser{Username: name, Email: name + "@example.com", FirstName: "F", LastName: name, FromLDAP: true, Disabled: i%7 == 0},
			StableID: "guid-" + name, DN: "uid=" + name + ",dc=example",
			Base: Values{"username": {name}},
		}
		if i%2 == 1 { // every other one with its base encoded already
			us[i].Base, us[i].BaseJSON = nil, `{"username":["`+name+`"]}`
		}
	}
	return us
}

func TestCreateLinkedUsers(t *testing.T) { forBackends(t, testCreateLinkedUsers) }

func testCreateLinkedUsers(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	// More than two full chunks and a short last one.
	us := linkedUsers("u", 2*bulkRows+3)
	ids, err := db.CreateLinkedUsers(ctx, us)
	if err != nil || len(ids) != len(us) {
		t.Fatalf("CreateLinkedUsers: %d ids, %v", len(ids), err)
	}
	for i, u := range us {
		got, err := db.GetUser(ctx, ids[i])
		if err != nil || got.Username != u.Username || got.Email != u.Email || got.Disabled != u.Disabled || !got.FromLDAP {
			t.Fatalf("user %d: %+v %v, want %+v", i, got, err, u)
		}
		l, err := db.LinkByLocalID(ctx, KindUser, ids[i])
		if err != nil || l.StableID != u.StableID || l.DN != u.DN || l.Base["username"][0] != u.Username || l.SyncedAt.IsZero() {
			t.Fatalf("link of user %d: %+v %v", i, l, err)
		}
	}
	before, _ := db.ListUsers(ctx, UserFilter{})

	// A name taken (ignoring ASCII case) fails the whole call, naming it.
	taken := linkedUsers("n", 3)
	taken[2].Username = "U5"
	if _, err := db.CreateLinkedUsers(ctx, taken); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), `"u5"`) {
		t.Fatalf("taken name: %v", err)
	}
	// So does a stable id linked to another user.
	linked := linkedUsers("m", 3)
	linked[1].StableID = us[4].StableID
	if _, err := db.CreateLinkedUsers(ctx, linked); !errors.Is(err, ErrLinkConflict) || !strings.Contains(err.Error(), us[4].StableID) {
		t.Fatalf("linked stable id: %v", err)
	}
	// And a name twice in the list, an empty stable id, a bad name.
	twice := linkedUsers("t", 2)
	twice[1].Username = "T0"
	if _, err := db.CreateLinkedUsers(ctx, twice); !errors.Is(err, ErrExists) {
		t.Fatalf("name twice: %v", err)
	}
	noID := linkedUsers("s", 1)
	noID[0].StableID = ""
	if _, err := db.CreateLinkedUsers(ctx, noID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty stable id: %v", err)
	}
	bad := linkedUsers("b", 1)
	bad[0].Username = "bad name"
	if _, err := db.CreateLinkedUsers(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad name: %v", err)
	}
	// None of the refused calls wrote anything.
	after, _ := db.ListUsers(ctx, UserFilter{})
	if len(after) != len(before) {
		t.Fatalf("refused calls left %d users, want %d", len(after), len(before))
	}
	links, _ := db.ListLinks(ctx, KindUser)
	if len(links) != len(us) {
		t.Fatalf("refused calls left %d links, want %d", len(links), len(us))
	}

	// Inside a transaction, on PostgreSQL too, a refused call does not
	// abort the transaction's later statements.
	err = db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.CreateLinkedUsers(ctx, linked); !errors.Is(err, ErrLinkConflict) {
			return fmt.Errorf("linked stable id in a transaction: %v", err)
		}
		_, err := tx.GetUser(ctx, ids[0])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A link left behind under the new user's id is replaced, as SaveLink
// replaces it (SQLite reuses the highest id once its row is gone).
func TestCreateLinkedUsersReplacesLeftoverLink(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ids, err := db.CreateLinkedUsers(ctx, linkedUsers("a", 2))
	if err != nil {
		t.Fatal(err)
	}
	next := ids[1] + 1
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO links (kind, local_id, stable_id, dn, base, synced_at) VALUES ('user', ?, 'old-guid', 'uid=old', '{}', '2026-01-01T00:00:00.000000Z')`, next); err != nil {
		t.Fatal(err)
	}
	// Its base given encoded: the replacement keeps it.
	c := linkedUsers("c", 1)
	c[0].Base, c[0].BaseJSON = nil, `{"username":["c0"],"email":["c0@example.com"]}`
	got, err := db.CreateLinkedUsers(ctx, c)
	if err != nil || got[0] != next {
		t.Fatalf("CreateLinkedUsers: %v %v, want id %d", got, err, next)
	}
	l, err := db.LinkByLocalID(ctx, KindUser, next)
	if err != nil || l.StableID != "guid-c0" || l.Base["email"][0] != "c0@example.com" || l.Base["username"][0] != "c0" {
		t.Fatalf("link: %+v %v", l, err)
	}
}

func TestAddChanges(t *testing.T) { forBackends(t, testAddChanges) }

func testAddChanges(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	run, err := db.BeginRun(ctx, "import", false, "sync")
	if err != nil {
		t.Fatal(err)
	}
	cs := make([]Change, bulkRows+5)
	for i := range cs {
		cs[i] = Change{RunID: run.ID, Side: SideStore, Op: OpCreate, Kind: KindUser, Name: fmt.Sprintf("u%d", i), DN: fmt.Sprintf("uid=u%d", i)}
		if i%2 == 1 {
			cs[i].Detail = json.RawMessage(fmt.Sprintf(`{"reason":"r%d"}`, i))
		}
	}
	if err := db.AddChanges(ctx, cs); err != nil {
		t.Fatal(err)
	}
	got, err := db.Changes(ctx, run.ID)
	if err != nil || len(got) != len(cs) {
		t.Fatalf("Changes: %d %v", len(got), err)
	}
	for i, c := range got {
		want := "{}"
		if i%2 == 1 {
			want = fmt.Sprintf(`{"reason":"r%d"}`, i)
		}
		if c.Name != cs[i].Name || c.DN != cs[i].DN || string(c.Detail) != want || c.At.IsZero() || c.Side != SideStore {
			t.Fatalf("change %d read back: %+v", i, c)
		}
	}
	// One bad change refuses them all.
	bad := []Change{cs[0], {RunID: run.ID, Side: SideStore, Op: OpCreate, Kind: KindUser, Detail: json.RawMessage("{")}}
	if err := db.AddChanges(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad detail: %v", err)
	}
	bad[1] = Change{RunID: run.ID, Side: "elsewhere", Op: OpCreate, Kind: KindUser}
	if err := db.AddChanges(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad side: %v", err)
	}
	if got, _ := db.Changes(ctx, run.ID); len(got) != len(cs) {
		t.Fatalf("refused calls wrote %d changes", len(got)-len(cs))
	}
	if err := db.AddChanges(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
