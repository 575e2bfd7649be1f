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

// wellFormedToken reports whether s looks like a token newToken makes.
func wellFormedToken(s string) bool {
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
// issued to and marks the token used, so it works only once. An unknown, a
// used and an expired token are refused with ErrTokenUnknown, ErrTokenUsed
// and ErrTokenExpired. VerifyToken does not clear the user's
// enrollment_pending flag: the application does that when the user has
// finished enrolling (store SetEnrollmentPending(ctx, id, false)).
//
// VerifyToken is API for applications (their enrollment page calls it, as
// the README documents); ldapwiz itself never redeems a token.
func VerifyToken(ctx context.Context, db *store.DB, token string) (*store.User, error) {
	token = strings.TrimSpace(token)
	if !wellFormedToken(token) {
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
		if !in.UsedAt.IsZero() {
			return ErrTokenUsed
		}
		if !time.Now().Before(in.ExpiresAt) {
			return ErrTokenExpired
		}
		u, err := tx.GetUser(ctx, in.UserID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.Deleted()) {
			return ErrTokenUnknown
		}
		if err != nil {
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
