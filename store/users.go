package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is one user of the application's user database: what a sync reads
// of it (SyncUser) and the rest.
type User struct {
	SyncUser
	// PasswordHash is the bcrypt hash of the password, empty when none is
	// set. Never print or log it.
	PasswordHash string
	// PasswordVersion goes up by one at every password change, so the sync
	// engine can tell a password changed since the last sync by comparing
	// it with the version recorded in the link's base values.
	PasswordVersion int64
	// PasswordChangedAt is when the password was last set (zero: never).
	PasswordChangedAt time.Time
	// EnrollmentPending: the user must enroll before using the application.
	EnrollmentPending bool
	// FromLDAP: the user was created in the store by a sync from the directory.
	FromLDAP  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SyncUser is the part of a user a sync reads (ListUsersForSync): the
// columns a plan uses, 144 bytes where a User is 248. A sync holds one per
// user.
type SyncUser struct {
	ID        int64
	Username  string
	Email     string
	FirstName string
	LastName  string
	Phone     string
	// DeletedAt is set on a tombstone: a user deleted in the store whose
	// deletion has not yet been applied to the directory. Zero when live.
	DeletedAt time.Time
	// MissingSince is when a sync found the user's directory entry gone
	// and kept the user under sync.missing_users = "disable" (zero while
	// the entry is there); MissingDisabled says that sync disabled it, so
	// it is enabled again if the entry comes back (see MarkUserMissing).
	MissingSince time.Time
	Disabled     bool
	// PasswordPending: a password set in the store waits for the next sync
	// to write it to the directory (see Queries.PendingPassword).
	PasswordPending bool
	MissingDisabled bool
}

// Deleted reports whether u is a tombstone.
func (u *SyncUser) Deleted() bool { return !u.DeletedAt.IsZero() }

// HasPassword reports whether a password is set.
func (u *User) HasPassword() bool { return u.PasswordHash != "" }

// FullName is "First Last", or whichever part is set.
func (u *User) FullName() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// NewUser holds the fields of a user to create.
type NewUser struct {
	Username          string
	Email             string
	FirstName         string
	LastName          string
	Phone             string
	Disabled          bool
	EnrollmentPending bool
	FromLDAP          bool
}

// UserUpdate holds the fields to change on a user; nil leaves a field as it is.
type UserUpdate struct {
	Username  *string
	Email     *string
	FirstName *string
	LastName  *string
	Phone     *string
	FromLDAP  *bool
}

// UserFilter selects users for ListUsers. The zero value lists every live
// (not deleted) user.
type UserFilter struct {
	// Search keeps users whose username, e-mail, first or last name contains
	// it, ignoring case.
	Search string
	// IncludeDeleted also lists tombstones; OnlyDeleted lists only them.
	IncludeDeleted bool
	OnlyDeleted    bool
	// Disabled, FromLDAP and EnrollmentPending, when set, keep only users
	// with that value.
	Disabled          *bool
	FromLDAP          *bool
	EnrollmentPending *bool
}

// userColumns is the column list scanUser reads, in order.
const userColumns = `id, username, email, first_name, last_name, phone, disabled,
	password_hash, password_version, password_changed_at, password_pending IS NOT NULL, enrollment_pending,
	from_ldap, created_at, updated_at, deleted_at, missing_since, missing_disabled`

func scanUser(r rowScanner) (*User, error) {
	var u User
	var pwAt, created, updated, deleted, missing sql.NullString
	if err := r.Scan(&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &u.Phone,
		&u.Disabled, &u.PasswordHash, &u.PasswordVersion, &pwAt, &u.PasswordPending, &u.EnrollmentPending,
		&u.FromLDAP, &created, &updated, &deleted, &missing, &u.MissingDisabled); err != nil {
		return nil, err
	}
	if err := parseTimes(timeCol{pwAt, &u.PasswordChangedAt}, timeCol{created, &u.CreatedAt},
		timeCol{updated, &u.UpdatedAt}, timeCol{deleted, &u.DeletedAt}, timeCol{missing, &u.MissingSince}); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser adds a user. The username must be valid (see ValidateUsername)
// and not taken, ignoring ASCII case, by a user or a tombstone.
func (q Queries) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	if err := ValidateUsername(nu.Username); err != nil {
		return nil, err
	}
	if err := validateUserFields(nu.Email, nu.FirstName, nu.LastName, nu.Phone); err != nil {
		return nil, err
	}
	t := fmtTime(now())
	// A taken name inserts nothing (rather than failing, which would abort
	// a PostgreSQL transaction): no row comes back.
	u, err := scanUser(q.queryRow(ctx, `INSERT INTO users
		(username, email, first_name, last_name, phone, disabled, enrollment_pending, from_ldap, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING `+userColumns,
		nu.Username, nu.Email, nu.FirstName, nu.LastName, nu.Phone,
		boolInt(nu.Disabled), boolInt(nu.EnrollmentPending), boolInt(nu.FromLDAP), t, t))
	if errors.Is(err, sql.ErrNoRows) || isUniqueViolation(err) {
		return nil, q.nameTakenError(ctx, nu.Username)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", nu.Username, err)
	}
	return u, nil
}

// nameTakenError explains why a username cannot be used.
func (q Queries) nameTakenError(ctx context.Context, name string) error {
	u, err := q.GetUserByName(ctx, name)
	if err == nil && u.Deleted() {
		return errorf(ErrExists, "user %q was deleted and the deletion is waiting for the next sync to reach the directory; run \"ldapwiz sync\" first, or purge it with \"ldapwiz users delete --purge %s\"", u.Username, u.Username)
	}
	if err == nil {
		return errorf(ErrExists, "a user named %q already exists", u.Username)
	}
	return errorf(ErrExists, "a user named %q already exists", name)
}

// GetUser returns the user with that id, tombstone or not.
func (q Queries) GetUser(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return scanOne(u, err, func() error { return errorf(ErrNotFound, "no user with id %d", id) }, "read user %d", id)
}

// GetUserByName returns the user with that username (ignoring ASCII case),
// tombstone or not: check Deleted.
func (q Queries) GetUserByName(ctx context.Context, name string) (*User, error) {
	u, err := scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+q.d.fold("username")+` = `+q.d.foldArg(), name))
	return scanOne(u, err, func() error { return errorf(ErrNotFound, "no user named %q", name) }, "read user %q", name)
}

// liveUser returns the user with that id, refusing a tombstone.
func (q Queries) liveUser(ctx context.Context, id int64) (*User, error) {
	u, err := q.GetUser(ctx, id)
	return refuseTombstone(KindUser, u, err)
}

// ListUsers returns the users the filter selects, ordered by username.
func (q Queries) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	var where []string
	var args []any
	switch {
	case f.OnlyDeleted:
		where = append(where, "deleted_at IS NOT NULL")
	case !f.IncludeDeleted:
		where = append(where, "deleted_at IS NULL")
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		where = append(where, `(`+q.d.contains("username")+` OR `+q.d.contains("email")+`
			OR `+q.d.contains("first_name")+` OR `+q.d.contains("last_name")+`)`)
		args = append(args, s, s, s, s)
	}
	for col, v := range map[string]*bool{"disabled": f.Disabled, "from_ldap": f.FromLDAP, "enrollment_pending": f.EnrollmentPending} {
		if v != nil {
			where = append(where, col+" = ?")
			args = append(args, boolInt(*v))
		}
	}
	query := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.query(ctx, query+q.usersOrder(), args...)
	return scanAll(rows, err, "list users", scanUser)
}

// usersOrder is the order users are listed in: by username, ignoring case.
func (q Queries) usersOrder() string { return " ORDER BY " + q.d.fold("username") + ", id" }

// syncUserColumns are the columns ListUsersForSync reads, in the order
// it scans them.
const syncUserColumns = `id, username, email, first_name, last_name, phone, disabled,
	password_pending IS NOT NULL, deleted_at, missing_since, missing_disabled`

// ListUsersForSync lists every user, tombstones included, in the order of
// ListUsers, for a sync's planner, which compares them with the directory:
// as SyncUsers, with only the fields a sync reads; the password hash and
// version, enrollment, origin and the created, updated and
// password-changed times are not read (reading them was a third of a
// 100,000-user read) nor held (104 bytes a user). The slice is sized by
// a count first rather than grown, and keep, when not nil, is called with
// each user as read, before the next is, and may replace its strings with
// equal ones the caller holds already, so that the copies just read are
// freed at once instead of being held with the rest.
func (q Queries) ListUsersForSync(ctx context.Context, keep func(*SyncUser)) ([]SyncUser, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: count users: %w", err)
	}
	rows, err := q.query(ctx, `SELECT `+syncUserColumns+` FROM users`+q.usersOrder())
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	out := make([]SyncUser, 0, n)
	// Each row is scanned into u through one list of destinations, built
	// once (a list written at each call to Scan is allocated at each call),
	// and then copied into out.
	var u SyncUser
	var deleted, missing sql.NullString
	dest := []any{&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &u.Phone,
		&u.Disabled, &u.PasswordPending, &deleted, &missing, &u.MissingDisabled}
	for rows.Next() {
		u = SyncUser{}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		if err := parseTimes(timeCol{deleted, &u.DeletedAt}, timeCol{missing, &u.MissingSince}); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		if keep != nil {
			keep(&u)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// UpdateUser changes the fields set in up and returns the user as it is
// now. Nothing is written (updated_at included) when no value differs.
func (q Queries) UpdateUser(ctx context.Context, id int64, up UserUpdate) (*User, error) {
	u, err := q.liveUser(ctx, id)
	if err != nil {
		return nil, err
	}
	var sets []string
	var args []any
	setStr := func(col string, cur string, v *string) {
		if v != nil && *v != cur {
			sets = append(sets, col+" = ?")
			args = append(args, *v)
		}
	}
	if up.Username != nil && *up.Username != u.Username {
		if err := ValidateUsername(*up.Username); err != nil {
			return nil, err
		}
		if taken, err := q.nameTaken(ctx, KindUser, *up.Username, id); err != nil {
			return nil, err
		} else if taken {
			return nil, q.nameTakenError(ctx, *up.Username)
		}
	}
	next := *u
	for _, p := range []struct {
		v   *string
		dst *string
	}{{up.Email, &next.Email}, {up.FirstName, &next.FirstName}, {up.LastName, &next.LastName}, {up.Phone, &next.Phone}} {
		if p.v != nil {
			*p.dst = *p.v
		}
	}
	if err := validateUserFields(next.Email, next.FirstName, next.LastName, next.Phone); err != nil {
		return nil, err
	}
	setStr("username", u.Username, up.Username)
	setStr("email", u.Email, up.Email)
	setStr("first_name", u.FirstName, up.FirstName)
	setStr("last_name", u.LastName, up.LastName)
	setStr("phone", u.Phone, up.Phone)
	if up.FromLDAP != nil && *up.FromLDAP != u.FromLDAP {
		sets = append(sets, "from_ldap = ?")
		args = append(args, boolInt(*up.FromLDAP))
	}
	if len(sets) == 0 {
		return u, nil
	}
	sets = append(sets, "updated_at = ?")
	args = append(args, fmtTime(now()), id)
	_, err = q.exec(ctx, `UPDATE users SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...)
	if isUniqueViolation(err) && up.Username != nil {
		return nil, q.nameTakenError(ctx, *up.Username)
	}
	if err != nil {
		return nil, fmt.Errorf("store: update user %q: %w", u.Username, err)
	}
	return q.GetUser(ctx, id)
}

// SetUserDisabled disables or enables a user. It reports whether anything
// changed (false when the user already was in that state). Disabling also
// revokes the user's unused enrollment invitations, in the same
// transaction; enabling does not bring them back.
func (q Queries) SetUserDisabled(ctx context.Context, id int64, disabled bool) (changed bool, err error) {
	if !disabled {
		return q.setUserFlag(ctx, id, "disabled", false)
	}
	err = q.atomic(ctx, func(q Queries) error {
		if changed, err = q.setUserFlag(ctx, id, "disabled", true); err != nil {
			return err
		}
		_, err = q.revokeUserInvites(ctx, id)
		return err
	})
	return changed, err
}

// SetEnrollmentPending sets or clears the user's enrollment_pending flag and
// reports whether it changed.
func (q Queries) SetEnrollmentPending(ctx context.Context, id int64, pending bool) (bool, error) {
	return q.setUserFlag(ctx, id, "enrollment_pending", pending)
}

// setUserFlag sets a 0/1 column of a live user; col is a constant of ours.
func (q Queries) setUserFlag(ctx context.Context, id int64, col string, v bool) (bool, error) {
	u, err := q.liveUser(ctx, id)
	if err != nil {
		return false, err
	}
	res, err := q.exec(ctx, `UPDATE users SET `+col+` = ?, updated_at = ? WHERE id = ? AND `+col+` <> ?`,
		boolInt(v), fmtTime(now()), id, boolInt(v))
	if err != nil {
		return false, fmt.Errorf("store: set %s of user %q: %w", col, u.Username, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteUser deletes a user from the store. A user linked to a directory
// entry becomes a tombstone (DeletedAt set, group memberships dropped) so
// the next sync can delete the entry, then PurgeUser; a user never linked is
// purged at once, and purged reports so. A tombstone's unused enrollment
// invitations are revoked in the same transaction (a purge drops them).
func (q Queries) DeleteUser(ctx context.Context, id int64) (purged bool, err error) {
	err = q.atomic(ctx, func(q Queries) error {
		purged, err = deleteRecord(ctx, q, KindUser, id, Queries.GetUser, `, password_pending = NULL`)
		if err != nil || purged {
			return err
		}
		_, err = q.revokeUserInvites(ctx, id)
		return err
	})
	return purged, err
}

// RestoreUser turns a tombstone back into a live user (its group
// memberships are not restored).
func (q Queries) RestoreUser(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `UPDATE users SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL`, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("store: restore user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := q.GetUser(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// PurgeUser removes a user (live or tombstone) for good, with its
// memberships, link and invites: for when its directory deletion has been
// applied, or it never reached the directory.
func (q Queries) PurgeUser(ctx context.Context, id int64) error {
	return q.purgeRecord(ctx, KindUser, id)
}
