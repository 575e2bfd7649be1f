package ldap

import (
	"context"
	"testing"

	"ldapwiz/internal/slapdtest"
)

func TestDNEqual(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{`cn=Doe\, John,ou=sales,dc=example,dc=com`, `CN=doe\, john, OU=Sales , DC=Example,DC=COM`, true},
		{`cn=Doe\, John,ou=sales,dc=example,dc=com`, `cn=Doe\2C John,ou=sales,dc=example,dc=com`, true},
		{`cn=Doe\, John,ou=sales,dc=example,dc=com`, `cn=Doe,cn=John,ou=sales,dc=example,dc=com`, false},
		{`cn=Zo\C3\AB,dc=example,dc=com`, `cn=Zoë,dc=example,dc=com`, true},
		{`commonName=alice,DC=example,DC=com`, `cn=Alice,dc=example,dc=com`, true},
		{`2.5.4.3=alice,0.9.2342.19200300.100.1.25=example`, `cn=alice,dc=example`, true},
		{`cn=John  Smith,dc=example`, `cn=john smith,dc=example`, true},
		{`cn=a+uid=b,dc=example`, `uid=B+CN=A,dc=example`, true},
		{`cn=user1,ou=ou1,ou=people,dc=example,dc=com`, `cn=user1,ou=ou2,ou=people,dc=example,dc=com`, false},
		{`cn=a,dc=example`, `cn=a,dc=example,dc=com`, false},
		{`cn=a`, `cn=a,`, false},
		{`cn=#04024869,dc=example`, `cn=Hi,dc=example`, true}, // '#' + hex BER
		{`cn=a\2Bb,dc=example`, `cn=a\+b,dc=example`, true},
		{``, ``, true},
		{`not a dn`, `not a dn`, true},
		{`not a dn`, `cn=not a dn`, false},
	}
	for _, tc := range cases {
		if got := DNEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("DNEqual(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := DNEqual(tc.b, tc.a); got != tc.want {
			t.Errorf("DNEqual(%q, %q) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestNormalizeDNAgreesWithDNEqual(t *testing.T) {
	a, err := NormalizeDN(`CN=Doe\2c  John , OU=Sales,DC=Example,DC=COM`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NormalizeDN(`cn=doe\, john,ou=sales,dc=example,dc=com`)
	if a != b || a != `cn=doe\, john,ou=sales,dc=example,dc=com` {
		t.Errorf("normalized forms differ: %q vs %q", a, b)
	}
	if _, err := NormalizeDN("cn=a,,dc=b"); err == nil {
		t.Error("NormalizeDN accepted an empty RDN")
	}
}

func TestDNTreeHelpers(t *testing.T) {
	john := `cn=Doe\, John,ou=sales,ou=people,dc=example,dc=com`
	if !IsDescendant(john, "OU=People,DC=example,DC=com") || !IsDescendant(john, "") {
		t.Error("IsDescendant: John is below ou=people and below the root")
	}
	if IsDescendant(john, john) || !InSubtree(john, john) {
		t.Error("an entry is in its own subtree but not its own descendant")
	}
	if IsDescendant("ou=people,dc=example,dc=com", "ou=sales,ou=people,dc=example,dc=com") {
		t.Error("a parent is not a descendant of its child")
	}
	// Never by string suffix: "ou=xpeople" does not end below "ou=people".
	if IsDescendant("cn=a,ou=xpeople,dc=example,dc=com", "people,dc=example,dc=com") {
		t.Error("string-suffix match")
	}
	if d, err := ParseDN(john); err != nil || d.Parent().String() != "ou=sales,ou=people,dc=example,dc=com" || d.RDNs[0].String() != `cn=Doe\, John` {
		t.Errorf("parent and RDN of %s: %+v, %v", john, d, err)
	}
	if d, _ := ParseDN("dc=com"); !d.Parent().IsRoot() || d.Parent().String() != "" {
		t.Errorf("the parent of a top-level DN is %+v, want the root", d.Parent())
	}
}

func TestBuildDNEscapes(t *testing.T) {
	cases := []struct{ attr, value, parent, want string }{
		{"cn", "Doe, John", "ou=sales,dc=example,dc=com", `cn=Doe\, John,ou=sales,dc=example,dc=com`},
		{"cn", " lead#", "dc=x", `cn=\ lead#,dc=x`},
		{"cn", "#hash trail ", "dc=x", `cn=\#hash trail\ ,dc=x`},
		{"cn", `a+b;c<d>e"f\g`, "", `cn=a\+b\;c\<d\>e\"f\\g`},
		{"uid", "Łukasz", "dc=x", `uid=Łukasz,dc=x`},
		{"cn", "a=b", "dc=x", `cn=a=b,dc=x`},
	}
	for _, tc := range cases {
		got := BuildDN(tc.attr, tc.value, tc.parent)
		if got != tc.want {
			t.Errorf("BuildDN(%q, %q, %q) = %q, want %q", tc.attr, tc.value, tc.parent, got, tc.want)
			continue
		}
		d, err := ParseDN(got)
		if err != nil || d.RDNs[0][0].Value != tc.value {
			t.Errorf("BuildDN(%q) does not round-trip: %v %+v", tc.value, err, d)
		}
	}
}

func TestEscapeFilter(t *testing.T) {
	if got := EscapeFilter(`a*b(c)d\e` + "\x00"); got != `a\2ab\28c\29d\5ce\00` {
		t.Errorf("EscapeFilter = %q", got)
	}
}

// TestDNsAgainstServer reads the fixture's escaped-comma entry by a DN
// spelled differently (case, spaces, hex escape) and checks the DN the
// server returns compares equal.
func TestDNsAgainstServer(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	spelled := `CN=doe\2C john , OU=Sales, OU=People, DC=example, DC=com`
	e, err := c.Entry(ctx, spelled)
	if err != nil {
		t.Fatalf("read %s: %v", spelled, err)
	}
	if !DNEqual(e.DN, slapdtest.JohnDoeDN) || !DNEqual(e.DN, spelled) {
		t.Errorf("server DN %q not equal to %q", e.DN, slapdtest.JohnDoeDN)
	}
	built := BuildDN("cn", "Doe, John", "ou=sales,ou=people,"+slapdtest.BaseDN)
	if e2, err := c.Entry(ctx, built); err != nil || e2.First("uid") != "jdoe" {
		t.Errorf("read built DN %s: %v", built, err)
	}
	// Same RDN in two OUs: different entries.
	a, _ := c.Entry(ctx, slapdtest.User1OU1DN)
	b, _ := c.Entry(ctx, slapdtest.User1OU2DN)
	if a == nil || b == nil || DNEqual(a.DN, b.DN) || a.First("entryUUID") == b.First("entryUUID") {
		t.Errorf("duplicate-RDN users not told apart: %v %v", a, b)
	}
	// Non-ASCII values as the server sends them.
	e, err = c.Entry(ctx, "uid=zsimkova,ou=engineering,ou=people,"+slapdtest.BaseDN)
	if err != nil || e.First("cn") != "Zoë Šimková" {
		t.Errorf("non-ASCII cn: %v %v", e, err)
	}
}
