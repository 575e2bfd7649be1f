package ldap

import (
	"context"
	"errors"

	goldap "github.com/go-ldap/ldap/v3"
)

// Matches asks the server whether the entry at dn matches filter: a search
// of that one entry (base scope) with the filter, returning no attributes.
// The server evaluates it with its own matching rules (case, syntax, Active
// Directory's in-chain and bitwise rules), so the answer is the one a
// search of the whole subtree would give for this entry. A filter the
// server finds undefined for the entry (an attribute it does not know)
// does not match. An entry that does not exist is an error.
func (c *Conn) Matches(ctx context.Context, dn, filter string) (bool, error) {
	if _, err := ParseDN(dn); err != nil {
		return false, err
	}
	found := false
	err := c.Search(ctx, SearchRequest{Base: dn, Scope: ScopeBase, Filter: filter, Attributes: []string{"1.1"}, PageSize: -1},
		func(*Entry) error {
			found = true
			return ErrStopSearch
		})
	var le *goldap.Error
	if errors.As(err, &le) && le.ResultCode == goldap.LDAPResultNoSuchObject {
		return false, errors.New("entry " + dn + " does not exist")
	}
	return found, err
}
