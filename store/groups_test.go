package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestGroupsAndMemberships(t *testing.T) { forBackends(t, testGroupsAndMemberships) }

func testGroupsAndMemberships(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	a, b := mustUser(t, db, "a1"), mustUser(t, db, "b1")
	g, err := db.CreateGroup(ctx, "Engineering", "builders", true)
	if err != nil || !g.FromLDAP || g.Description != "builders" {
		t.Fatalf("CreateGroup: %+v %v", g, err)
	}
	if _, err := db.CreateGroup(ctx, "engineering", "", false); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate group: %v", err)
	}
	if _, err := db.CreateGroup(ctx, " padded", "", false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("padded name: %v", err)
	}
	ops, _ := db.CreateGroup(ctx, "ops", "", false)

	for _, m := range []Membership{{a.ID, g.ID}, {b.ID, g.ID}, {a.ID, ops.ID}} {
		if added, err := db.AddMember(ctx, m.UserID, m.GroupID); err != nil || !added {
			t.Fatalf("AddMember %v: %v %v", m, added, err)
		}
	}
	if added, err := db.AddMember(ctx, a.ID, g.ID); err != nil || added {
		t.Fatalf("AddMember twice: %v %v", added, err)
	}
	if _, err := db.AddMember(ctx, 9999, g.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("AddMember of a missing user: %v", err)
	}
	if m, _ := db.GroupMembers(ctx, g.ID); !reflect.DeepEqual(m, []int64{a.ID, b.ID}) {
		t.Fatalf("GroupMembers: %v", m)
	}
	if gs, _ := db.UserGroups(ctx, a.ID); !reflect.DeepEqual(gs, []int64{g.ID, ops.ID}) {
		t.Fatalf("UserGroups: %v", gs)
	}
	if all, _ := db.Memberships(ctx); len(all) != 3 {
		t.Fatalf("Memberships: %v", all)
	}
	if removed, err := db.RemoveMember(ctx, b.ID, g.ID); err != nil || !removed {
		t.Fatalf("RemoveMember: %v %v", removed, err)
	}
	if removed, _ := db.RemoveMember(ctx, b.ID, g.ID); removed {
		t.Fatal("RemoveMember twice reported a removal")
	}

	renamed, err := db.UpdateGroup(ctx, g.ID, ptr("eng"), nil)
	if err != nil || renamed.Name != "eng" || renamed.Description != "builders" {
		t.Fatalf("rename: %+v %v", renamed, err)
	}
	if _, err := db.UpdateGroup(ctx, g.ID, ptr("OPS"), nil); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto ops: %v", err)
	}
	if got, _ := db.GetGroupByName(ctx, "ENG"); got == nil || got.ID != g.ID {
		t.Fatalf("GetGroupByName: %+v", got)
	}

	// Linked group: tombstone without members; unlinked: purged.
	if _, err := db.UpsertLink(ctx, Link{Kind: KindGroup, LocalID: g.ID, StableID: "g-1", DN: "cn=eng,ou=groups,dc=x"}); err != nil {
		t.Fatal(err)
	}
	if purged, err := db.DeleteGroup(ctx, g.ID); err != nil || purged {
		t.Fatalf("DeleteGroup linked: %v %v", purged, err)
	}
	if m, _ := db.GroupMembers(ctx, g.ID); len(m) != 0 {
		t.Fatalf("tombstoned group has members %v", m)
	}
	if _, err := db.AddMember(ctx, a.ID, g.ID); !errors.Is(err, ErrDeleted) {
		t.Fatalf("AddMember to a tombstone: %v", err)
	}
	if live, _ := db.ListGroups(ctx, false); len(live) != 1 || live[0].Name != "ops" {
		t.Fatalf("live groups: %+v", live)
	}
	if all, _ := db.ListGroups(ctx, true); len(all) != 2 {
		t.Fatalf("all groups: %+v", all)
	}
	if purged, err := db.DeleteGroup(ctx, ops.ID); err != nil || !purged {
		t.Fatalf("DeleteGroup unlinked: %v %v", purged, err)
	}
	if gs, _ := db.UserGroups(ctx, a.ID); len(gs) != 0 {
		t.Fatalf("purged group left memberships: %v", gs)
	}
	if err := db.PurgeGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if ls, _ := db.ListLinks(ctx, KindGroup); len(ls) != 0 {
		t.Fatalf("group link survived purge: %+v", ls)
	}
	mustIntegrity(t, db)
}
