package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// Invite is an enrollment invitation: a single-use, expiring token for one
// user. Only the token's hash is stored (see TokenHash).
type Invite struct {
	ID        int64
	UserID    int64
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
	SentAt    time.Time // zero until mailed
	// QueuedReason says why the invitation was not mailed yet (e.g. "no
	// SMTP server configured"); empty once sent.
	QueuedReason string
	// RevokedAt is when the invitation was withdrawn because its user was
	// disabled or deleted; zero while it is not. A revoked invitation is
	// never sent, claimed or redeemed.
	RevokedAt time.Time
}

// Revoked reports whether the invitation was withdrawn (see RevokedAt).
func (in *Invite) Revoked() bool { return !in.RevokedAt.IsZero() }

// TokenHash returns the hex SHA-256 of an invitation token, the form in
// which tokens are stored and looked up.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const inviteColumns = `id, user_id, token_hash, created_at, expires_at, used_at, sent_at, queued_reason, revoked_at`

func scanInvite(r rowScanner) (*Invite, error) {
	var in Invite
	var created, expires, used, sent, revoked sql.NullString
	if err := r.Scan(&in.ID, &in.UserID, &in.TokenHash, &created, &expires, &used, &sent, &in.QueuedReason, &revoked); err != nil {
		return nil, err
	}
	if err := parseTimes(timeCol{created, &in.CreatedAt}, timeCol{expires, &in.ExpiresAt},
		timeCol{used, &in.UsedAt}, timeCol{sent, &in.SentAt}, timeCol{revoked, &in.RevokedAt}); err != nil {
		return nil, err
	}
	return &in, nil
}

// CreateInvite records an invitation for a live user, valid until expiresAt,
// queued for sending with the given reason (empty when it is sent at once;
// then call MarkInviteSent).
func (q Queries) CreateInvite(ctx context.Context, userID int64, tokenHash string, expiresAt time.Time, queuedReason string) (*Invite, error) {
	if _, err := q.liveUser(ctx, userID); err != nil {
		return nil, err
	}
	in, err := scanInvite(q.queryRow(ctx, `INSERT INTO invites (user_id, token_hash, created_at, expires_at, queued_reason) VALUES (?, ?, ?, ?, ?) RETURNING `+inviteColumns,
		userID, tokenHash, fmtTime(now()), fmtTime(expiresAt), queuedReason))
	if err != nil {
		return nil, fmt.Errorf("store: record the invitation of user %d: %w", userID, err)
	}
	return in, nil
}

// InviteByTokenHash returns the invitation with that token hash, revoked or
// not. enroll.VerifyToken (and so "ldapwiz enroll redeem") reads the
// invitation with it.
func (q Queries) InviteByTokenHash(ctx context.Context, tokenHash string) (*Invite, error) {
	in, err := scanInvite(q.queryRow(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = ?`, tokenHash))
	return scanOne(in, err, func() error { return errorf(ErrNotFound, "no such invitation (unknown token)") }, "read invitation")
}

// ListInvites returns a user's invitations, newest first, used and revoked
// ones included. It is API for applications (whether a user's invitation was
// sent, queued or used); ldapwiz itself lists the queue with UnsentInvites.
func (q Queries) ListInvites(ctx context.Context, userID int64) ([]Invite, error) {
	rows, err := q.query(ctx, `SELECT `+inviteColumns+` FROM invites WHERE user_id = ? ORDER BY id DESC`, userID)
	return scanAll(rows, err, "list invitations", scanInvite)
}

// MarkInviteSent records that the invitation was mailed.
func (q Queries) MarkInviteSent(ctx context.Context, id int64) error {
	return q.touchInvite(ctx, id, `UPDATE invites SET sent_at = ?, queued_reason = '' WHERE id = ?`)
}

func (q Queries) touchInvite(ctx context.Context, id int64, stmt string) error {
	res, err := q.exec(ctx, stmt, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("store: update invitation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errorf(ErrNotFound, "no invitation with id %d", id)
	}
	return nil
}
