package ldap

import (
	"context"
	"fmt"
	"strings"
)

// SyncTokenPerSearch reports whether the server's content sync tokens are
// good only for the search they came from: 389 DS's Content
// Synchronization plug-in writes the bind DN, base and filter into its
// cookie and answers a refresh with any other search "Refresh Required:
// Invalid session cookie". Such a token is taken with SyncCookieFor.
func (r *RootDSE) SyncTokenPerSearch() bool { return r.Is389DS() }

// SyncCookieFor returns a token for the current state of exactly the
// search req (its base and filter; the attributes do not matter), for
// servers whose tokens are per search (see SyncTokenPerSearch): a
// refreshOnly search from nothing with req's base and filter that asks
// for no attributes, so each entry in scope comes back as its DN only.
func (c *Conn) SyncCookieFor(ctx context.Context, req SearchRequest) ([]byte, error) {
	res, err := c.SyncRefresh(ctx, SearchRequest{Base: req.Base, Filter: req.Filter, Attributes: []string{"1.1"}}, nil,
		func(SyncChange) error { return nil })
	if err != nil {
		return nil, fmt.Errorf("read the directory's sync token for the search under %s: %w", req.Base, err)
	}
	return res.Cookie, nil
}

// SyncUUIDOfUniqueID returns the UUID 389 DS's content sync names an entry
// by, from the entry's nsUniqueId ("0f83b535-f15511f1-a920dcb9-b24ef458"
// is named 0f83b535-f155-11f1-a920-dcb9b24ef458): the same 32 hex digits,
// lower case, grouped as a UUID. "" when nsUniqueId is not 32 hex digits.
func SyncUUIDOfUniqueID(nsUniqueID string) string {
	hex := strings.ToLower(strings.ReplaceAll(nsUniqueID, "-", ""))
	if len(hex) != 32 {
		return ""
	}
	for _, r := range hex {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return ""
		}
	}
	return hex[:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:]
}

// UniqueIDOfSyncUUID is SyncUUIDOfUniqueID backwards: the nsUniqueId of
// the entry 389 DS's content sync names uuid (8-8-8-8 hex digits). ""
// when uuid is not 32 hex digits.
func UniqueIDOfSyncUUID(uuid string) string {
	u := SyncUUIDOfUniqueID(uuid)
	if u == "" {
		return ""
	}
	hex := strings.ReplaceAll(u, "-", "")
	return hex[:8] + "-" + hex[8:16] + "-" + hex[16:24] + "-" + hex[24:]
}
