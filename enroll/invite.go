package enroll

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Enroller issues enrollment invitations: it gives users a fresh single-use
// token (stored only as its SHA-256 hash), and with enrollment.auto_invite
// mails it to them through [smtp]. An invitation that cannot be mailed (no
// e-mail address, no SMTP server, an SMTP failure, auto_invite off) is kept
// in the store's queue with the reason; SendQueued sends the queue later.
//
// A queued invitation holds no usable token: the token minted with it is
// thrown away unsent, and sending it later mints a fresh one (replacing the
// stored hash and restarting token_ttl). So no raw token is ever stored,
// and each token is mailed at most once: the invitation is marked
// store.InviteSending before the SMTP transaction and sent after it, and an
// invitation left "sending" by an interrupted run is never sent again
// automatically ("ldapwiz enroll retrigger" gives that user a new one).
type Enroller struct {
	settings wizard.Settings
	db       *store.DB
	getenv   func(string) string
	// RootCAs, when set, is the pool of CAs the SMTP server's certificate
	// must chain to instead of the system roots.
	RootCAs *x509.CertPool
	// Log, when set, gets a line per invitation sent or queued, naming
	// the user and a queued one's reason (never the token or the link).
	Log *slog.Logger
}

// NewEnroller returns an Enroller for the settings' [enrollment] and [smtp]
// sections working on db. getenv reads smtp.password_env (os.Getenv when nil).
func NewEnroller(s wizard.Settings, db *store.DB, getenv func(string) string) *Enroller {
	return &Enroller{settings: s, db: db, getenv: getenv}
}

// InviteReport says what happened to a batch of invitations.
type InviteReport struct {
	Sent   int // mailed now
	Queued int // kept in the queue; Failures says why
	// Skipped counts queued invitations SendQueued left alone: interrupted
	// while sending (they may have been delivered), or no longer needed
	// (the user enrolled; these are removed).
	Skipped  int
	Failures []InviteFailure
}

// InviteFailure is one invitation that was queued instead of sent.
type InviteFailure struct {
	Username, Email string
	Reason          string // what is wrong and how to fix it
}

func (r *InviteReport) queued(u *store.User, reason string) {
	r.Queued++
	r.Failures = append(r.Failures, InviteFailure{Username: u.Username, Email: u.Email, Reason: reason})
}

// OnUsersCreated is the sync engine's hook, to call after the run that
// created these store users has committed (never inside a transaction: it
// writes to the store and talks to the SMTP server). With enrollment.enabled
// each user is marked enrollment_pending and given an invitation; with
// auto_invite it is mailed, or queued when it cannot be. Without
// enrollment.enabled it does nothing. The error is about the store; mail
// problems are reported in the InviteReport, never returned.
func (e *Enroller) OnUsersCreated(ctx context.Context, userIDs []int64) (InviteReport, error) {
	var rep InviteReport
	if !e.settings.Enrollment.Enabled || len(userIDs) == 0 {
		return rep, nil
	}
	m := e.newMailer()
	defer m.close()
	for _, id := range userIDs {
		u, err := e.db.GetUser(ctx, id)
		if err != nil {
			return rep, err
		}
		if u.Deleted() {
			continue
		}
		if err := e.invite(ctx, m, u, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// InvitePending invites every enrollment_pending directory user that never
// had an invitation. It is idempotent and cheap when there is nothing to do,
// so the sync engine can simply call it after every (non dry-run) run
// instead of passing the created users to OnUsersCreated; it also catches
// users whose run stopped before their invitations were recorded. Without
// enrollment.enabled it does nothing.
func (e *Enroller) InvitePending(ctx context.Context) (InviteReport, error) {
	if !e.settings.Enrollment.Enabled {
		return InviteReport{}, nil
	}
	ids, err := e.db.PendingUsersWithoutInvite(ctx)
	if err != nil {
		return InviteReport{}, err
	}
	return e.OnUsersCreated(ctx, ids)
}

func (e *Enroller) newMailer() *mailer {
	return newMailer(e.settings.SMTP, e.getenv, e.RootCAs)
}

// ttl is enrollment.token_ttl.
func (e *Enroller) ttl() time.Duration { return e.settings.TokenTTLDuration() }

// invite marks u pending, replaces its invitations by a new one and mails
// it when auto_invite is on and it can be sent; otherwise it is queued.
func (e *Enroller) invite(ctx context.Context, m *mailer, u *store.User, rep *InviteReport) error {
	reason := e.queueReason(u, false)
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	expires := time.Now().Add(e.ttl())
	state := reason
	if state == "" {
		state = store.InviteSending
	}
	var in *store.Invite
	err = e.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SetEnrollmentPending(ctx, u.ID, true); err != nil {
			return err
		}
		in, err = tx.ReplaceUserInvites(ctx, u.ID, hash, expires, state)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the enrollment invitation of %s: %w", u.Username, err)
	}
	if reason != "" {
		rep.queued(u, reason)
		e.logQueued(u, reason)
		return nil
	}
	return e.deliver(ctx, m, in.ID, u, token, expires, rep)
}

// queueReason says why u's invitation cannot be mailed now, or "" when it
// can. explicit is true for "ldapwiz enroll send", which sends even when
// auto_invite is off.
func (e *Enroller) queueReason(u *store.User, explicit bool) string {
	en := e.settings.Enrollment
	switch {
	case !explicit && !en.AutoInvite:
		return "enrollment.auto_invite is off; send it with \"ldapwiz enroll send\""
	case strings.TrimSpace(u.Email) == "":
		return fmt.Sprintf("the user has no e-mail address; set one (ldapwiz users set %s --email ADDRESS, or in the directory), then run \"ldapwiz enroll send\"", u.Username)
	case u.Disabled:
		return "the account is disabled; enable it, then run \"ldapwiz enroll send\""
	case strings.TrimSpace(en.InviteURL) == "":
		return "enrollment.invite_url is empty, so the e-mail would have no link; set it, then run \"ldapwiz enroll send\""
	case strings.TrimSpace(e.settings.SMTP.Host) == "":
		return errNoSMTPHost.Error()
	}
	return ""
}

// deliver mails the invitation, already marked InviteSending with token's
// hash, and marks it sent; on failure it goes back to the queue with the
// reason (its token, never delivered, dies with it).
func (e *Enroller) deliver(ctx context.Context, m *mailer, inviteID int64, u *store.User, token string, expires time.Time, rep *InviteReport) error {
	requeue := func(reason string) error {
		// The store write must happen even when ctx was cancelled mid-send.
		if err := e.db.RequeueInvite(context.WithoutCancel(ctx), inviteID, reason); err != nil {
			return err
		}
		rep.queued(u, reason)
		e.logQueued(u, reason)
		return nil
	}
	link, err := InviteLink(e.settings.Enrollment.InviteURL, token)
	if err != nil {
		return requeue(err.Error())
	}
	msg, err := composeInvite(e.settings.SMTP.From, e.settings.Enrollment.InviteURL, invitation{
		name: u.FullName(), email: u.Email, username: u.Username,
		link: link, expires: expires, ttl: e.ttl(),
	}, time.Now())
	if err != nil {
		return requeue(err.Error())
	}
	if _, err := m.send(ctx, msg); err != nil {
		return requeue(err.Error())
	}
	if err := e.db.MarkInviteSent(context.WithoutCancel(ctx), inviteID); err != nil {
		// Sent but not recorded: it stays "sending" and is never resent.
		return fmt.Errorf("the invitation of %s was sent but could not be recorded as sent: %w", u.Username, err)
	}
	rep.Sent++
	if e.Log != nil {
		e.Log.LogAttrs(context.Background(), slog.LevelInfo, "invitation sent", slog.String("user", u.Username))
	}
	return nil
}

// logQueued logs an invitation kept in the queue, and why.
func (e *Enroller) logQueued(u *store.User, reason string) {
	if e.Log != nil {
		e.Log.LogAttrs(context.Background(), slog.LevelWarn, "invitation queued", slog.String("user", u.Username), slog.String("reason", reason))
	}
}
