package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestInviteQueueLifecycle(t *testing.T) { forBackends(t, testInviteQueueLifecycle) }

func testInviteQueueLifecycle(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "queued")
	other := mustUser(t, db, "other")
	exp := time.Now().Add(time.Hour)

	first, err := db.ReplaceUserInvites(ctx, u.ID, TokenHash("t1"), exp, "no SMTP server")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceUserInvites(ctx, other.ID, TokenHash("o1"), exp, "no SMTP server"); err != nil {
		t.Fatal(err)
	}
	q, err := db.UnsentInvites(ctx)
	if err != nil || len(q) != 2 || q[0].Username != "queued" || q[0].Email != "queued@example.com" {
		t.Fatalf("UnsentInvites: %+v %v", q, err)
	}

	// Claim: new hash, marked sending; a second claim fails.
	ok, err := db.ClaimInvite(ctx, first.ID, TokenHash("t2"), exp.Add(time.Hour))
	if err != nil || !ok {
		t.Fatalf("ClaimInvite: %v %v", ok, err)
	}
	if ok, _ := db.ClaimInvite(ctx, first.ID, TokenHash("t3"), exp); ok {
		t.Fatal("claimed twice")
	}
	if _, err := db.InviteByTokenHash(ctx, TokenHash("t1")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old hash still found: %v", err)
	}
	in, err := db.InviteByTokenHash(ctx, TokenHash("t2"))
	if err != nil || !in.Sending() {
		t.Fatalf("claimed invite: %+v %v", in, err)
	}
	// Requeue after a failure, claim again, then sent: it leaves the queue.
	if err := db.RequeueInvite(ctx, first.ID, "connection refused"); err != nil {
		t.Fatal(err)
	}
	if err := db.RequeueInvite(ctx, first.ID, InviteSending); !errors.Is(err, ErrInvalid) {
		t.Fatalf("requeue as sending: %v", err)
	}
	if ok, _ := db.ClaimInvite(ctx, first.ID, TokenHash("t4"), exp); !ok {
		t.Fatal("claim after requeue failed")
	}
	if err := db.MarkInviteSent(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RequeueInvite(ctx, first.ID, "late"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("requeue of a sent invite: %v", err)
	}
	if q, _ := db.UnsentInvites(ctx); len(q) != 1 || q[0].Username != "other" {
		t.Fatalf("queue after send: %+v", q)
	}

	// Redeem once only.
	if ok, err := db.RedeemInvite(ctx, first.ID); err != nil || !ok {
		t.Fatalf("RedeemInvite: %v %v", ok, err)
	}
	if ok, _ := db.RedeemInvite(ctx, first.ID); ok {
		t.Fatal("redeemed twice")
	}
	// Replacing keeps used invitations (history) and drops unused ones.
	if _, err := db.ReplaceUserInvites(ctx, u.ID, TokenHash("t5"), exp, InviteSending); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceUserInvites(ctx, u.ID, TokenHash("t6"), exp, "again"); err != nil {
		t.Fatal(err)
	}
	list, _ := db.ListInvites(ctx, u.ID)
	if len(list) != 2 || list[0].TokenHash != TokenHash("t6") || list[1].UsedAt.IsZero() {
		t.Fatalf("invites after replace: %+v", list)
	}
	if err := db.DeleteInvite(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	// Deleted users' invitations are not queued.
	if _, err := db.DeleteUser(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if q, _ := db.UnsentInvites(ctx); len(q) != 0 {
		t.Fatalf("queue: %+v", q)
	}
	if _, err := db.ReplaceUserInvites(ctx, 9999, TokenHash("x"), exp, "r"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	mustIntegrity(t, db)
}
