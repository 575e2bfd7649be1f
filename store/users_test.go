package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestUserCRUD(t *testing.T) { forBackends(t, testUserCRUD) }

func testUserCRUD(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u, err := db.CreateUser(ctx, NewUser{Username: "jdoe", Email: "j@example.com", FirstName: "Jöhn", LastName: "Doe", Phone: "+1 555"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.CreatedAt.IsZero() || u.Deleted() || u.Disabled || u.HasPassword() || u.FullName() != "Jöhn Doe" {
		t.Fatalf("created user: %+v", u)
	}
	if _, err := db.CreateUser(ctx, NewUser{Username: "JDOE"}); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), `"jdoe" already exists`) {
		t.Fatalf("duplicate (other case): %v", err)
	}
	got, err := db.GetUserByName(ctx, "JDoe")
	if err != nil || got.ID != u.ID {
		t.Fatalf("GetUserByName ignoring case: %+v %v", got, err)
	}
	if _, err := db.GetUserByName(ctx, "nobody"); !errors.Is(err, ErrNotFound) || err.Error() != `no user named "nobody"` {
		t.Fatalf("missing user: %v", err)
	}

	// Update: only what changes is written.
	same, err := db.UpdateUser(ctx, u.ID, UserUpdate{Email: ptr("j@example.com")})
	if err != nil || !same.UpdatedAt.Equal(u.UpdatedAt) {
		t.Fatalf("no-op update wrote: %v %v -> %v", err, u.UpdatedAt, same.UpdatedAt)
	}
	up, err := db.UpdateUser(ctx, u.ID, UserUpdate{Username: ptr("john.doe"), Phone: ptr(""), LastName: ptr("Doe-Smith")})
	if err != nil {
		t.Fatal(err)
	}
	if up.Username != "john.doe" || up.Phone != "" || up.LastName != "Doe-Smith" || up.Email != "j@example.com" {
		t.Fatalf("updated: %+v", up)
	}
	if _, err := db.UpdateUser(ctx, u.ID, UserUpdate{Email: ptr("not an address")}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad email accepted: %v", err)
	}
	mustUser(t, db, "other")
	if _, err := db.UpdateUser(ctx, u.ID, UserUpdate{Username: ptr("Other")}); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto a taken name: %v", err)
	}

	// Disable / enable are idempotent and report changes.
	if ch, err := db.SetUserDisabled(ctx, u.ID, true); err != nil || !ch {
		t.Fatalf("disable: %v %v", ch, err)
	}
	if ch, err := db.SetUserDisabled(ctx, u.ID, true); err != nil || ch {
		t.Fatalf("disable again: %v %v", ch, err)
	}
	if got, _ := db.GetUser(ctx, u.ID); !got.Disabled {
		t.Fatal("not disabled")
	}
	if ch, err := db.SetUserDisabled(ctx, u.ID, false); err != nil || !ch {
		t.Fatalf("enable: %v %v", ch, err)
	}
	if ch, err := db.SetEnrollmentPending(ctx, u.ID, true); err != nil || !ch {
		t.Fatalf("enrollment: %v %v", ch, err)
	}
	if got, _ := db.GetUser(ctx, u.ID); !got.EnrollmentPending {
		t.Fatal("enrollment flag not set")
	}
	mustIntegrity(t, db)
}

func TestUsernameValidation(t *testing.T) { forBackends(t, testUsernameValidation) }

func testUsernameValidation(t *testing.T, be backend) {
	for _, ok := range []string{"a", "user1", "j.doe", "ann_lee-2", "x@corp", "Zoë", strings.Repeat("a", 64)} {
		if err := ValidateUsername(ok); err != nil {
			t.Errorf("ValidateUsername(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", " a", "a b", ".dot", "-x", "a,b", "tab\t", strings.Repeat("a", 65), "\xff"} {
		if err := ValidateUsername(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateUsername(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	db := be.open(t)
	if _, err := db.CreateUser(context.Background(), NewUser{Username: "has space"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("CreateUser with a space: %v", err)
	}
}

func TestListUsersFilters(t *testing.T) { forBackends(t, testListUsersFilters) }

func testListUsersFilters(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	for _, n := range []string{"carol", "alice", "bob"} {
		mustUser(t, db, n)
	}
	ldapUser, err := db.CreateUser(ctx, NewUser{Username: "dave", FromLDAP: true, Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	names := func(us []User) string {
		var s []string
		for _, u := range us {
			s = append(s, u.Username)
		}
		return strings.Join(s, ",")
	}
	all, err := db.ListUsers(ctx, UserFilter{})
	if err != nil || names(all) != "alice,bob,carol,dave" {
		t.Fatalf("all: %s %v", names(all), err)
	}
	if got, _ := db.ListUsers(ctx, UserFilter{Search: "BO"}); names(got) != "bob" {
		t.Fatalf("search: %s", names(got))
	}
	if got, _ := db.ListUsers(ctx, UserFilter{FromLDAP: ptr(true)}); names(got) != "dave" {
		t.Fatalf("from ldap: %s", names(got))
	}
	if got, _ := db.ListUsers(ctx, UserFilter{Disabled: ptr(false), Search: "A"}); names(got) != "alice,bob,carol" {
		t.Fatalf("enabled matching a: %s", names(got))
	}
	if got, _ := db.ListUsers(ctx, UserFilter{Disabled: ptr(true), FromLDAP: ptr(true), EnrollmentPending: ptr(false)}); names(got) != "dave" {
		t.Fatalf("disabled: %s", names(got))
	}
	// A linked user becomes a tombstone on delete.
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: ldapUser.ID, StableID: "u-dave", DN: "uid=dave,dc=x"}); err != nil {
		t.Fatal(err)
	}
	if purged, err := db.DeleteUser(ctx, ldapUser.ID); err != nil || purged {
		t.Fatalf("delete linked: purged=%v %v", purged, err)
	}
	if got, _ := db.ListUsers(ctx, UserFilter{}); names(got) != "alice,bob,carol" {
		t.Fatalf("live: %s", names(got))
	}
	if got, _ := db.ListUsers(ctx, UserFilter{OnlyDeleted: true}); names(got) != "dave" {
		t.Fatalf("deleted: %s", names(got))
	}
	if got, _ := db.ListUsers(ctx, UserFilter{IncludeDeleted: true}); len(got) != 4 {
		t.Fatalf("including deleted: %s", names(got))
	}
}

func TestDeleteTombstonesLinkedAndPurgesUnlinked(t *testing.T) {
	forBackends(t, testDeleteTombstonesLinkedAndPurgesUnlinked)
}

func testDeleteTombstonesLinkedAndPurgesUnlinked(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	local := mustUser(t, db, "local")
	linked := mustUser(t, db, "linked")
	g, err := db.CreateGroup(ctx, "staff", "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*User{local, linked} {
		if _, err := db.AddMember(ctx, u.ID, g.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: linked.ID, StableID: "uuid-1", DN: "uid=linked,ou=people,dc=example,dc=com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetPassword(ctx, linked.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}

	// Never linked: nothing to propagate, gone at once.
	if purged, err := db.DeleteUser(ctx, local.ID); err != nil || !purged {
		t.Fatalf("delete unlinked: purged=%v %v", purged, err)
	}
	if _, err := db.GetUser(ctx, local.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unlinked user still there: %v", err)
	}

	// Linked: a tombstone, out of its groups, pending password dropped, link kept.
	if purged, err := db.DeleteUser(ctx, linked.ID); err != nil || purged {
		t.Fatalf("delete linked: purged=%v %v", purged, err)
	}
	tomb, err := db.GetUserByName(ctx, "linked")
	if err != nil || !tomb.Deleted() || tomb.PasswordPending {
		t.Fatalf("tombstone: %+v %v", tomb, err)
	}
	if m, _ := db.GroupMembers(ctx, g.ID); len(m) != 0 {
		t.Fatalf("tombstone still a member: %v", m)
	}
	if _, err := db.LinkByLocalID(ctx, KindUser, linked.ID); err != nil {
		t.Fatalf("link of the tombstone: %v", err)
	}
	// A tombstone refuses changes and blocks its name, with advice.
	if _, err := db.UpdateUser(ctx, tomb.ID, UserUpdate{Email: ptr("x@y.z")}); !errors.Is(err, ErrDeleted) {
		t.Fatalf("update of a tombstone: %v", err)
	}
	if _, err := db.SetUserDisabled(ctx, tomb.ID, true); !errors.Is(err, ErrDeleted) {
		t.Fatalf("disable of a tombstone: %v", err)
	}
	if _, err := db.DeleteUser(ctx, tomb.ID); !errors.Is(err, ErrDeleted) {
		t.Fatalf("delete of a tombstone: %v", err)
	}
	if _, err := db.CreateUser(ctx, NewUser{Username: "linked"}); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "ldapwiz sync") {
		t.Fatalf("reusing a tombstone's name: %v", err)
	}
	if ok, _ := db.VerifyPassword(ctx, tomb.ID, "correct horse"); ok {
		t.Fatal("a tombstone's password still verifies")
	}
	mustIntegrity(t, db)

	// Restore, delete again, then purge once the directory deletion is done.
	if err := db.RestoreUser(ctx, tomb.ID); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.GetUser(ctx, tomb.ID); u.Deleted() {
		t.Fatal("restore left the tombstone")
	}
	if _, err := db.DeleteUser(ctx, tomb.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeUser(ctx, tomb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LinkByStableID(ctx, KindUser, "uuid-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purge left the link: %v", err)
	}
	if err := db.PurgeUser(ctx, tomb.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purge twice: %v", err)
	}
	mustIntegrity(t, db)
}
