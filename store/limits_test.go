package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestFieldLengthLimits: a store on disk refuses over-long values with an
// error naming the field and the limit, on create and on update, and keeps
// values at the limit.
func TestFieldLengthLimits(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []struct {
		field string
		nu    NewUser
	}{
		{"last name", NewUser{Username: "a", LastName: long(100000)}},
		{"first name", NewUser{Username: "a", FirstName: long(MaxNameLength + 1)}},
		{"phone", NewUser{Username: "a", Phone: strings.Repeat("1", MaxPhoneLength+1)}},
		{"e-mail address", NewUser{Username: "a", Email: strings.Repeat("x", MaxEmailLength) + "@example.com"}},
		{"username", NewUser{Username: strings.Repeat("u", MaxUsernameLength+1)}},
	}
	for _, c := range cases {
		_, err := db.CreateUser(ctx, c.nu)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.field) || !strings.Contains(err.Error(), "the limit is") {
			t.Errorf("%s: %v", c.field, err)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("%s: the error quotes the value (%d bytes)", c.field, len(err.Error()))
		}
	}
	u, err := db.CreateUser(ctx, NewUser{Username: "max", LastName: long(MaxNameLength), Phone: strings.Repeat("1", MaxPhoneLength)})
	if err != nil {
		t.Fatalf("values at the limit: %v", err)
	}
	tooLong := long(MaxNameLength + 1)
	if _, err := db.UpdateUser(ctx, u.ID, UserUpdate{LastName: &tooLong}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "last name") {
		t.Errorf("update with an over-long last name: %v", err)
	}
	desc := strings.Repeat("d", MaxDescriptionLength+1)
	if _, err := db.CreateGroup(ctx, "g", desc, false); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "description") {
		t.Errorf("group description: %v", err)
	}
}
