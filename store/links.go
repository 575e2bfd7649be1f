package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kind says whether a link, change or invite is about a user or a group.
type Kind string

// The kinds of linked objects.
const (
	KindUser  Kind = "user"
	KindGroup Kind = "group"
)

// valid reports whether k is one of the known kinds.
func (k Kind) valid() bool { return k == KindUser || k == KindGroup }

// Values are attribute values by name: a link's base values (the values both
// sides agreed on at the last successful sync, which a two-way sync merges
// against). The sync engine chooses the keys; the store only keeps them.
type Values map[string][]string

// Link ties a store user or group to a directory entry.
type Link struct {
	ID      int64
	Kind    Kind
	LocalID int64 // users.id or groups.id, by Kind
	// StableID is the entry's identifier that survives renames and moves:
	// entryUUID, objectGUID or nsUniqueId, as a string.
	StableID string
	// DN is the entry's DN as last seen; it follows renames and moves.
	DN string
	// Base holds the values at the last successful sync.
	Base     Values
	SyncedAt time.Time
}

// scanLink reads a row of linkColumns, a link of kind, its base decoded.
func scanLink(r rowScanner, kind Kind) (*Link, error) {
	var row LinkRow
	if err := scanLinkRow(r, kind, &row); err != nil {
		return nil, err
	}
	l := row.Link
	var err error
	l.Base, err = row.DecodeBase()
	return &l, err
}

// LinkByStableID returns the link of the directory entry with that stable id.
func (q Queries) LinkByStableID(ctx context.Context, kind Kind, stableID string) (*Link, error) {
	l, err := scanLink(q.queryRow(ctx, `SELECT `+linkColumns+` FROM links WHERE kind = ? AND stable_id = ?`, kind, stableID), kind)
	return scanOne(l, err, func() error {
		return errorf(ErrNotFound, "no %s is linked to the directory entry with id %s", kind, stableID)
	}, "read link")
}

// LinkByLocalID returns the link of a store user or group.
func (q Queries) LinkByLocalID(ctx context.Context, kind Kind, localID int64) (*Link, error) {
	l, err := scanLink(q.queryRow(ctx, `SELECT `+linkColumns+` FROM links WHERE kind = ? AND local_id = ?`, kind, localID), kind)
	return scanOne(l, err, func() error {
		return errorf(ErrNotFound, "%s %d is not linked to a directory entry", kind, localID)
	}, "read link")
}

// ListLinks returns every link of that kind, ordered by local id.
func (q Queries) ListLinks(ctx context.Context, kind Kind) ([]Link, error) {
	rows, err := q.query(ctx, linkRowsOfKind, kind)
	return scanAll(rows, err, "list links", func(r rowScanner) (*Link, error) { return scanLink(r, kind) })
}

// UpsertLink creates the link of l.Kind/l.LocalID, or replaces its stable
// id, DN and base values; SyncedAt is set to now. The local object must
// exist, and the stable id must not be linked to another local object
// (ErrLinkConflict).
func (q Queries) UpsertLink(ctx context.Context, l Link) (saved *Link, err error) {
	err = q.atomic(ctx, func(q Queries) error {
		saved, err = q.upsertLink(ctx, l)
		return err
	})
	return saved, err
}

func (q Queries) upsertLink(ctx context.Context, l Link) (*Link, error) {
	if !l.Kind.valid() {
		return nil, errorf(ErrInvalid, "link kind %q: want %q or %q", l.Kind, KindUser, KindGroup)
	}
	if l.StableID == "" {
		return nil, errorf(ErrInvalid, "link of %s %d: empty directory stable id", l.Kind, l.LocalID)
	}
	if err := q.refuseLinkConflict(ctx, l); err != nil {
		return nil, err
	}
	table := map[Kind]string{KindUser: "users", KindGroup: "groups"}[l.Kind]
	var exists bool
	if err := q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = ?)`, l.LocalID).Scan(&exists); err != nil {
		return nil, fmt.Errorf("store: save link of %s %d: %w", l.Kind, l.LocalID, err)
	}
	if !exists {
		return nil, errorf(ErrNotFound, "no %s with id %d to link to %s", l.Kind, l.LocalID, l.DN)
	}
	base := l.Base
	if base == nil {
		base = Values{}
	}
	js, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("store: encode base values: %w", err)
	}
	saved, err := scanLink(q.queryRow(ctx, `INSERT INTO links (kind, local_id, stable_id, dn, base, synced_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, local_id) DO UPDATE SET stable_id = excluded.stable_id, dn = excluded.dn,
			base = excluded.base, synced_at = excluded.synced_at
		RETURNING `+linkColumns,
		l.Kind, l.LocalID, l.StableID, l.DN, string(js), fmtTime(now())), l.Kind)
	if isUniqueViolation(err) {
		return nil, q.linkConflict(ctx, l)
	}
	if err != nil {
		return nil, fmt.Errorf("store: save link of %s %d: %w", l.Kind, l.LocalID, err)
	}
	return saved, nil
}

// linkConflict is the ErrLinkConflict for saving l after the store refused
// it as a second link of l's stable id, naming the object already linked
// when it can be read.
func (q Queries) linkConflict(ctx context.Context, l Link) error {
	if other, err := q.LinkByStableID(ctx, l.Kind, l.StableID); err == nil {
		return errorf(ErrLinkConflict, "directory entry %s (id %s) is already linked to %s %d, not %d", l.DN, l.StableID, l.Kind, other.LocalID, l.LocalID)
	}
	return errorf(ErrLinkConflict, "directory entry %s (id %s) is already linked to another %s", l.DN, l.StableID, l.Kind)
}

// refuseLinkConflict fails with ErrLinkConflict when l's stable id is
// linked to another local object. UpsertLink checks it before writing,
// since a failed statement would abort a PostgreSQL transaction; SaveLink
// only after its statement, which guards against the conflict itself,
// wrote nothing, to say why.
func (q Queries) refuseLinkConflict(ctx context.Context, l Link) error {
	var other int64
	err := q.queryRow(ctx, `SELECT local_id FROM links WHERE kind = ? AND stable_id = ?`, l.Kind, l.StableID).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("store: save link of %s %d: %w", l.Kind, l.LocalID, err)
	case other != l.LocalID:
		return errorf(ErrLinkConflict, "directory entry %s (id %s) is already linked to %s %d, not %d", l.DN, l.StableID, l.Kind, other, l.LocalID)
	}
	return nil
}
