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

// scanLinkRow reads a row of linkColumns, its base left encoded.
func scanLinkRow(r rowScanner) (*LinkRow, error) {
	var l LinkRow
	var synced sql.NullString
	if err := r.Scan(&l.ID, &l.Kind, &l.LocalID, &l.StableID, &l.DN, &l.BaseJSON, &synced); err != nil {
		return nil, err
	}
	var err error
	l.SyncedAt, err = parseTime(synced)
	return &l, err
}

// ListLinkRows is ListLinks with each link's base left encoded.
func (q Queries) ListLinkRows(ctx context.Context, kind Kind) ([]LinkRow, error) {
	rows, err := q.query(ctx, `SELECT `+linkColumns+` FROM links WHERE kind = ? ORDER BY local_id`, kind)
	return scanAll(rows, err, "list links", scanLinkRow)
}

// EachLinkRow calls fn with every link of kind, ordered by local id, its
// base left encoded, one row at a time: a reader of 100,000 links holds
// only what fn keeps (fn may replace the row's strings with equal ones it
// holds already). sized, when not nil, is called first with how many links
// there are, so that the caller can size what it keeps. An error from fn
// stops the read and is returned.
func (q Queries) EachLinkRow(ctx context.Context, kind Kind, sized func(n int), fn func(LinkRow) error) error {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM links WHERE kind = ?`, kind).Scan(&n); err != nil {
		return fmt.Errorf("store: count links: %w", err)
	}
	if sized != nil {
		sized(n)
	}
	rows, err := q.query(ctx, `SELECT `+linkColumns+` FROM links WHERE kind = ? ORDER BY local_id`, kind)
	if err != nil {
		return fmt.Errorf("store: list links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLinkRow(rows)
		if err != nil {
			return fmt.Errorf("store: list links: %w", err)
		}
		l.Kind = kind // the same value: one string for every row, not one each
		if err := fn(*l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: list links: %w", err)
	}
	return nil
}
