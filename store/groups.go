package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Group is one group of the application's user database.
type Group struct {
	ID          int64
	Name        string
	Description string
	// FromLDAP: the group was created in the store by a sync.
	FromLDAP  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt is set on a tombstone (deleted in the store, deletion not yet
	// applied to the directory). Zero when live.
	DeletedAt time.Time
}

// Deleted reports whether g is a tombstone.
func (g *Group) Deleted() bool { return !g.DeletedAt.IsZero() }

// Membership is one user's membership of one group.
type Membership struct {
	UserID  int64
	GroupID int64
}

const groupColumns = `id, name, description, from_ldap, created_at, updated_at, deleted_at`

func scanGroup(r rowScanner) (*Group, error) {
	var g Group
	var created, updated, deleted sql.NullString
	if err := r.Scan(&g.ID, &g.Name, &g.Description, &g.FromLDAP, &created, &updated, &deleted); err != nil {
		return nil, err
	}
	if err := parseTimes(timeCol{created, &g.CreatedAt}, timeCol{updated, &g.UpdatedAt}, timeCol{deleted, &g.DeletedAt}); err != nil {
		return nil, err
	}
	return &g, nil
}

// CreateGroup adds a group named name (unique, ignoring ASCII case).
func (q Queries) CreateGroup(ctx context.Context, name, description string, fromLDAP bool) (*Group, error) {
	if err := ValidateGroupName(name); err != nil {
		return nil, err
	}
	if err := validateDescription(description); err != nil {
		return nil, err
	}
	t := fmtTime(now())
	g, err := scanGroup(q.queryRow(ctx, `INSERT INTO groups (name, description, from_ldap, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING `+groupColumns,
		name, description, boolInt(fromLDAP), t, t))
	if errors.Is(err, sql.ErrNoRows) || isUniqueViolation(err) {
		return nil, errorf(ErrExists, "a group named %q already exists (possibly deleted and waiting for the next sync)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create group %q: %w", name, err)
	}
	return g, nil
}

// GetGroup returns the group with that id, tombstone or not.
func (q Queries) GetGroup(ctx context.Context, id int64) (*Group, error) {
	g, err := scanGroup(q.queryRow(ctx, `SELECT `+groupColumns+` FROM groups WHERE id = ?`, id))
	return scanOne(g, err, func() error { return errorf(ErrNotFound, "no group with id %d", id) }, "read group %d", id)
}

// GetGroupByName returns the group with that name (ignoring ASCII case),
// tombstone or not. It is API for applications, which look a group up by
// name to read its members (GroupMembers); ldapwiz itself does not use it.
func (q Queries) GetGroupByName(ctx context.Context, name string) (*Group, error) {
	g, err := scanGroup(q.queryRow(ctx, `SELECT `+groupColumns+` FROM groups WHERE `+q.d.fold("name")+` = `+q.d.foldArg(), name))
	return scanOne(g, err, func() error { return errorf(ErrNotFound, "no group named %q", name) }, "read group %q", name)
}

// ListGroups returns the live groups, and the tombstones too with
// includeDeleted, ordered by name.
func (q Queries) ListGroups(ctx context.Context, includeDeleted bool) ([]Group, error) {
	query := `SELECT ` + groupColumns + ` FROM groups`
	if !includeDeleted {
		query += ` WHERE deleted_at IS NULL`
	}
	rows, err := q.query(ctx, query+` ORDER BY `+q.d.fold("name")+`, id`)
	return scanAll(rows, err, "list groups", scanGroup)
}

// liveGroup returns the group with that id, refusing a tombstone.
func (q Queries) liveGroup(ctx context.Context, id int64) (*Group, error) {
	g, err := q.GetGroup(ctx, id)
	return refuseTombstone(KindGroup, g, err)
}

// UpdateGroup renames a group and/or changes its description (nil leaves a
// value as it is); nothing is written when nothing differs.
func (q Queries) UpdateGroup(ctx context.Context, id int64, name, description *string) (*Group, error) {
	g, err := q.liveGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	var sets []string
	var args []any
	if name != nil && *name != g.Name {
		if err := ValidateGroupName(*name); err != nil {
			return nil, err
		}
		if taken, err := q.nameTaken(ctx, KindGroup, *name, id); err != nil {
			return nil, err
		} else if taken {
			return nil, errorf(ErrExists, "a group named %q already exists", *name)
		}
		sets = append(sets, "name = ?")
		args = append(args, *name)
	}
	if description != nil && *description != g.Description {
		if err := validateDescription(*description); err != nil {
			return nil, err
		}
		sets = append(sets, "description = ?")
		args = append(args, *description)
	}
	if len(sets) == 0 {
		return g, nil
	}
	args = append(args, fmtTime(now()), id)
	_, err = q.exec(ctx, `UPDATE groups SET `+strings.Join(sets, ", ")+`, updated_at = ? WHERE id = ?`, args...)
	if isUniqueViolation(err) {
		return nil, errorf(ErrExists, "a group named %q already exists", *name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: update group %q: %w", g.Name, err)
	}
	return q.GetGroup(ctx, id)
}

// DeleteGroup deletes a group: a linked one becomes a tombstone (members
// dropped) for the next sync to delete in the directory; one never linked is
// purged at once, and purged reports so. It is API for applications: the way
// an application deletes a group so that a sync deletes its entry too.
// ldapwiz itself does not use it.
func (q Queries) DeleteGroup(ctx context.Context, id int64) (purged bool, err error) {
	return deleteRecord(ctx, q, KindGroup, id, Queries.GetGroup, "")
}

// PurgeGroup removes a group for good, with its memberships and link.
func (q Queries) PurgeGroup(ctx context.Context, id int64) error {
	return q.purgeRecord(ctx, KindGroup, id)
}

// AddMember makes a user a member of a group and reports whether it was not
// one already. Both must be live.
func (q Queries) AddMember(ctx context.Context, userID, groupID int64) (added bool, err error) {
	err = q.atomic(ctx, func(q Queries) error {
		if _, err := q.liveUser(ctx, userID); err != nil {
			return err
		}
		if _, err := q.liveGroup(ctx, groupID); err != nil {
			return err
		}
		res, err := q.exec(ctx, `INSERT INTO memberships (user_id, group_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, groupID, fmtTime(now()))
		if err != nil {
			return fmt.Errorf("store: add user %d to group %d: %w", userID, groupID, err)
		}
		n, err := res.RowsAffected()
		added = n > 0
		return err
	})
	return added, err
}

// RemoveMember removes a user from a group and reports whether it was a member.
func (q Queries) RemoveMember(ctx context.Context, userID, groupID int64) (bool, error) {
	res, err := q.exec(ctx, `DELETE FROM memberships WHERE user_id = ? AND group_id = ?`, userID, groupID)
	if err != nil {
		return false, fmt.Errorf("store: remove user %d from group %d: %w", userID, groupID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// GroupMembers returns the ids of a group's members, ascending. It is API
// for applications reading memberships; ldapwiz itself does not use it.
func (q Queries) GroupMembers(ctx context.Context, groupID int64) ([]int64, error) {
	return q.ids(ctx, "list the members of a group", `SELECT user_id FROM memberships WHERE group_id = ? ORDER BY user_id`, groupID)
}

// UserGroups returns the ids of the groups a user belongs to, ascending. It
// is API for applications reading memberships; ldapwiz itself does not use
// it.
func (q Queries) UserGroups(ctx context.Context, userID int64) ([]int64, error) {
	return q.ids(ctx, "list the groups of a user", `SELECT group_id FROM memberships WHERE user_id = ? ORDER BY group_id`, userID)
}

// Memberships returns every membership, ordered by group then user.
func (q Queries) Memberships(ctx context.Context) ([]Membership, error) {
	// A sync reads them all (120,000 at 100,000 users): the list is sized
	// by a count first rather than grown, and each row is scanned into one
	// Membership through one list of destinations (see ListUsersForSync).
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM memberships`).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: count memberships: %w", err)
	}
	rows, err := q.query(ctx, `SELECT user_id, group_id FROM memberships ORDER BY group_id, user_id`)
	if err != nil {
		return nil, fmt.Errorf("store: list memberships: %w", err)
	}
	defer rows.Close()
	var out []Membership // nil when there are none, as before
	if n > 0 {
		out = make([]Membership, 0, n)
	}
	var m Membership
	dest := []any{&m.UserID, &m.GroupID}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: list memberships: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list memberships: %w", err)
	}
	return out, nil
}

// ids runs a query returning one integer column; what names it in errors.
func (q Queries) ids(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := q.query(ctx, query, args...)
	return scanAll(rows, err, what, scanID)
}

// scanID reads a row of one integer column.
func scanID(r rowScanner) (*int64, error) {
	var id int64
	return &id, r.Scan(&id)
}
