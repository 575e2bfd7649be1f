package syncer

import (
	"testing"

	"ldapwiz/ldap"
)

// FuzzDNCacheNormalize checks that the cache, parent by parent, normalizes
// every DN exactly as ldap.NormalizeDN does, whatever was cached before,
// with or without keeping the result (normalizeEntry), and that a normal
// DN is its own normal form: a DN found as is among normalized ones is
// the one normalizing it would find (the planner's member lookups).
func FuzzDNCacheNormalize(f *testing.F) {
	for _, dn := range []string{
		"uid=a,ou=t1,ou=d01,ou=people,dc=example,dc=com",
		"UID=A,OU=People,DC=Example,DC=com",
		"cn=a+sn=b,ou=people,dc=example,dc=com",
		"cn=x\\,y,ou=p,dc=e",
		"cn=x, ou=p ,dc=e",
		"cn=\"q,r\",dc=e",
		"cn=a,,dc=e",
		"cn=a,dc=e,",
		"commonName=Ä  B,o=x",
		"2.5.4.3=a,dc=e",
		"cn=#04024869,dc=e",
		"cn=a;dc=e",
	} {
		f.Add(dn, "ou=people,dc=example,dc=com")
	}
	f.Fuzz(func(t *testing.T, dn, earlier string) {
		var c dnCache
		c.normalize(earlier)
		got, ok := c.normalize(dn)
		want, err := ldap.NormalizeDN(dn)
		if ok != (err == nil) || got != want {
			t.Fatalf("%q: cache gives %q, %v; NormalizeDN gives %q, %v", dn, got, ok, want, err)
		}
		var once dnCache
		once.normalize(earlier)
		if got, ok := once.normalizeEntry(dn); ok != (err == nil) || got != want {
			t.Fatalf("%q: normalizeEntry gives %q, %v; NormalizeDN gives %q, %v", dn, got, ok, want, err)
		}
		if got, ok := once.normalize(dn); ok != (err == nil) || got != want {
			t.Fatalf("%q: normalize after normalizeEntry gives %q, %v; NormalizeDN gives %q, %v", dn, got, ok, want, err)
		}
		if ok {
			if again, err := ldap.NormalizeDN(want); err != nil || again != want {
				t.Fatalf("%q normalizes to %q, which normalizes to %q, %v", dn, want, again, err)
			}
		}
	})
}

// normalizeEntry keeps an entry's DN only when it is not in normal form:
// references written in normal form are found without the cache, the
// others (Active Directory's upper-case types) are normalized through it.
func TestNormalizeEntryKeepsOnlyDNsNotNormal(t *testing.T) {
	var c dnCache
	for _, dn := range []string{"uid=a,ou=people,dc=example,dc=com", "CN=Ann Lee,OU=Staff,DC=example,DC=com"} {
		n, ok := c.normalizeEntry(dn)
		if _, kept := c.m[dn]; !ok || kept != (n != dn) {
			t.Errorf("%q: normalized to %q (%v); kept %v", dn, n, ok, kept)
		}
	}
}
