package enroll

import (
	"context"
	"errors"
	"time"

	"ldapwiz/store"
)

// QueuedInvitation is one entry of the invitation queue, for listing.
type QueuedInvitation struct {
	Username, Email string
	// Reason says why it was not sent and how to fix that.
	Reason  string
	Created time.Time
	// Expires is when the stored token expires. A queued invitation's
	// token was never delivered: sending it mints a new one, valid
	// token_ttl from then. For an interrupted send (Sending) it is the
	// expiry of the token that may have been delivered.
	Expires time.Time
	// Sending: the e-mail was being handed to the SMTP server when the run
	// stopped; it may have been delivered, so it is not resent.
	Sending bool
}

// sendingReason explains an invitation left marked store.InviteSending.
func sendingReason(username string) string {
	return "interrupted while sending: it may have been delivered, so it is not resent; run \"ldapwiz enroll retrigger --user " + username + "\" to send a new one"
}

// InviteQueue lists the invitations that are neither sent nor used, oldest
// first.
func InviteQueue(ctx context.Context, db *store.DB) ([]QueuedInvitation, error) {
	list, err := db.UnsentInvites(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]QueuedInvitation, 0, len(list))
	for _, qi := range list {
		q := QueuedInvitation{
			Username: qi.Username, Email: qi.Email, Reason: qi.QueuedReason,
			Created: qi.CreatedAt, Expires: qi.ExpiresAt, Sending: qi.Sending(),
		}
		if q.Sending {
			q.Reason = sendingReason(qi.Username)
		}
		out = append(out, q)
	}
	return out, nil
}

// SendQueued tries to mail every queued invitation ("ldapwiz enroll send"),
// whatever enrollment.auto_invite says: each gets a fresh token, valid
// token_ttl from now. One that still cannot be sent stays queued with the
// new reason. Invitations interrupted while sending are skipped (they may
// have been delivered); those of users no longer enrollment_pending are
// removed.
func (e *Enroller) SendQueued(ctx context.Context) (InviteReport, error) {
	var rep InviteReport
	list, err := e.db.UnsentInvites(ctx)
	if err != nil {
		return rep, err
	}
	m := e.newMailer()
	defer m.close()
	for _, qi := range list {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if qi.Sending() {
			rep.Skipped++
			rep.Failures = append(rep.Failures, InviteFailure{Username: qi.Username, Email: qi.Email, Reason: sendingReason(qi.Username)})
			continue
		}
		if !qi.EnrollmentPending {
			rep.Skipped++
			if err := e.db.DeleteInvite(ctx, qi.ID); err != nil {
				return rep, err
			}
			continue
		}
		u, err := e.db.GetUser(ctx, qi.UserID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return rep, err
		}
		if reason := e.queueReason(u, true); reason != "" {
			if err := e.db.RequeueInvite(ctx, qi.ID, reason); err != nil {
				return rep, err
			}
			rep.queued(u, reason)
			e.logQueued(u, reason)
			continue
		}
		token, hash, err := newToken()
		if err != nil {
			return rep, err
		}
		expires := time.Now().Add(e.ttl())
		ok, err := e.db.ClaimInvite(ctx, qi.ID, hash, expires)
		if err != nil {
			return rep, err
		}
		if !ok {
			continue // sent, used or taken by a concurrent "enroll send"
		}
		if err := e.deliver(ctx, m, qi.ID, u, token, expires, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
