package store

import (
	"context"
	"testing"
	"time"
)

// A user marked missing is disabled (unless an administrator had disabled
// it already), remembers since when, and is enabled again only when the
// mark is cleared with enable and the mark had disabled it.
func TestMarkAndClearUserMissing(t *testing.T) { forBackends(t, testMarkAndClearUserMissing) }

func testMarkAndClearUserMissing(t *testing.T, b backend) {
	ctx := context.Background()
	db := b.open(t)
	since := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

	bob := mustUser(t, db, "bob")
	if err := db.MarkUserMissing(ctx, bob.ID, since, true); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetUser(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Disabled || !got.MissingDisabled || !got.MissingSince.Equal(since) {
		t.Fatalf("bob after the mark: disabled %v, missing_disabled %v, since %v", got.Disabled, got.MissingDisabled, got.MissingSince)
	}
	enabled, err := db.ClearUserMissing(ctx, bob.ID, true)
	if err != nil || !enabled {
		t.Fatalf("clear: enabled %v, %v", enabled, err)
	}
	got, _ = db.GetUser(ctx, bob.ID)
	if got.Disabled || got.MissingDisabled || !got.MissingSince.IsZero() {
		t.Fatalf("bob after the clear: %+v", got)
	}

	// An administrator's disable survives the mark and its clearing.
	ann := mustUser(t, db, "ann")
	if _, err := db.SetUserDisabled(ctx, ann.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkUserMissing(ctx, ann.ID, since, false); err != nil {
		t.Fatal(err)
	}
	if enabled, err := db.ClearUserMissing(ctx, ann.ID, true); err != nil || enabled {
		t.Fatalf("clear of an admin-disabled user: enabled %v, %v", enabled, err)
	}
	if got, _ := db.GetUser(ctx, ann.ID); !got.Disabled || !got.MissingSince.IsZero() {
		t.Fatalf("ann after the clear: %+v", got)
	}

	// Without enable (the directory has the account disabled), the mark
	// goes and the user stays disabled.
	cy := mustUser(t, db, "cy")
	if err := db.MarkUserMissing(ctx, cy.ID, since, true); err != nil {
		t.Fatal(err)
	}
	if enabled, err := db.ClearUserMissing(ctx, cy.ID, false); err != nil || enabled {
		t.Fatalf("clear without enable: enabled %v, %v", enabled, err)
	}
	if got, _ := db.GetUser(ctx, cy.ID); !got.Disabled || got.MissingDisabled {
		t.Fatalf("cy after the clear: %+v", got)
	}
	mustIntegrity(t, db)
}
