package ldap

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// dnSeeds are real DNs and the cases fuzzing found.
var dnSeeds = []string{
	"", "cn=admin,dc=example,dc=com", `cn=Doe\, John,ou=People,dc=example,dc=com`,
	`CN=Jos\C3\A9 M\C3\BCller,OU=Users,DC=example,DC=test`, "cn=a+uid=b,dc=x", "uid=#04024869,dc=x",
	`cn=\ lead,dc=x`, `cn=trail\ ,dc=x`, `cn=\#hash,dc=x`, "2.5.4.3=x,dc=y", "0=\\80", "cn=\\80", `a\"b=c`,
	" cn = spaced , dc = x ", "cn=émilie,dc=x",
}

// FuzzDNRoundTrip: whatever ParseDN accepts, String writes a DN that parses
// back to an equal DN and renders the same again.
func FuzzDNRoundTrip(f *testing.F) {
	for _, s := range dnSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDN(s)
		if err != nil {
			return
		}
		out := d.String()
		d2, err := ParseDN(out)
		if err != nil {
			t.Fatalf("ParseDN(%q).String() = %q, which does not parse: %v", s, out, err)
		}
		if !d.Equal(d2) || len(d.RDNs) != len(d2.RDNs) {
			t.Fatalf("ParseDN(%q).String() = %q parses to a different DN", s, out)
		}
		for i := range d.RDNs {
			for j := range d.RDNs[i] {
				if d.RDNs[i][j] != d2.RDNs[i][j] {
					t.Fatalf("%q: AVA %d.%d %+v came back as %+v", s, i, j, d.RDNs[i][j], d2.RDNs[i][j])
				}
			}
		}
		if again := d2.String(); again != out {
			t.Fatalf("String is not stable: %q then %q", out, again)
		}
	})
}

// FuzzEscapeDNValue: any value escaped into an RDN parses back to itself.
func FuzzEscapeDNValue(f *testing.F) {
	for _, v := range []string{"", "plain", "Doe, John", " lead", "trail ", "#hash", "a+b", "\x00", "\x80", "é", `q"uote`, `back\slash`, "tab\there"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		dn := "cn=" + EscapeDNValue(v) + ",dc=example,dc=com"
		d, err := ParseDN(dn)
		if err != nil {
			t.Fatalf("EscapeDNValue(%q) gives %q, which does not parse: %v", v, dn, err)
		}
		if got := d.RDNs[0][0].Value; got != v {
			t.Fatalf("EscapeDNValue(%q) parses back as %q", v, got)
		}
	})
}

// FuzzEscapeFilter: any value escaped into an equality filter compiles, and
// the filter asserts exactly that value.
func FuzzEscapeFilter(f *testing.F) {
	for _, v := range []string{"", "alice", "*", "(a)", `\`, "\x00", "é", "a*b(c)d\\e"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		filter := "(uid=" + EscapeFilter(v) + ")"
		p, err := goldap.CompileFilter(filter)
		if err != nil {
			t.Fatalf("EscapeFilter(%q) gives %q, which does not compile: %v", v, filter, err)
		}
		if p.Tag != goldap.FilterEqualityMatch || len(p.Children) != 2 {
			t.Fatalf("EscapeFilter(%q) gives %q, not an equality filter", v, filter)
		}
		if got := p.Children[1].Data.String(); got != v {
			t.Fatalf("EscapeFilter(%q) asserts %q", v, got)
		}
		if strings.Count(filter, "(") < 1 {
			t.Fatal("no filter")
		}
	})
}

// FuzzNormalizeSimpleDN: the unparsed normalization of plain DNs gives
// exactly what parsing gives.
func FuzzNormalizeSimpleDN(f *testing.F) {
	for _, s := range dnSeeds {
		f.Add(s)
	}
	f.Add("UID=JDoe,OU=People,DC=Example,DC=com")
	f.Add("commonName=X,o=y")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := normalizeSimpleDN(s)
		if !ok {
			return
		}
		d, err := ParseDN(s)
		if err != nil {
			t.Fatalf("%q normalized to %q without parsing, but it does not parse: %v", s, got, err)
		}
		if want := d.Normalized(); got != want {
			t.Fatalf("%q: %q without parsing, %q parsed", s, got, want)
		}
	})
}

// FuzzReadableDN: a DN ReadableDN gives back without parsing is what
// parsing and writing it again give.
func FuzzReadableDN(f *testing.F) {
	for _, s := range dnSeeds {
		f.Add(s)
	}
	for _, s := range []string{"uid=user0000001,ou=t1,ou=d00,ou=people,dc=example,dc=com", "cn=Doe\\2C John,dc=x",
		"cn=a=b,dc=x", "uid=,dc=x", "=x", "=A=", "1.2.3=x", "a_b=x", "cn=x@y.z,o=-", "uid=a+cn=b", "cn= a "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ReadableDN(s), readableParsedDN(s); got != want {
			t.Fatalf("ReadableDN(%q) = %q, parsing gives %q", s, got, want)
		}
	})
}
