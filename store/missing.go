package store

import (
	"context"
	"fmt"
	"time"
)

// MarkUserMissing records that the user's directory entry is gone since
// since (sync.missing_users = "disable"), and, with disable, disables the
// user (revoking its unused invitations, as SetUserDisabled does). A user
// an administrator had disabled already is marked without disable, so
// ClearUserMissing leaves it disabled.
func (q Queries) MarkUserMissing(ctx context.Context, id int64, since time.Time, disable bool) error {
	return q.atomic(ctx, func(q Queries) error {
		u, err := q.liveUser(ctx, id)
		if err != nil {
			return err
		}
		if disable {
			if _, err := q.SetUserDisabled(ctx, id, true); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `UPDATE users SET missing_since = ?, missing_disabled = ?, updated_at = ? WHERE id = ?`,
			fmtTime(since), boolInt(disable), fmtTime(now()), id); err != nil {
			return fmt.Errorf("store: mark user %q missing: %w", u.Username, err)
		}
		return nil
	})
}

// ClearUserMissing forgets that the user's directory entry was missing
// (it is back) and, with enable, enables the user when MarkUserMissing
// disabled it. It reports whether the user was enabled.
func (q Queries) ClearUserMissing(ctx context.Context, id int64, enable bool) (enabled bool, err error) {
	err = q.atomic(ctx, func(q Queries) error {
		u, err := q.liveUser(ctx, id)
		if err != nil {
			return err
		}
		if enable && u.MissingDisabled {
			if enabled, err = q.SetUserDisabled(ctx, id, false); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `UPDATE users SET missing_since = NULL, missing_disabled = 0, updated_at = ? WHERE id = ?`,
			fmtTime(now()), id); err != nil {
			return fmt.Errorf("store: clear missing mark of user %q: %w", u.Username, err)
		}
		return nil
	})
	return enabled, err
}
