package syncer

import (
	"context"

	"ldapwiz/store"
)

// storeMissing applies a missing-user action (see missingMark): marking
// the user missing (and disabling it) leaves its link as it is, for the
// entry may come back; clearing the mark (and enabling it) points the link
// at the entry that is back.
func (ap *applier) storeMissing(ctx context.Context, tx *store.Tx, p *userPair, d *applyData) error {
	m := d.missing()
	if !m.clear {
		return tx.MarkUserMissing(ctx, p.localID, m.since, m.disable)
	}
	if _, err := tx.ClearUserMissing(ctx, p.localID, m.enable); err != nil {
		return err
	}
	return ap.linkUser(ctx, tx, p, d.baseSet)
}
