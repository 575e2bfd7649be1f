package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The writes in this file do what CreateUser, UpsertLink and AddMember do,
// with the same checks, for a writer of many rows at once (a sync's first
// import): they return ids rather than reading rows back, and let the
// schema and a single statement do the checking where it can.

// CreateUserID is CreateUser returning only the new user's id.
func (q Queries) CreateUserID(ctx context.Context, nu NewUser) (int64, error) {
	if err := ValidateUsername(nu.Username); err != nil {
		return 0, err
	}
	if err := validateUserFields(nu.Email, nu.FirstName, nu.LastName, nu.Phone); err != nil {
		return 0, err
	}
	t := fmtTime(now())
	// A taken name inserts nothing (rather than failing, which would abort
	// a PostgreSQL transaction): no id comes back.
	var id int64
	err := q.queryRow(ctx, `INSERT INTO users
		(username, email, first_name, last_name, phone, disabled, enrollment_pending, from_ldap, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		nu.Username, nu.Email, nu.FirstName, nu.LastName, nu.Phone,
		boolInt(nu.Disabled), boolInt(nu.EnrollmentPending), boolInt(nu.FromLDAP), t, t).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, q.nameTakenError(ctx, nu.Username)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create user %q: %w", nu.Username, err)
	}
	return id, nil
}

// SaveLink is UpsertLink without reading the link back: one statement
// creates or replaces the link, and only when the local user or group
// exists (ErrNotFound otherwise). A stable id linked to another local
// object is ErrLinkConflict, as with UpsertLink. The statement checks both
// itself and writes nothing when either fails (rather than failing, which
// would abort a PostgreSQL transaction); only then is the cause read.
func (q Queries) SaveLink(ctx context.Context, l Link) error {
	if !l.Kind.valid() {
		return errorf(ErrInvalid, "link kind %q: want %q or %q", l.Kind, KindUser, KindGroup)
	}
	if l.StableID == "" {
		return errorf(ErrInvalid, "link of %s %d: empty directory stable id", l.Kind, l.LocalID)
	}
	base := l.Base
	if base == nil {
		base = Values{}
	}
	js, err := json.Marshal(base)
	if err != nil {
		return fmt.Errorf("store: encode base values: %w", err)
	}
	table := map[Kind]string{KindUser: "users", KindGroup: "groups"}[l.Kind]
	res, err := q.exec(ctx, `INSERT INTO links (kind, local_id, stable_id, dn, base, synced_at)
		SELECT CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT)
		WHERE EXISTS (SELECT 1 FROM `+table+` WHERE id = ?)
			AND NOT EXISTS (SELECT 1 FROM links WHERE kind = ? AND stable_id = ? AND local_id <> ?)
		ON CONFLICT (kind, local_id) DO UPDATE SET stable_id = excluded.stable_id, dn = excluded.dn,
			base = excluded.base, synced_at = excluded.synced_at`,
		l.Kind, l.LocalID, l.StableID, l.DN, string(js), fmtTime(now()), l.LocalID, l.Kind, l.StableID, l.LocalID)
	if isUniqueViolation(err) {
		return q.linkConflict(ctx, l)
	}
	if err != nil {
		return fmt.Errorf("store: save link of %s %d: %w", l.Kind, l.LocalID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: save link of %s %d: %w", l.Kind, l.LocalID, err)
	} else if n == 0 {
		if err := q.refuseLinkConflict(ctx, l); err != nil {
			return err
		}
		return errorf(ErrNotFound, "no %s with id %d to link to %s", l.Kind, l.LocalID, l.DN)
	}
	return nil
}

// addMembersChunk is how many users one AddMembers statement adds.
const addMembersChunk = 250

// AddMembers makes users members of a group, as AddMember does for each of
// them, atomically, and reports how many were not members already. The
// group and every user must be live (ErrNotFound or ErrDeleted names the
// first that is not). One statement adds up to addMembersChunk users and
// checks the group and the users itself; they are read only when it added
// fewer than asked.
func (q Queries) AddMembers(ctx context.Context, groupID int64, userIDs []int64) (added int, err error) {
	if len(userIDs) == 0 {
		_, err := q.liveGroup(ctx, groupID)
		return 0, err
	}
	err = q.atomic(ctx, func(q Queries) error {
		t := fmtTime(now())
		query := `INSERT INTO memberships (user_id, group_id, created_at)
			SELECT u.id, g.id, CAST(? AS TEXT) FROM users u JOIN groups g ON g.id = ? AND g.deleted_at IS NULL
			WHERE u.deleted_at IS NULL AND u.id IN (?` + strings.Repeat(", ?", addMembersChunk-1) + `)
			ON CONFLICT DO NOTHING`
		args := make([]any, 2+addMembersChunk)
		for start := 0; start < len(userIDs); start += addMembersChunk {
			chunk := userIDs[start:min(start+addMembersChunk, len(userIDs))]
			// Every statement has the full chunk's shape, prepared once:
			// a shorter chunk repeats its last id, which IN ignores.
			args[0], args[1] = t, groupID
			for i := range addMembersChunk {
				args[2+i] = chunk[min(i, len(chunk)-1)]
			}
			n, err := rowsAffected(q.exec(ctx, query, args...))
			if err != nil {
				return fmt.Errorf("store: add %d users to group %d: %w", len(chunk), groupID, err)
			}
			if int(n) < len(chunk) {
				// The group is not live, some were members already, or are
				// not live users: say which.
				if _, err := q.liveGroup(ctx, groupID); err != nil {
					return err
				}
				for _, id := range chunk {
					if _, err := q.liveUser(ctx, id); err != nil {
						return err
					}
				}
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

// rowsAffected is the row count of an Exec's result.
func rowsAffected(res interface{ RowsAffected() (int64, error) }, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
