package ldap

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// SyncState is what an RFC 4533 refresh says of one entry.
type SyncState int

// Sync states (RFC 4533 syncStateValue).
const (
	SyncPresent SyncState = iota // unchanged and still in scope
	SyncAdd                      // new in scope
	SyncModify                   // changed (renamed and moved included)
	SyncDelete                   // gone from scope
)

// SyncChange is one entry a refresh reported. Entry is nil for deletes
// and presents, which carry only the entry's UUID.
type SyncChange struct {
	State SyncState
	UUID  string // the entryUUID, lower case
	Entry *Entry
}

// SyncRefreshResult is how a refresh ended.
type SyncRefreshResult struct {
	// Cookie is the token of the state the refresh brought the client to.
	Cookie []byte
	// PresentPhase: the server ended with the present phase, so every entry
	// still in scope was reported (changed, or present), and entries not
	// reported are gone. Otherwise deletes were reported one by one.
	PresentPhase bool
}

// ErrSyncRefreshRequired is the server refusing a cookie (RFC 4533
// e-syncRefreshRequired, result 4096): the client must read whole again.
var ErrSyncRefreshRequired = errors.New("the directory no longer accepts the sync token (e-syncRefreshRequired)")

// ErrSyncRefused is the server answering a refresh with an LDAP result
// other than success (a cookie it cannot read, "consumer state is newer
// than provider", a size limit, ...), as opposed to the connection failing.
var ErrSyncRefused = errors.New("the directory refused the content sync refresh")

// resultSyncRefreshRequired is the LDAP result code of
// e-syncRefreshRequired.
const resultSyncRefreshRequired = 4096

// SyncRefresh runs an RFC 4533 refreshOnly search for req (base, filter
// and attributes; the scope is the subtree) from cookie (nil: from
// nothing, every entry in scope is reported as added) and hands each
// reported entry or UUID to fn. A refused cookie gives an error wrapping
// ErrSyncRefreshRequired. The connection timeout applies to each wait for
// the server.
func (c *Conn) SyncRefresh(ctx context.Context, req SearchRequest, cookie []byte, fn func(SyncChange) error) (SyncRefreshResult, error) {
	var res SyncRefreshResult
	filter := searchFilter(req.Filter)
	sr := goldap.NewSearchRequest(req.Base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, req.Attributes, nil)
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	timeout := c.cfg.timeout()
	timer := time.AfterFunc(timeout, func() { timedOut.Store(true); cancel() })
	defer timer.Stop()
	resp := c.c.Syncrepl(opCtx, sr, 64, goldap.SyncRequestModeRefreshOnly, cookie, false)
	var stopped error
	var named [SyncDelete + 1]bool // the states the server named entries with
	emit := func(ch SyncChange) {
		named[ch.State] = true
		if stopped == nil {
			stopped = fn(ch)
		}
	}
	for resp.Next() {
		timer.Stop()
		e := resp.Entry()
		var state *goldap.ControlSyncState
		for _, ctl := range resp.Controls() {
			switch ctl := ctl.(type) {
			case *goldap.ControlSyncState:
				state = ctl
			case *goldap.ControlSyncDone:
				res.Cookie, res.PresentPhase = ctl.Cookie, !ctl.RefreshDeletes
			case *goldap.ControlSyncInfo:
				syncInfo(ctl, &res, emit)
			}
		}
		if e != nil && state != nil {
			ch := SyncChange{State: SyncState(state.State), UUID: state.EntryUUID.String()}
			if ch.State == SyncAdd || ch.State == SyncModify {
				ch.Entry = fromGoldap(e)
			}
			if len(state.Cookie) > 0 {
				res.Cookie = state.Cookie
			}
			emit(ch)
		}
		timer.Reset(timeout)
	}
	timer.Stop()
	if stopped != nil {
		return res, stopped
	}
	if err := resp.Err(); err != nil {
		var le *goldap.Error
		if errors.As(err, &le) && le.ResultCode == resultSyncRefreshRequired {
			return res, fmt.Errorf("%w: %v", ErrSyncRefreshRequired, err)
		}
		if errors.As(err, &le) && le.ResultCode < goldap.ErrorNetwork {
			return res, fmt.Errorf("%w: %w", ErrSyncRefused, c.explainSearchError(req.Base, false, 0, err))
		}
		return res, c.explainSearchError(req.Base, false, 0, err)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if timedOut.Load() {
		return res, searchTimeout(timeout, req.Base, context.DeadlineExceeded)
	}
	if c.c.IsClosing() {
		return res, fmt.Errorf("the connection to the directory was lost while reading the changes under %s; check that the server is running and try again", req.Base)
	}
	if res.PresentPhase && len(cookie) > 0 && (named[SyncDelete] || !named[SyncPresent]) {
		// A refresh from a cookie that named deletes, or nothing present,
		// was no present phase, whatever its end said: 389 DS sends its
		// deletes in a syncIdSet and ends every refresh with the default
		// refreshDeletes FALSE. (A present phase naming nothing means every
		// entry left the scope; such a refresh keeps them until the next
		// full read.)
		res.PresentPhase = false
	}
	if len(res.Cookie) == 0 {
		// Nothing changed since cookie: the server sends no new one.
		res.Cookie = cookie
	}
	if len(res.Cookie) == 0 {
		return res, fmt.Errorf("the directory ended the content sync under %s without a sync token; it does not support RFC 4533 refreshes properly", req.Base)
	}
	return res, nil
}

// syncInfo applies one Sync Info message of a refresh: a new cookie, the
// end of a phase, or a set of UUIDs deleted or present.
func syncInfo(ctl *goldap.ControlSyncInfo, res *SyncRefreshResult, emit func(SyncChange)) {
	switch {
	case ctl.NewCookie != nil:
		res.Cookie = ctl.NewCookie.Cookie
	case ctl.RefreshDelete != nil:
		if len(ctl.RefreshDelete.Cookie) > 0 {
			res.Cookie = ctl.RefreshDelete.Cookie
		}
		res.PresentPhase = false
	case ctl.RefreshPresent != nil:
		if len(ctl.RefreshPresent.Cookie) > 0 {
			res.Cookie = ctl.RefreshPresent.Cookie
		}
		res.PresentPhase = true
	case ctl.SyncIdSet != nil:
		if len(ctl.SyncIdSet.Cookie) > 0 {
			res.Cookie = ctl.SyncIdSet.Cookie
		}
		state := SyncPresent
		if ctl.SyncIdSet.RefreshDeletes {
			state = SyncDelete
		}
		for _, u := range ctl.SyncIdSet.SyncUUIDs {
			emit(SyncChange{State: state, UUID: u.String()})
		}
	}
}

// SyncCookie returns a token for the directory's current state under base
// without reading its entries: a refreshOnly search for an entry that
// cannot exist. A run that then reads the directory whole keeps the token,
// and the next refresh from it reports what changed since (changes made
// during the read are reported again, which is harmless).
func (c *Conn) SyncCookie(ctx context.Context, base string) ([]byte, error) {
	res, err := c.SyncRefresh(ctx, SearchRequest{Base: base, Filter: "(entryUUID=00000000-0000-0000-0000-000000000000)",
		Attributes: []string{"1.1"}}, nil, func(SyncChange) error { return nil })
	if err != nil {
		return nil, fmt.Errorf("read the directory's sync token under %s: %w", base, err)
	}
	return res.Cookie, nil
}
