package ldap

import (
	"context"
	"errors"
	"fmt"

	goldap "github.com/go-ldap/ldap/v3"
)

// SyncPersist runs an RFC 4533 refreshAndPersist search for req (subtree)
// from cookie and calls changed for every entry the server reports added,
// changed or deleted, during the refresh and then as changes happen, until
// ctx ends (nil is returned) or the search ends (the server stopped, the
// connection broke: the error). The connection is given over to the
// search: it no longer times requests out.
func (c *Conn) SyncPersist(ctx context.Context, req SearchRequest, cookie []byte, changed func()) error {
	filter := searchFilter(req.Filter)
	c.c.SetTimeout(0)
	sr := goldap.NewSearchRequest(req.Base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, req.Attributes, nil)
	resp := c.c.Syncrepl(ctx, sr, 64, goldap.SyncRequestModeRefreshAndPersist, cookie, false)
	for resp.Next() {
		report := resp.Entry() != nil
		for _, ctl := range resp.Controls() {
			if info, ok := ctl.(*goldap.ControlSyncInfo); ok && info.SyncIdSet != nil && info.SyncIdSet.RefreshDeletes {
				report = true
			}
		}
		if report {
			changed()
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := resp.Err(); err != nil {
		var le *goldap.Error
		if errors.As(err, &le) && le.ResultCode == resultSyncRefreshRequired {
			return fmt.Errorf("%w: %v", ErrSyncRefreshRequired, err)
		}
		return fmt.Errorf("following changes under %s: %w", req.Base, err)
	}
	return fmt.Errorf("the directory ended the search following changes under %s", req.Base)
}
