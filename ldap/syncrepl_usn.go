package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// HighestCommittedUSN reads Active Directory's highestCommittedUSN from the
// RootDSE: every change the server made since has a larger uSNChanged.
// Read it before searching, so that a change made during the search is
// found again next time rather than missed.
func (c *Conn) HighestCommittedUSN(ctx context.Context) (int64, error) {
	var v string
	err := c.Search(ctx, SearchRequest{Scope: ScopeBase, Filter: "(objectClass=*)", Attributes: []string{"highestCommittedUSN"}, PageSize: -1},
		func(e *Entry) error {
			v = e.First("highestCommittedUSN")
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("read highestCommittedUSN from the RootDSE: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("the RootDSE's highestCommittedUSN %q is not a number: the server does not offer uSNChanged tracking", v)
	}
	return n, nil
}

// USNChangedFilter narrows filter to the entries changed after usn.
func USNChangedFilter(filter string, usn int64) string {
	return "(&" + searchFilter(filter) + "(uSNChanged>=" + strconv.FormatInt(usn+1, 10) + "))"
}

// IDFilter is a filter matching exactly the entry whose stable id attribute
// attr (entryUUID, nsUniqueId, objectGUID) has the raw value raw: binary
// values are escaped byte by byte.
func IDFilter(attr string, raw []byte) string {
	var b strings.Builder
	b.WriteString("(" + attr + "=")
	for _, c := range raw {
		fmt.Fprintf(&b, "\\%02x", c)
	}
	b.WriteString(")")
	return b.String()
}
