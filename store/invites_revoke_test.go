package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// inviteState reads an invitation back by its token hash.
func inviteState(t *testing.T, db *DB, hash string) *Invite {
	t.Helper()
	in, err := db.InviteByTokenHash(context.Background(), hash)
	if err != nil {
		t.Fatalf("InviteByTokenHash: %v", err)
	}
	return in
}

func TestSetUserDisabledRevokesUnusedInvites(t *testing.T) {
	forBackends(t, testSetUserDisabledRevokesUnusedInvites)
}

func testSetUserDisabledRevokesUnusedInvites(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "dora")
	other := mustUser(t, db, "otto")
	exp := time.Now().Add(time.Hour)

	used, err := db.CreateInvite(ctx, u.ID, TokenHash("used"), exp, "")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.RedeemInvite(ctx, used.ID); err != nil || !ok {
		t.Fatalf("RedeemInvite: %v %v", ok, err)
	}
	sent, _ := db.CreateInvite(ctx, u.ID, TokenHash("sent"), exp, "")
	if err := db.MarkInviteSent(ctx, sent.ID); err != nil {
		t.Fatal(err)
	}
	queued, _ := db.CreateInvite(ctx, u.ID, TokenHash("queued"), exp, "no SMTP server")
	keep, _ := db.CreateInvite(ctx, other.ID, TokenHash("other"), exp, "no SMTP server")

	if ch, err := db.SetUserDisabled(ctx, u.ID, true); err != nil || !ch {
		t.Fatalf("SetUserDisabled: %v %v", ch, err)
	}
	for _, h := range []string{"sent", "queued"} {
		if in := inviteState(t, db, TokenHash(h)); !in.Revoked() {
			t.Errorf("invitation %q not revoked: %+v", h, in)
		}
	}
	if in := inviteState(t, db, TokenHash("used")); in.Revoked() || in.UsedAt.IsZero() {
		t.Errorf("a used invitation changed: %+v", in)
	}
	if in := inviteState(t, db, TokenHash("other")); in.Revoked() {
		t.Errorf("another user's invitation was revoked: %+v", in)
	}
	// A revoked invitation can neither be redeemed, claimed for sending nor
	// listed in the queue.
	if ok, err := db.RedeemInvite(ctx, sent.ID); err != nil || ok {
		t.Fatalf("a revoked invitation was redeemed: %v %v", ok, err)
	}
	if ok, err := db.ClaimInvite(ctx, queued.ID, TokenHash("fresh"), exp); err != nil || ok {
		t.Fatalf("a revoked invitation was claimed: %v %v", ok, err)
	}
	q, err := db.UnsentInvites(ctx)
	if err != nil || len(q) != 1 || q[0].ID != keep.ID {
		t.Fatalf("queue after the disable: %+v %v", q, err)
	}
	// Enabling the user again does not bring the links back.
	if _, err := db.SetUserDisabled(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("sent")); !in.Revoked() {
		t.Fatalf("enabling un-revoked an invitation: %+v", in)
	}
	// A new invitation after that (enroll retrigger) works.
	if _, err := db.ReplaceUserInvites(ctx, u.ID, TokenHash("new"), exp, ""); err != nil {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("new")); in.Revoked() {
		t.Fatalf("new invitation revoked: %+v", in)
	}
}

// The revocation is part of the disable: a transaction that disables the
// user and then fails leaves the invitations alone, and one that commits
// revokes them (the sync disables users inside its own transaction).
func TestSetUserDisabledRevokesInTheSameTransaction(t *testing.T) {
	forBackends(t, testSetUserDisabledRevokesInTheSameTransaction)
}

func testSetUserDisabledRevokesInTheSameTransaction(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "tina")
	if _, err := db.CreateInvite(ctx, u.ID, TokenHash("tina"), time.Now().Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.SetUserDisabled(ctx, u.ID, true); err != nil {
			return err
		}
		if in, err := tx.InviteByTokenHash(ctx, TokenHash("tina")); err != nil || !in.Revoked() {
			t.Errorf("not revoked inside the transaction: %+v %v", in, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("tina")); in.Revoked() {
		t.Fatalf("revoked although the disable rolled back: %+v", in)
	}
	if err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.SetUserDisabled(ctx, u.ID, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("tina")); !in.Revoked() {
		t.Fatalf("not revoked after the transaction committed: %+v", in)
	}
}

// A user deleted in the store but still linked to a directory entry stays as
// a tombstone until the next sync; its invitations are revoked at once.
func TestDeleteUserRevokesInvites(t *testing.T) { forBackends(t, testDeleteUserRevokesInvites) }

func testDeleteUserRevokesInvites(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "gone")
	if _, err := db.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "uuid-gone", DN: "uid=gone,dc=x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateInvite(ctx, u.ID, TokenHash("gone"), time.Now().Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if purged, err := db.DeleteUser(ctx, u.ID); err != nil || purged {
		t.Fatalf("DeleteUser: %v %v", purged, err)
	}
	in := inviteState(t, db, TokenHash("gone"))
	if !in.Revoked() {
		t.Fatalf("a tombstone's invitation is not revoked: %+v", in)
	}
	if ok, _ := db.RedeemInvite(ctx, in.ID); ok {
		t.Fatal("a tombstone's invitation was redeemed")
	}
	// Restoring the user does not bring the link back either.
	if err := db.RestoreUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("gone")); !in.Revoked() {
		t.Fatalf("restore un-revoked the invitation: %+v", in)
	}
	mustIntegrity(t, db)
}

// A database made before invitations could be revoked (schema version 1)
// is migrated on open: its invitations are kept, unrevoked, and revocation
// works on them.
func TestRevocationMigratesAVersion1Database(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	old, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if err := applyMigration(ctx, old, sqliteDialect, 1, 1, migrations()[0]); err != nil {
		t.Fatal(err)
	}
	t0 := "2026-01-01T00:00:00.000000Z"
	if _, err := old.ExecContext(ctx, `INSERT INTO users (id, username, created_at, updated_at) VALUES (1, 'vera', ?, ?)`, t0, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `INSERT INTO invites (user_id, token_hash, created_at, expires_at, sent_at) VALUES (1, ?, ?, '2099-01-01T00:00:00.000000Z', ?)`,
		TokenHash("vera"), t0, t0); err != nil {
		t.Fatal(err)
	}
	old.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if in := inviteState(t, db, TokenHash("vera")); in.Revoked() || in.SentAt.IsZero() {
		t.Fatalf("migrated invitation: %+v", in)
	}
	if _, err := db.SetUserDisabled(ctx, 1, true); err != nil {
		t.Fatal(err)
	}
	if in := inviteState(t, db, TokenHash("vera")); !in.Revoked() {
		t.Fatalf("not revoked after the migration: %+v", in)
	}
}
