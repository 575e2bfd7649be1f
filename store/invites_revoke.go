package store

import (
	"context"
	"fmt"
)

// revokeUserInvites withdraws every unused invitation of the user (sent,
// being sent or queued) and returns how many. SetUserDisabled and DeleteUser
// call it in the transaction that disables or deletes the user, so no path
// that disables a user can leave a working enrollment link behind. Revoked
// invitations stay, marked, so that redeeming one is refused as such.
func (q Queries) revokeUserInvites(ctx context.Context, userID int64) (int64, error) {
	res, err := q.exec(ctx, `UPDATE invites SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL`,
		fmtTime(now()), userID)
	if err != nil {
		return 0, fmt.Errorf("store: revoke the invitations of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}
