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

// linkColumns are the columns scanLinkRow reads: a link's, but its kind,
// which every query of them names (so that no row reads it again).
const linkColumns = `id, local_id, stable_id, dn, base, synced_at`

// linkRowsOfKind selects, in local id order, the links of one kind.
const linkRowsOfKind = `SELECT ` + linkColumns + ` FROM links WHERE kind = ? ORDER BY local_id`

// scanLinkRow reads a row of linkColumns, a link of kind, into l, its
// base left encoded.
func scanLinkRow(r rowScanner, kind Kind, l *LinkRow) error {
	return newLinkRowScan(l).scan(r, kind)
}

// linkRowScan reads rows of linkColumns into one LinkRow, row after row,
// through one list of destinations built once: a read of 100,000 links
// allocates none per row (Scan's arguments escape, so a list of them
// written at each call is allocated at each call).
type linkRowScan struct {
	l      *LinkRow
	synced sql.NullString
	dest   []any
}

// newLinkRowScan returns a scan of rows into l.
func newLinkRowScan(l *LinkRow) *linkRowScan {
	s := &linkRowScan{l: l}
	s.dest = []any{&l.ID, &l.LocalID, &l.StableID, &l.DN, &l.BaseJSON, &s.synced}
	return s
}

// scan reads the row r is at into the LinkRow, a link of kind.
func (s *linkRowScan) scan(r rowScanner, kind Kind) error {
	if err := r.Scan(s.dest...); err != nil {
		return err
	}
	var err error
	s.l.Kind = kind
	s.l.SyncedAt, err = parseTime(s.synced)
	return err
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
	rows, err := q.query(ctx, linkRowsOfKind, kind)
	if err != nil {
		return fmt.Errorf("store: list links: %w", err)
	}
	defer rows.Close()
	var l LinkRow // scanned into row after row: fn gets a copy
	scan := newLinkRowScan(&l)
	for rows.Next() {
		if err := scan.scan(rows, kind); err != nil {
			return fmt.Errorf("store: list links: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: list links: %w", err)
	}
	return nil
}
