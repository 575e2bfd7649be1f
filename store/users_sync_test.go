package store

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// TestListUsersForSync: the sync's read of every user lists them in
// ListUsers's order, tombstones included, with the fields a sync reads
// equal to ListUsers's, and calls keep with each.
func TestListUsersForSync(t *testing.T) {
	forBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.open(t)
		for _, n := range []string{"carol", "Alice", "bob", "dave", "Eve"} {
			mustUser(t, db, n)
		}
		bob, dave, eve := mustUser(t, db, "bob2"), mustUser(t, db, "dave2"), mustUser(t, db, "eve2")
		if _, err := db.SetUserDisabled(ctx, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetPassword(ctx, dave.ID, "a long enough password 1"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkUserMissing(ctx, eve.ID, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: bob.ID, StableID: "b", DN: "uid=bob2", Base: Values{}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteUser(ctx, bob.ID); err != nil { // linked: a tombstone
			t.Fatal(err)
		}
		want, err := db.ListUsers(ctx, UserFilter{IncludeDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		got, err := db.ListUsersForSync(ctx, func(*SyncUser) { kept++ })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || kept != len(want) {
			t.Fatalf("ListUsersForSync listed %d users (keep called %d times), ListUsers %d", len(got), kept, len(want))
		}
		tombstones := 0
		for i, w := range want {
			g := got[i]
			if g.ID != w.ID || g.Username != w.Username || g.Email != w.Email || g.FirstName != w.FirstName || g.LastName != w.LastName ||
				g.Phone != w.Phone || g.Disabled != w.Disabled || g.PasswordPending != w.PasswordPending || !g.DeletedAt.Equal(w.DeletedAt) ||
				!g.MissingSince.Equal(w.MissingSince) || g.MissingDisabled != w.MissingDisabled {
				t.Errorf("user %d: ListUsersForSync %+v, ListUsers %+v", i, g, w)
			}
			if g.Deleted() {
				tombstones++
			}
		}
		if tombstones != 1 {
			t.Errorf("tombstones %d, want 1", tombstones)
		}
	})
}

// TestEachLinkRow: the streamed read of a kind's links gives, after the
// count, the links UpsertLink wrote, in local id order (as ListLinks
// lists them), each base as the JSON of the values written.
func TestEachLinkRow(t *testing.T) {
	forBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.open(t)
		var wrote []Link // as written (ID from UpsertLink), in the order of their users' ids
		for i, n := range []string{"x", "y", "z"} {
			u := mustUser(t, db, n)
			w := Link{Kind: KindUser, LocalID: u.ID, StableID: "id-" + n, DN: "uid=" + n,
				Base: Values{"email": {n + "@example.com"}, "n": {string(rune('0' + i))}}}
			l, err := db.UpsertLink(ctx, w)
			if err != nil {
				t.Fatal(err)
			}
			w.ID = l.ID
			wrote = append(wrote, w)
		}
		listed, err := db.ListLinks(ctx, KindUser)
		if err != nil {
			t.Fatal(err)
		}
		var got []LinkRow
		count := -1
		err = db.EachLinkRow(ctx, KindUser, func(n int) { count = n }, func(r LinkRow) error {
			if count < 0 {
				t.Error("a row came before the count")
			}
			got = append(got, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if count != len(wrote) || len(got) != len(wrote) || len(listed) != len(wrote) {
			t.Fatalf("count %d, rows %d, listed %d, want %d", count, len(got), len(listed), len(wrote))
		}
		for i, w := range wrote {
			g := got[i]
			stored, err := json.Marshal(w.Base)
			if err != nil {
				t.Fatal(err)
			}
			base, err := g.DecodeBase()
			if g.ID != w.ID || g.Kind != KindUser || g.LocalID != w.LocalID || g.StableID != w.StableID || g.DN != w.DN ||
				g.BaseJSON != string(stored) || err != nil || !reflect.DeepEqual(base, w.Base) || g.SyncedAt.IsZero() {
				t.Errorf("row %d: %+v (base %v, %v), want %+v", i, g, base, err, w)
			}
			if l := listed[i]; l.ID != w.ID || !reflect.DeepEqual(l.Base, w.Base) || !l.SyncedAt.Equal(g.SyncedAt) {
				t.Errorf("ListLinks row %d: %+v, want %+v", i, l, w)
			}
		}
		if err := db.EachLinkRow(ctx, KindGroup, nil, func(LinkRow) error { t.Error("a group link"); return nil }); err != nil {
			t.Fatal(err)
		}
	})
}

// A sync holds a SyncUser per store user: only the columns a plan reads.
func TestSyncUserSize(t *testing.T) {
	if n := unsafe.Sizeof(SyncUser{}); n > 144 {
		t.Errorf("a SyncUser is %d bytes, want at most 144", n)
	}
}
