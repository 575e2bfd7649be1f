package ldap

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// A filter comes apart into its clauses, each with its text and attribute.
func TestParseFilterTree(t *testing.T) {
	n, err := ParseFilterTree("&(mail=*)(|(employeeType=staff)(ou=sales*))(!(cn~=john))(memberOf:1.2.840.113556.1.4.1941:=cn=x)")
	if err != nil {
		t.Fatal(err)
	}
	if n.Op != FilterOpAnd || len(n.Clauses) != 4 {
		t.Fatalf("top: %+v", n)
	}
	mail, or, not, ext := n.Clauses[0], n.Clauses[1], n.Clauses[2], n.Clauses[3]
	if mail.Text != "(mail=*)" || mail.Attr != "mail" || mail.Op != "" {
		t.Errorf("presence: %+v", mail)
	}
	if or.Op != FilterOpOr || len(or.Clauses) != 2 || or.Clauses[0].Attr != "employeeType" || or.Clauses[1].Attr != "ou" {
		t.Errorf("or: %+v", or)
	}
	if not.Op != FilterOpNot || len(not.Clauses) != 1 || not.Clauses[0].Attr != "cn" || not.Clauses[0].Text != "(cn~=john)" {
		t.Errorf("not: %+v", not)
	}
	if ext.Attr != "memberOf" || !strings.Contains(ext.Text, "1.2.840.113556.1.4.1941") {
		t.Errorf("extensible: %+v", ext)
	}
	if _, err := ParseFilterTree("(mail=*"); err == nil || !strings.Contains(err.Error(), "not a valid LDAP filter") {
		t.Errorf("bad filter: %v", err)
	}
}

// FuzzParseFilterTree: any text either fails with an error or comes apart
// into clauses whose texts compile again.
func FuzzParseFilterTree(f *testing.F) {
	for _, s := range []string{"(mail=*)", "&(a=b)(!(c=d))", "(|(a=*x*)(b>=3))", "(a:dn:2.5.13.5:=x)", "((", "(a=\\28)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseFilterTree(s)
		if err != nil {
			return
		}
		// The clauses' texts are built from their own (filterNode), as
		// go-ldap decompiles the whole.
		_, p, err := compileFilterText(s)
		if err != nil {
			t.Fatalf("%q came apart but does not compile: %v", s, err)
		}
		if whole, err := goldap.DecompileFilter(p); err != nil || whole != n.Text {
			t.Fatalf("text of %q: %q, go-ldap decompiles %q (%v)", s, n.Text, whole, err)
		}
		var walk func(FilterNode)
		walk = func(n FilterNode) {
			if _, err := ParseFilterTree(n.Text); err != nil {
				t.Fatalf("clause %q of %q does not compile: %v", n.Text, s, err)
			}
			for _, c := range n.Clauses {
				walk(c)
			}
		}
		walk(n)
	})
}

// BenchmarkParseFilterTreeNested takes apart 60 nested ors over 2,000
// clauses (10 KB): each clause's text is written once, not decompiled
// again inside every clause around it.
func BenchmarkParseFilterTreeNested(b *testing.B) {
	f := strings.Repeat("(|", 60) + strings.Repeat("(a=b)", 2000) + strings.Repeat(")", 60)
	for b.Loop() {
		if _, err := ParseFilterTree(f); err != nil {
			b.Fatal(err)
		}
	}
}
