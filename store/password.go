package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password limits. bcrypt reads at most 72 bytes, so longer passwords are
// refused rather than silently cut.
const (
	MinPasswordLength = 8  // characters
	MaxPasswordBytes  = 72 // bytes of UTF-8
)

// ValidatePassword checks a new password against the store's rules.
func ValidatePassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return errorf(ErrInvalid, "the password is not valid UTF-8")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return errorf(ErrInvalid, "the password is too short: use at least %d characters", MinPasswordLength)
	case len(pw) > MaxPasswordBytes:
		return errorf(ErrInvalid, "the password is too long: at most %d bytes (bcrypt ignores the rest)", MaxPasswordBytes)
	case strings.IndexFunc(pw, unicode.IsControl) >= 0:
		return errorf(ErrInvalid, "the password contains a control character (a tab or line break?)")
	}
	return nil
}

// HashPassword returns the bcrypt hash of a valid password.
func HashPassword(pw string) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("store: hash the password: %w", err)
	}
	return string(h), nil
}

// SetPassword sets a live user's password: it stores the bcrypt hash, bumps
// PasswordVersion and PasswordChangedAt, and keeps a sealed copy of the
// password for the next sync to write to the directory (see
// PendingPassword), since a hash cannot be sent there.
func (q Queries) SetPassword(ctx context.Context, id int64, pw string) (*User, error) {
	u, err := q.liveUser(ctx, id)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return nil, err
	}
	version := u.PasswordVersion + 1
	sealed, err := sealPending(q.path, id, version, pw)
	if err != nil {
		return nil, err
	}
	t := fmtTime(now())
	res, err := q.exec(ctx, `UPDATE users SET password_hash = ?, password_version = ?, password_changed_at = ?,
		password_pending = ?, updated_at = ? WHERE id = ? AND password_version = ?`,
		hash, version, t, sealed, t, id, u.PasswordVersion)
	if err != nil {
		return nil, fmt.Errorf("store: set the password of %q: %w", u.Username, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("store: the password of %q changed at the same time; try again", u.Username)
	}
	return q.GetUser(ctx, id)
}

// VerifyPassword reports whether pw is the user's password. A user with no
// password, or a tombstone, never matches. It is API for applications: their
// login check. ldapwiz itself never checks a password.
func (q Queries) VerifyPassword(ctx context.Context, id int64, pw string) (bool, error) {
	u, err := q.GetUser(ctx, id)
	if err != nil {
		return false, err
	}
	if u.Deleted() || u.PasswordHash == "" {
		return false, nil
	}
	err = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: check the password of %q: %w", u.Username, err)
	}
	return true, nil
}

// PendingPassword returns the password set in the store that the directory
// has not received yet, with the PasswordVersion it belongs to; ok is false
// when there is none. The sync engine writes it to the directory, then calls
// ClearPendingPassword with that version in the transaction recording the
// change.
func (q Queries) PendingPassword(ctx context.Context, id int64) (pw string, version int64, ok bool, err error) {
	var sealed []byte
	err = q.queryRow(ctx, `SELECT password_pending, password_version FROM users WHERE id = ?`, id).Scan(&sealed, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, false, errorf(ErrNotFound, "no user with id %d", id)
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("store: read the pending password of user %d: %w", id, err)
	}
	if sealed == nil {
		return "", version, false, nil
	}
	pw, err = openPending(q.path, id, version, sealed)
	if err != nil {
		return "", version, false, err
	}
	return pw, version, true, nil
}

// ClearPendingPassword forgets the pending password of version (a newer one
// set meanwhile is kept) and reports whether it did.
func (q Queries) ClearPendingPassword(ctx context.Context, id int64, version int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE users SET password_pending = NULL WHERE id = ? AND password_version = ? AND password_pending IS NOT NULL`, id, version)
	if err != nil {
		return false, fmt.Errorf("store: clear the pending password of user %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
