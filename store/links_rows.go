package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// LinkRow is a link as stored, its base values still encoded: for a reader
// of every link (a sync's planner) that decodes a base only when it looks
// at it, rather than holding thousands of decoded maps at once.
type LinkRow struct {
	Link            // Base is nil
	BaseJSON string // the base values as stored (a JSON object)
}

// DecodeBase decodes the row's base values.
func (r *LinkRow) DecodeBase() (Values, error) {
	if v, ok := decodeValuesFast(r.BaseJSON); ok {
		return v, nil
	}
	var v Values
	if err := json.Unmarshal([]byte(r.BaseJSON), &v); err != nil {
		return nil, fmt.Errorf("store: link %d has unreadable base values: %w", r.ID, err)
	}
	return v, nil
}

// ListLinkRows is ListLinks with each link's base left encoded.
func (q Queries) ListLinkRows(ctx context.Context, kind Kind) ([]LinkRow, error) {
	rows, err := q.query(ctx, `SELECT `+linkColumns+` FROM links WHERE kind = ? ORDER BY local_id`, kind)
	return scanAll(rows, err, "list links", func(r rowScanner) (*LinkRow, error) {
		var l LinkRow
		var synced sql.NullString
		if err := r.Scan(&l.ID, &l.Kind, &l.LocalID, &l.StableID, &l.DN, &l.BaseJSON, &synced); err != nil {
			return nil, err
		}
		var err error
		l.SyncedAt, err = parseTime(synced)
		return &l, err
	})
}
