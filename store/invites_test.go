package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestInvites(t *testing.T) { forBackends(t, testInvites) }

func testInvites(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "newbie")
	exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Microsecond)
	in, err := db.CreateInvite(ctx, u.ID, TokenHash("secret-token"), exp, "no SMTP server configured")
	if err != nil {
		t.Fatal(err)
	}
	if !in.ExpiresAt.Equal(exp) || in.QueuedReason == "" || !in.SentAt.IsZero() {
		t.Fatalf("invite: %+v", in)
	}
	if TokenHash("secret-token") == "secret-token" || len(TokenHash("x")) != 64 {
		t.Fatal("TokenHash is not a sha256 hex")
	}
	got, err := db.InviteByTokenHash(ctx, TokenHash("secret-token"))
	if err != nil || got.ID != in.ID {
		t.Fatalf("InviteByTokenHash: %+v %v", got, err)
	}
	if _, err := db.InviteByTokenHash(ctx, TokenHash("other")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := db.MarkInviteSent(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.RedeemInvite(ctx, in.ID); err != nil || !ok {
		t.Fatalf("RedeemInvite: %v %v", ok, err)
	}
	list, err := db.ListInvites(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].SentAt.IsZero() || list[0].UsedAt.IsZero() || list[0].QueuedReason != "" {
		t.Fatalf("ListInvites: %+v %v", list, err)
	}
	if err := db.MarkInviteSent(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing invite: %v", err)
	}
	// Purging the user takes its invitations.
	if err := db.PurgeUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.ListInvites(ctx, u.ID); len(list) != 0 {
		t.Fatalf("invites survived the user: %+v", list)
	}
	mustIntegrity(t, db)
}
