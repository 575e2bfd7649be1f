package enroll

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ldapwiz/store"
)

// tokenBytes is the number of random bytes in an enrollment token: 256
// bits, written as 43 base64url characters.
const tokenBytes = 32

// Errors VerifyToken returns (wrapped, for errors.Is). Their messages are
// meant for the person who opened the enrollment link.
var (
	// ErrTokenUnknown: no invitation has this token (mistyped, replaced by a
	// newer invitation, or its user was deleted).
	ErrTokenUnknown = errors.New("this enrollment link is not valid (it may have been replaced by a newer invitation); ask your administrator for a new one")
	// ErrTokenUsed: the token was already redeemed; tokens work once.
	ErrTokenUsed = errors.New("this enrollment link has already been used; each link works once, ask your administrator for a new one")
	// ErrTokenExpired: the token is older than enrollment.token_ttl.
	ErrTokenExpired = errors.New("this enrollment link has expired; ask your administrator for a new one")
	// ErrUserDisabled: the user is disabled, or was disabled after the
	// token was issued (which revoked it; enabling the user again does not
	// bring it back).
	ErrUserDisabled = errors.New("this enrollment link no longer works because the account is or was disabled; ask your administrator")
	// ErrNotPending: the user has finished enrolling (enrollment_pending
	// was cleared), so the token has nothing left to do.
	ErrNotPending = errors.New("this account has already finished enrolling; sign in, or ask your administrator for a new enrollment link")
)

// newToken returns a fresh enrollment token (crypto/rand, base64url without
// padding) and the hash under which the store keeps it. The token itself is
// never stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate an enrollment token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, store.TokenHash(token), nil
}

// WellFormedToken reports whether s has the form of an enrollment token
// (43 base64url characters, 256 bits), whether or not an invitation has it.
// Programs can use it to recognise a token given where it does not belong,
// so as not to repeat it in a message. It looks at the length first, so it
// is cheap on any string.
func WellFormedToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// InviteLink returns invite_url with the token added as the "token" query
// parameter, keeping any query and fragment the URL already has.
func InviteLink(inviteURL, token string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(inviteURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("enrollment.invite_url %q is not an http:// or https:// address; set it to the enrollment page, e.g. https://app.example.com/enroll", inviteURL)
	}
	param := "token=" + url.QueryEscape(token)
	if u.RawQuery == "" {
		u.RawQuery = param
	} else {
		u.RawQuery = strings.TrimSuffix(u.RawQuery, "&") + "&" + param
	}
	u.ForceQuery = false
	return u.String(), nil
}

// VerifyToken redeems an enrollment token: it returns the user the token was
// issued to and marks the token used, so it works only once. It refuses, in
// this order: a token no invitation has, or whose user was deleted
// (ErrTokenUnknown); a used one (ErrTokenUsed); one whose user is disabled,
// or was disabled since the token was issued, which revoked it
// (ErrUserDisabled); an expired one (ErrTokenExpired); one whose user is no
// longer enrollment_pending (ErrNotPending). A refused token is not used up.
// VerifyToken does not clear the user's enrollment_pending flag: the
// application does that when the user has finished enrolling (store
// SetEnrollmentPending(ctx, id, false), or "ldapwiz enroll done USER").
//
// VerifyToken is API for applications written in Go; "ldapwiz enroll
// redeem" offers the same to applications in any language.
func VerifyToken(ctx context.Context, db *store.DB, token string) (*store.User, error) {
	token = strings.TrimSpace(token)
	if !WellFormedToken(token) {
		return nil, ErrTokenUnknown
	}
	var user *store.User
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		in, err := tx.InviteByTokenHash(ctx, store.TokenHash(token))
		if errors.Is(err, store.ErrNotFound) {
			return ErrTokenUnknown
		}
		if err != nil {
			return err
		}
		u, err := tx.GetUser(ctx, in.UserID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.Deleted()) {
			return ErrTokenUnknown
		}
		if err != nil {
			return err
		}
		if err := refusal(in, u, time.Now()); err != nil {
			return err
		}
		ok, err := tx.RedeemInvite(ctx, in.ID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrTokenUsed
		}
		user = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// refusal says why the invitation in of the live user u cannot be redeemed
// at now, or nil when it can.
func refusal(in *store.Invite, u *store.User, now time.Time) error {
	switch {
	case !in.UsedAt.IsZero():
		return ErrTokenUsed
	case u.Disabled || in.Revoked():
		return ErrUserDisabled
	case !now.Before(in.ExpiresAt):
		return ErrTokenExpired
	case !u.EnrollmentPending:
		return ErrNotPending
	}
	return nil
}
