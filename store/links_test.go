package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestLinksUniquenessAndUpsert(t *testing.T) { forBackends(t, testLinksUniquenessAndUpsert) }

func testLinksUniquenessAndUpsert(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	// The duplicate-RDN pair: same RDN, different OUs, different entries.
	u1 := mustUser(t, db, "user1")
	u2 := mustUser(t, db, "user1b")
	base := Values{"mail": {"user1@example.com"}, "cn": {"user1"}, "password_version": {"0"}}
	l1, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u1.ID, StableID: "uuid-a", DN: "cn=user1,ou=a,dc=example,dc=com", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l1.Base, base) || l1.SyncedAt.IsZero() {
		t.Fatalf("link read back: %+v", l1)
	}
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u2.ID, StableID: "uuid-b", DN: "cn=user1,ou=b,dc=example,dc=com"}); err != nil {
		t.Fatal(err)
	}
	// One entry cannot be linked to two users.
	_, err = db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u2.ID, StableID: "uuid-a", DN: "cn=user1,ou=a,dc=example,dc=com"})
	if !errors.Is(err, ErrLinkConflict) {
		t.Fatalf("stable id linked twice: %v", err)
	}
	// The same stable id may be used by a group link (different kind).
	g, _ := db.CreateGroup(ctx, "g", "", false)
	if _, err := db.UpsertLink(ctx, Link{Kind: KindGroup, LocalID: g.ID, StableID: "uuid-a", DN: "cn=g,dc=x"}); err != nil {
		t.Fatalf("group link with a user's stable id: %v", err)
	}
	// Upsert follows a move: same local id, new DN and base values.
	moved, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u1.ID, StableID: "uuid-a", DN: `cn=Doe\, John,ou=c,dc=example,dc=com`, Base: Values{"cn": {"Doe, John"}}})
	if err != nil || moved.ID != l1.ID || moved.DN != `cn=Doe\, John,ou=c,dc=example,dc=com` || len(moved.Base) != 1 {
		t.Fatalf("move: %+v %v", moved, err)
	}
	got, err := db.LinkByStableID(ctx, KindUser, "uuid-a")
	if err != nil || got.LocalID != u1.ID {
		t.Fatalf("LinkByStableID: %+v %v", got, err)
	}
	if _, err := db.LinkByStableID(ctx, KindGroup, "uuid-b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("kind mix-up: %v", err)
	}
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: 12345, StableID: "x", DN: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("link to a missing user: %v", err)
	}
	if _, err := db.UpsertLink(ctx, Link{Kind: "computer", LocalID: u1.ID, StableID: "x"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad kind: %v", err)
	}
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u1.ID}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty stable id: %v", err)
	}
	if ls, _ := db.ListLinks(ctx, KindUser); len(ls) != 2 {
		t.Fatalf("ListLinks: %+v", ls)
	}
	mustIntegrity(t, db)
}
