package syncer

import "ldapwiz/ldap"

// dnCache memoizes ldap.NormalizeDN by the DN as written. A sync meets the
// same DN many times (a user's entry, its link, every group listing it as a
// member, byte for byte as the server wrote the entry's DN), and parsing is
// what normalizing costs. The zero value is ready to use; it is not safe for
// concurrent use.
type dnCache struct {
	m map[string]normDN
}

// normDN is one cached result: the normalized DN, or ok false when the DN
// does not parse.
type normDN struct {
	n  string
	ok bool
}

// normalize returns ldap.NormalizeDN(dn) and whether dn parsed.
func (c *dnCache) normalize(dn string) (string, bool) {
	if r, hit := c.m[dn]; hit {
		return r.n, r.ok
	}
	if c.m == nil {
		c.m = map[string]normDN{}
	}
	n, err := ldap.NormalizeDN(dn)
	c.m[dn] = normDN{n: n, ok: err == nil}
	return n, err == nil
}

// equal is ldap.DNEqual through the cache: the same string, or two DNs that
// parse and normalize alike.
func (c *dnCache) equal(a, b string) bool {
	if a == b {
		return true
	}
	na, ok := c.normalize(a)
	if !ok {
		return false
	}
	nb, ok := c.normalize(b)
	return ok && na == nb
}
