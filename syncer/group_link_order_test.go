package syncer

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"ldapwiz/store"
)

// A group's link lists the members it had in their order, then the ones
// added sorted by stable id: the same sync writes the same link, though
// the members come from a map.
func TestGroupLinkMembersInAFixedOrder(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g, err := db.CreateGroup(ctx, "staff", "", true)
	if err != nil {
		t.Fatal(err)
	}
	members := map[*userPair]bool{{entry: &pairEntry{stableID: "gone"}}: false, {}: true}
	want := []string{"kept-b", "kept-a"}
	for i := range 40 {
		members[&userPair{entry: &pairEntry{stableID: fmt.Sprintf("id-%02d", 39-i)}}] = true
		want = append(want, fmt.Sprintf("id-%02d", i))
	}
	p := &groupPair{localID: g.ID, stableID: "group-id", dn: "cn=staff,dc=example"}
	for round := range 5 {
		base := store.Values{FieldName: {"staff"}, baseMembers: {"kept-b", "gone", "kept-a"}}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return saveGroupLink(ctx, tx, p, base, members) }); err != nil {
			t.Fatal(err)
		}
		l, err := db.LinkByLocalID(ctx, store.KindGroup, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Base[baseMembers]; !slices.Equal(got, want) {
			t.Fatalf("round %d: members %v, want %v", round, got, want)
		}
	}
}
