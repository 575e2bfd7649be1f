package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors, for errors.Is. The errors the store returns carry a full
// message (which user, what to do) and wrap one of these.
var (
	// ErrNotFound: no such user, group, link, run or invite.
	ErrNotFound = errors.New("not found")
	// ErrExists: a user or group with that name already exists.
	ErrExists = errors.New("already exists")
	// ErrDeleted: the user or group is deleted (a tombstone waiting for the
	// next sync to delete it from the directory).
	ErrDeleted = errors.New("deleted")
	// ErrInvalid: a username, group name, password or other value is not acceptable.
	ErrInvalid = errors.New("invalid value")
	// ErrLinkConflict: the directory entry is already linked to another local object.
	ErrLinkConflict = errors.New("link conflict")
	// ErrSyncRunning: another sync holds the sync lock.
	ErrSyncRunning = errors.New("a sync is already running")
	// ErrPasswordKey: a password waiting for the directory cannot be
	// unsealed (its key file is missing, damaged or replaced, or the sealed
	// copy is damaged): it is lost and must be set again. It concerns that
	// user only; everything else can go on.
	ErrPasswordKey = errors.New("pending password cannot be unsealed")
)

// storeError is an error with its own message that matches a sentinel.
type storeError struct {
	msg  string
	kind error
}

// Error returns the full message.
func (e *storeError) Error() string { return e.msg }

// Unwrap returns the sentinel, for errors.Is.
func (e *storeError) Unwrap() error { return e.kind }

// errorf returns an error with the formatted message that wraps kind for errors.Is.
func errorf(kind error, format string, args ...any) error {
	return &storeError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// isJSONViolation reports whether err is the schema refusing a value of
// column that is not JSON: SQLite's CHECK (json_valid(column)), or
// PostgreSQL's cast of it to json (invalid_text_representation, SQLSTATE
// 22P02, in the CHECK ((column::json) IS NOT NULL)), whose error does not
// name the column: give it a statement that writes one JSON column.
func isJSONViolation(err error, column string) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "22P02" && strings.Contains(pe.Message, "json")
	}
	return strings.Contains(err.Error(), "CHECK constraint failed: json_valid("+column+")")
}

// isUniqueViolation reports whether err is a unique constraint failure:
// SQLite's, or PostgreSQL's unique_violation (SQLSTATE 23505).
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}
