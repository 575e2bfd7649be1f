package syncer

import (
	"strings"

	"ldapwiz/ldap"
)

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
func (c *dnCache) normalize(dn string) (string, bool) { return c.lookup(dn, true) }

// normalizeEntry is normalize for an entry's own DN, which the planner
// indexes by its normal form; references to the entry (group members) are
// then looked up as written first. A DN already normal is not kept: a
// reference written like it is found as it is. One that is not (Active
// Directory's CN=...,OU=..., or ou=People) is kept, since references
// written like it are normalized next, and would parse it again.
func (c *dnCache) normalizeEntry(dn string) (string, bool) { return c.lookup(dn, false) }

// findNormal looks a reference to an entry (a group's member value) up
// through find, which looks a normal DN up in maps keyed by entries'
// normal DNs (normalizeEntry): dn as written first, since a DN in normal
// form is its own and a server writes most references byte for byte as
// the entry's DN; normalized only when that finds nothing. It reports
// whether find found it.
func (c *dnCache) findNormal(dn string, find func(normal string) bool) bool {
	if find(dn) {
		return true
	}
	n, ok := c.normalize(dn)
	return ok && n != dn && find(n)
}

// lookup returns the normal form of dn and whether it parsed, from the
// cache or computed and then cached, unless keepNormal is false and dn is
// its own normal form.
func (c *dnCache) lookup(dn string, keepNormal bool) (string, bool) {
	if r, hit := c.m[dn]; hit {
		return r.n, r.ok
	}
	n, ok := c.compute(dn)
	if keepNormal || !ok || n != dn {
		if c.m == nil {
			c.m = map[string]normDN{}
		}
		c.m[dn] = normDN{n: n, ok: ok}
	}
	return n, ok
}

// compute normalizes dn. The DNs of a directory share their parents
// (uid=x,ou=people,dc=example,dc=com): when the first RDN is plain
// (simpleRDN), only it is parsed and the parent comes from the cache, which
// gives what parsing the whole DN gives. Anything else is parsed whole.
func (c *dnCache) compute(dn string) (string, bool) {
	if i := strings.IndexByte(dn, ','); i > 0 && i < len(dn)-1 && dn[i+1] != ' ' && simpleRDN(dn[:i]) {
		if first, err := ldap.NormalizeDN(dn[:i]); err == nil {
			if parent, ok := c.normalize(dn[i+1:]); ok && parent != "" {
				if first == dn[:i] && parent == dn[i+1:] {
					return dn, true // already normal: no copy
				}
				return first + "," + parent, true
			}
		}
	}
	n, err := ldap.NormalizeDN(dn)
	return n, err == nil
}

// simpleRDN reports whether rdn is one type=value pair of printable ASCII
// with nothing that escapes, quotes, joins or trims: no backslash, quote,
// plus, semicolon, angle bracket, hash, space or second equals sign.
func simpleRDN(rdn string) bool {
	eq := 0
	for i := 0; i < len(rdn); i++ {
		switch ch := rdn[i]; {
		case ch <= ' ' || ch >= 0x7f:
			return false
		case ch == '\\' || ch == '"' || ch == '+' || ch == ';' || ch == '<' || ch == '>' || ch == '#' || ch == ',':
			return false
		case ch == '=':
			eq++
		}
	}
	return eq == 1 && rdn[0] != '=' && rdn[len(rdn)-1] != '='
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
