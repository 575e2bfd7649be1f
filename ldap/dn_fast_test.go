package ldap

import (
	"testing"
	"unsafe"
)

// A DN already in normal form is its own normal form, not a copy of it:
// a directory's DNs mostly are, and normalizing 100,000 of them made as
// many strings to throw away.
func TestNormalizeDNKeepsANormalDN(t *testing.T) {
	for _, dn := range []string{"uid=jdoe,ou=people,dc=example,dc=com", "cn=ann-lee,dc=x", "uid=JDoe,dc=x"} {
		n, err := NormalizeDN(dn)
		if err != nil {
			t.Fatal(err)
		}
		if dn == "uid=JDoe,dc=x" {
			if n != "uid=jdoe,dc=x" {
				t.Errorf("NormalizeDN(%q) = %q", dn, n)
			}
			continue
		}
		if n != dn {
			t.Errorf("NormalizeDN(%q) = %q, want it as it is", dn, n)
		} else if unsafe.StringData(n) != unsafe.StringData(dn) {
			t.Errorf("NormalizeDN(%q) copied it", dn)
		}
	}
	dn := "uid=jdoe,ou=people,dc=example,dc=com"
	if allocs := testing.AllocsPerRun(100, func() { NormalizeDN(dn) }); allocs != 0 {
		t.Errorf("NormalizeDN of a normal DN allocates %v times", allocs)
	}
}
