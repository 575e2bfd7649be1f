package ui

import "testing"

// prettyDN gives a plain DN back as it is without parsing it, and that is
// what parsing it and writing it again gives: for any input, prettyDN and
// parsedPrettyDN agree.
func FuzzPrettyDN(f *testing.F) {
	for _, dn := range []string{
		"uid=user0000001,ou=t1,ou=d00,ou=people,dc=example,dc=com",
		"cn=Doe\\2C John,ou=people,dc=example,dc=com", "cn=a=b,dc=x", "uid=,dc=x", "=x", "uid", "uid=a,,dc=x",
		"", ",", "1.2.3=x", "a_b=x", "cn=x@y.z,o=-", "CN=Admin,DC=EXAMPLE", "uid=a+cn=b", "cn= a ", "=A=", "a=b=c", "-a=b", "a-1=b.c_d@e",
	} {
		f.Add(dn)
	}
	f.Fuzz(func(t *testing.T, dn string) {
		if got, want := prettyDN(dn), parsedPrettyDN(dn); got != want {
			t.Fatalf("prettyDN(%q) = %q, parsing gives %q", dn, got, want)
		}
	})
}
