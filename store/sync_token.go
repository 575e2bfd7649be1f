package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SyncToken is the directory's state as the last run that read it left it,
// for an incremental run to start from: the server's token (an RFC 4533
// cookie, ...), what the token is for, and the directory's view at the
// token (the entries read, kept by the sync engine in its own encoding).
// The token and the view are opaque to the store.
type SyncToken struct {
	RunID  int64  // the run that read the directory
	Method string // how the token was obtained ("syncrepl", ...)
	Server string // the directory server's URL, as configured
	// ScopeHash identifies the settings the view was read with (bases,
	// filters, object classes, sync_only, attribute mapping): a view read
	// with other settings is no start for an incremental run.
	ScopeHash string
	Token     []byte
	View      []byte
	FullAt    time.Time // when the directory was last read whole
	SavedAt   time.Time
}

// SyncToken returns the saved state token, or nil when there is none (no
// run has read the directory yet, or the token was forgotten).
func (q Queries) SyncToken(ctx context.Context) (*SyncToken, error) {
	return q.readSyncToken(ctx, "view")
}

// readSyncToken reads the saved state token with its view read as viewExpr
// (a column expression over view, with args for its placeholders), or nil
// when there is none.
func (q Queries) readSyncToken(ctx context.Context, viewExpr string, args ...any) (*SyncToken, error) {
	var t SyncToken
	var full, saved sql.NullString
	err := q.queryRow(ctx, `SELECT run_id, method, server, scope_hash, token, `+viewExpr+`, full_at, saved_at FROM sync_tokens WHERE id = 1`, args...).
		Scan(&t.RunID, &t.Method, &t.Server, &t.ScopeHash, &t.Token, &t.View, &full, &saved)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read the directory's sync token: %w", err)
	}
	if t.FullAt, err = parseTime(full); err != nil {
		return nil, err
	}
	if t.SavedAt, err = parseTime(saved); err != nil {
		return nil, err
	}
	return &t, nil
}

// SaveSyncToken replaces the saved state token with t. SavedAt is set to
// now; a zero FullAt is refused, since every view starts from a full read.
func (q Queries) SaveSyncToken(ctx context.Context, t SyncToken) error {
	if t.FullAt.IsZero() {
		return errorf(ErrInvalid, "sync token without the time of its full read")
	}
	if t.Token == nil {
		t.Token = []byte{}
	}
	if t.View == nil {
		t.View = []byte{}
	}
	_, err := q.exec(ctx, `INSERT INTO sync_tokens (id, run_id, method, server, scope_hash, token, view, full_at, saved_at)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, method = excluded.method, server = excluded.server,
			scope_hash = excluded.scope_hash, token = excluded.token, view = excluded.view,
			full_at = excluded.full_at, saved_at = excluded.saved_at`,
		t.RunID, t.Method, t.Server, t.ScopeHash, t.Token, t.View, fmtTime(t.FullAt), fmtTime(now()))
	if err != nil {
		return fmt.Errorf("store: save the directory's sync token: %w", err)
	}
	return nil
}
