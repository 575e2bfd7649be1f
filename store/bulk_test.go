package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSaveLink(t *testing.T) { forBackends(t, testSaveLink) }

func testSaveLink(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	ada, bob := mustUser(t, db, "ada"), mustUser(t, db, "bob")
	g, err := db.CreateGroup(ctx, "staff", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveLink(ctx, Link{Kind: KindUser, LocalID: ada.ID, StableID: "guid-a", DN: "uid=ada", Base: Values{"mail": {"a@x"}}}); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces the DN and base values.
	if err := db.SaveLink(ctx, Link{Kind: KindUser, LocalID: ada.ID, StableID: "guid-a", DN: "uid=ada,ou=new", Base: Values{"mail": {"b@x"}}}); err != nil {
		t.Fatal(err)
	}
	l, err := db.LinkByLocalID(ctx, KindUser, ada.ID)
	if err != nil || l.DN != "uid=ada,ou=new" || l.Base["mail"][0] != "b@x" {
		t.Fatalf("link after the second save: %+v %v", l, err)
	}
	// The same stable id for another user is a conflict naming both.
	err = db.SaveLink(ctx, Link{Kind: KindUser, LocalID: bob.ID, StableID: "guid-a", DN: "uid=bob"})
	if !errors.Is(err, ErrLinkConflict) || !containsAll(err.Error(), "guid-a", fmt.Sprint(ada.ID), fmt.Sprint(bob.ID)) {
		t.Fatalf("conflict: %v", err)
	}
	// A group may use the same stable id as a user (kinds are apart).
	if err := db.SaveLink(ctx, Link{Kind: KindGroup, LocalID: g.ID, StableID: "guid-a", DN: "cn=staff"}); err != nil {
		t.Fatal(err)
	}
	// No such local object.
	if err := db.SaveLink(ctx, Link{Kind: KindGroup, LocalID: g.ID + 100, StableID: "guid-x", DN: "cn=x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing group: %v", err)
	}
	if err := db.SaveLink(ctx, Link{Kind: KindUser, LocalID: bob.ID, StableID: "", DN: "uid=bob"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty stable id: %v", err)
	}
	// A refused save does not abort the transaction it runs in.
	err = db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.SaveLink(ctx, Link{Kind: KindUser, LocalID: bob.ID, StableID: "guid-a", DN: "uid=bob"}); !errors.Is(err, ErrLinkConflict) {
			return fmt.Errorf("conflict in a transaction: %v", err)
		}
		return tx.SaveLink(ctx, Link{Kind: KindUser, LocalID: bob.ID, StableID: "guid-b", DN: "uid=bob"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := db.LinkByStableID(ctx, KindUser, "guid-b"); err != nil || l.LocalID != bob.ID {
		t.Fatalf("bob's link: %+v %v", l, err)
	}
}

func TestAddMembers(t *testing.T) { forBackends(t, testAddMembers) }

func testAddMembers(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	ids, err := db.CreateLinkedUsers(ctx, linkedUsers("m", addMembersChunk+7))
	if err != nil {
		t.Fatal(err)
	}
	g, err := db.CreateGroup(ctx, "staff", "", true)
	if err != nil {
		t.Fatal(err)
	}
	// A short chunk, then more than a full chunk with some members already.
	if n, err := db.AddMembers(ctx, g.ID, ids[:3]); err != nil || n != 3 {
		t.Fatalf("AddMembers of 3: %d %v", n, err)
	}
	if n, err := db.AddMembers(ctx, g.ID, ids); err != nil || n != len(ids)-3 {
		t.Fatalf("AddMembers of all: %d %v, want %d", n, err, len(ids)-3)
	}
	members, err := db.GroupMembers(ctx, g.ID)
	if err != nil || len(members) != len(ids) {
		t.Fatalf("GroupMembers: %d %v", len(members), err)
	}
	if n, err := db.AddMembers(ctx, g.ID, nil); err != nil || n != 0 {
		t.Fatalf("AddMembers of none: %d %v", n, err)
	}
	// A deleted user refuses the whole call.
	other, err := db.CreateGroup(ctx, "other", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteUser(ctx, ids[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMembers(ctx, other.ID, ids[:10]); !errors.Is(err, ErrDeleted) {
		t.Fatalf("deleted user: %v", err)
	}
	if _, err := db.AddMembers(ctx, other.ID, []int64{ids[0], ids[len(ids)-1] + 1000}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
	if m, _ := db.GroupMembers(ctx, other.ID); len(m) != 0 {
		t.Fatalf("refused calls added %d members", len(m))
	}
	// So does a group that is not live, members or not.
	if _, err := db.AddMembers(ctx, g.ID+100, ids[:2]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing group: %v", err)
	}
	if _, err := db.AddMembers(ctx, g.ID+100, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing group, no users: %v", err)
	}
	if _, err := db.DeleteGroup(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMembers(ctx, other.ID, ids[:2]); !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDeleted) {
		t.Fatalf("deleted group: %v", err)
	}
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
