package store

import (
	"context"
	"fmt"
	"time"
)

// InviteSending is the QueuedReason of an invitation whose e-mail is being
// sent right now, or whose sending was interrupted (the process stopped
// between handing the message to the mail server and recording it as sent).
// Such an invitation is never sent again automatically: the e-mail may have
// gone out, and an invitation is mailed at most once per token.
const InviteSending = "sending"

// QueuedInvite is an invitation that is neither sent nor used, with the
// user it belongs to.
type QueuedInvite struct {
	Invite
	Username          string
	Email             string
	Disabled          bool
	EnrollmentPending bool
}

// Sending reports whether the invitation is being (or was interrupted while
// being) sent; see InviteSending.
func (in *Invite) Sending() bool {
	return in.SentAt.IsZero() && in.QueuedReason == InviteSending
}

// UnsentInvites returns every invitation of a live user that is neither
// sent, used nor revoked (the invitation queue, including those marked
// InviteSending), oldest first.
func (q Queries) UnsentInvites(ctx context.Context) ([]QueuedInvite, error) {
	rows, err := q.query(ctx, `SELECT i.id, i.user_id, i.token_hash, i.created_at, i.expires_at, i.used_at, i.sent_at, i.queued_reason, i.revoked_at,
			u.username, u.email, u.disabled, u.enrollment_pending
		FROM invites i JOIN users u ON u.id = i.user_id
		WHERE i.sent_at IS NULL AND i.used_at IS NULL AND i.revoked_at IS NULL AND u.deleted_at IS NULL
		ORDER BY i.id`)
	return scanAll(rows, err, "list queued invitations", func(r rowScanner) (*QueuedInvite, error) {
		var qi QueuedInvite
		in, err := scanInvite(scanFunc(func(dest ...any) error {
			return r.Scan(append(dest, &qi.Username, &qi.Email, &qi.Disabled, &qi.EnrollmentPending)...)
		}))
		if err != nil {
			return nil, err
		}
		qi.Invite = *in
		return &qi, nil
	})
}

// ReplaceUserInvites deletes the user's unused invitations (so their tokens
// stop working) and records a new one, valid until expiresAt, with the given
// queued reason (InviteSending when it is mailed at once). Run it inside
// DB.WithTx so that the user never is without an invitation.
func (q Queries) ReplaceUserInvites(ctx context.Context, userID int64, tokenHash string, expiresAt time.Time, queuedReason string) (*Invite, error) {
	if _, err := q.liveUser(ctx, userID); err != nil {
		return nil, err
	}
	if _, err := q.exec(ctx, `DELETE FROM invites WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
		return nil, fmt.Errorf("store: replace the invitations of user %d: %w", userID, err)
	}
	return q.CreateInvite(ctx, userID, tokenHash, expiresAt, queuedReason)
}

// ClaimInvite takes a queued invitation for sending: it replaces its token
// hash and expiry (a queued invitation's earlier token was never delivered)
// and marks it InviteSending. It reports false, changing nothing, when the
// invitation is gone, sent, used, revoked, or already being sent by someone
// else.
func (q Queries) ClaimInvite(ctx context.Context, id int64, tokenHash string, expiresAt time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE invites SET token_hash = ?, expires_at = ?, queued_reason = ?
		WHERE id = ? AND sent_at IS NULL AND used_at IS NULL AND revoked_at IS NULL AND queued_reason <> ?`,
		tokenHash, fmtTime(expiresAt), InviteSending, id, InviteSending)
	if err != nil {
		return false, fmt.Errorf("store: claim invitation %d for sending: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RequeueInvite puts an invitation that could not be sent back in the queue
// with the reason; a sent invitation is left alone.
func (q Queries) RequeueInvite(ctx context.Context, id int64, reason string) error {
	if reason == "" || reason == InviteSending {
		return errorf(ErrInvalid, "an invitation needs a reason to be queued")
	}
	res, err := q.exec(ctx, `UPDATE invites SET queued_reason = ? WHERE id = ? AND sent_at IS NULL`, reason, id)
	if err != nil {
		return fmt.Errorf("store: queue invitation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errorf(ErrNotFound, "no unsent invitation with id %d", id)
	}
	return nil
}

// RedeemInvite marks the invitation used unless it already is or was
// revoked, and reports whether this call did: of two concurrent redemptions
// only one succeeds, and none after a concurrent revocation.
// Tokens are redeemed through enroll.VerifyToken (Go applications) or
// "ldapwiz enroll redeem" (any other), which check the user first.
func (q Queries) RedeemInvite(ctx context.Context, id int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, fmtTime(now()), id)
	if err != nil {
		return false, fmt.Errorf("store: use invitation %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteInvite removes an invitation (e.g. a queued one that is no longer
// needed because its user enrolled).
func (q Queries) DeleteInvite(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `DELETE FROM invites WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete invitation %d: %w", id, err)
	}
	return nil
}

// PendingUsersWithoutInvite returns the ids of live users created from the
// directory that are enrollment_pending but never had an invitation: users
// a sync created whose invitation was not yet recorded (for instance
// because the process stopped right after the sync committed).
func (q Queries) PendingUsersWithoutInvite(ctx context.Context) ([]int64, error) {
	return q.ids(ctx, "list users waiting for an invitation", `SELECT u.id FROM users u
		WHERE u.enrollment_pending = 1 AND u.from_ldap = 1 AND u.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM invites i WHERE i.user_id = u.id)
		ORDER BY u.id`)
}
