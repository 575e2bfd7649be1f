package ldap

import (
	"strings"
	"testing"
)

func TestFilterNesting(t *testing.T) {
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"(mail=*)", 0},
		{"(((mail=*)))", 0}, // parentheses alone nest no clause
		{"(&(a=b)(c=d))", 1},
		{"(&(a=b)(!(c=d)))", 2},
		{"(&(|(a=b)(c=d))(!(e=f)))", 2},
		{"(!!!a=b)", 3}, // go-ldap reads each ! as a not of what follows
		{"(&(a=b!)(c=!d)(!e=f))", 2},
		{"(a=\\28\\29)", 0},
		{"(&(a=b))(|(c=d))", 1},
		{"", 0},
	} {
		if got := filterNesting(c.filter); got != c.want {
			t.Errorf("filterNesting(%q) = %d, want %d", c.filter, got, c.want)
		}
	}
}

// A filter nested deeper than MaxFilterNesting is refused before go-ldap
// compiles it (which takes seconds at 20,000 levels); one as deep as that
// compiles, and its tree comes apart.
func TestCompileFilterRefusesDeepNesting(t *testing.T) {
	nested := func(n int) string {
		return strings.Repeat("(!", n) + "(mail=*)" + strings.Repeat(")", n)
	}
	if _, err := CompileFilter(nested(MaxFilterNesting)); err != nil {
		t.Fatalf("a filter nested %d deep: %v", MaxFilterNesting, err)
	}
	if n, err := ParseFilterTree(nested(MaxFilterNesting)); err != nil || n.Op != FilterOpNot {
		t.Fatalf("ParseFilterTree of a filter nested %d deep: %+v, %v", MaxFilterNesting, n.Op, err)
	}
	for _, f := range []string{nested(MaxFilterNesting + 1), nested(20000), strings.Repeat("!", 20000) + "=x"} {
		_, err := CompileFilter(f)
		if err == nil || !strings.Contains(err.Error(), "nest") || !strings.Contains(err.Error(), "up to 64 deep") {
			t.Errorf("CompileFilter of a filter of %d bytes nested too deep: %v", len(f), err)
		}
		if _, err := ParseFilterTree(f); err == nil {
			t.Errorf("ParseFilterTree took a filter of %d bytes nested too deep", len(f))
		}
		if _, err := ScopeFilter("person", f); err == nil {
			t.Errorf("ScopeFilter took a filter of %d bytes nested too deep", len(f))
		}
	}
}
