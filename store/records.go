package store

import (
	"context"
	"errors"
	"fmt"
)

// This file holds what users and groups share: tombstones, deletion and
// purging work the same for both, by Kind.

// record is a *User or a *Group.
type record interface {
	// Deleted reports whether the record is a tombstone.
	Deleted() bool
	// recordName is the name errors quote: username or group name.
	recordName() string
}

func (u *User) recordName() string  { return u.Username }
func (g *Group) recordName() string { return g.Name }

// table is the table holding the records of kind k.
func (k Kind) table() string {
	if k == KindGroup {
		return "groups"
	}
	return "users"
}

// memberColumn is the memberships column that names a record of kind k.
func (k Kind) memberColumn() string {
	if k == KindGroup {
		return "group_id"
	}
	return "user_id"
}

// refuseTombstone passes on a record read by id (v and err as the read
// returned them), refusing a tombstone with ErrDeleted.
func refuseTombstone[T record](k Kind, v T, err error) (T, error) {
	var none T
	if err != nil {
		return none, err
	}
	if v.Deleted() {
		return none, errorf(ErrDeleted, "%s %q is deleted (waiting for the next sync to delete it from the directory)", k, v.recordName())
	}
	return v, nil
}

// deleteRecord deletes the live record of kind k with that id, read with
// get: a linked one becomes a tombstone (deleted_at set, plus the SET
// clauses in extraSet, memberships dropped) for the next sync to delete in
// the directory; one never linked is purged at once, and purged reports so.
func deleteRecord[T record](ctx context.Context, q Queries, k Kind, id int64,
	get func(Queries, context.Context, int64) (T, error), extraSet string) (purged bool, err error) {
	err = q.atomic(ctx, func(q Queries) error {
		v, err := get(q, ctx, id)
		if v, err = refuseTombstone(k, v, err); err != nil {
			return err
		}
		if _, err := q.LinkByLocalID(ctx, k, id); errors.Is(err, ErrNotFound) {
			purged = true
			return q.purgeRecord(ctx, k, id)
		} else if err != nil {
			return err
		}
		t := fmtTime(now())
		if _, err := q.exec(ctx, `UPDATE `+k.table()+` SET deleted_at = ?, updated_at = ?`+extraSet+` WHERE id = ?`, t, t, id); err != nil {
			return fmt.Errorf("store: delete %s %q: %w", k, v.recordName(), err)
		}
		if _, err := q.exec(ctx, `DELETE FROM memberships WHERE `+k.memberColumn()+` = ?`, id); err != nil {
			return fmt.Errorf("store: delete %s %q: drop memberships: %w", k, v.recordName(), err)
		}
		return nil
	})
	return purged, err
}

// nameTaken reports whether a record of kind k other than id has name,
// ignoring ASCII case: checked before a rename, since a failed statement
// would abort a PostgreSQL transaction.
func (q Queries) nameTaken(ctx context.Context, k Kind, name string, id int64) (bool, error) {
	col := "username"
	if k == KindGroup {
		col = "name"
	}
	var taken bool
	err := q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+k.table()+` WHERE `+q.d.fold(col)+` = `+q.d.foldArg()+` AND id <> ?)`, name, id).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("store: is the %s name %q taken: %w", k, name, err)
	}
	return taken, nil
}

// purgeRecord removes the record of kind k with that id for good (the
// schema drops what hangs on it).
func (q Queries) purgeRecord(ctx context.Context, k Kind, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM `+k.table()+` WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: purge %s %d: %w", k, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errorf(ErrNotFound, "no %s with id %d", k, id)
	}
	return nil
}
