package wizard

import (
	"strings"
	"testing"
)

// A filter's unbalanced parentheses are located: the ) that closes
// nothing, or the ( left open, by position.
func TestFilterProblemLocatesParentheses(t *testing.T) {
	for _, c := range []struct{ filter, want string }{
		{"(cn=a", "The ( at position 1 is never closed: add a ) at the end"},
		{"(&(cn=a)(|(x=1)(y=2))", "The ( at position 1 is never closed"},
		{"((cn=a)", "The ( at position 1 is never closed"},
		{"(&(cn=a)(|(x=1)", "2 parentheses are never closed (the last opened at position 9): add )) at the end"},
		{"(cn=a))", "The ) at position 7 closes nothing: remove it"},
		{"cn=a)(", "The ) at position 5 closes nothing"},
		{"(cn=Zoë))", "The ) at position 9 closes nothing"},
		{"(cn=a)(cn=b)", "wrap them in (&...)"},
	} {
		if got := filterProblem(c.filter); !strings.Contains(got, c.want) {
			t.Errorf("filterProblem(%q) = %q, want it to say %q", c.filter, got, c.want)
		}
	}
}

// FuzzFilterProblem: any text gets an answer without panicking, and a
// filter that compiles gets none.
func FuzzFilterProblem(f *testing.F) {
	for _, s := range []string{"(cn=a", "(cn=a))", "mail=*", "(&(a=1)(b=2))", "(cn=\\28x\\29)", ")(", "((("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = filterProblem(s)
		_ = parenProblem(s)
	})
}

// A filter nested deeper than ldapwiz takes says so, naming the depth.
func TestFilterProblemNamesDeepNesting(t *testing.T) {
	f := strings.Repeat("(!", 65) + "(mail=*)" + strings.Repeat(")", 65)
	got := filterProblem(f)
	if want := "its &, | and ! operators nest 65 deep; ldapwiz takes filters nested up to 64 deep"; !strings.Contains(got, want) {
		t.Errorf("filterProblem of a filter nested 65 deep = %q, want it to say %q", got, want)
	}
	if got := filterProblem(strings.Repeat("(!", 64) + "(mail=*)" + strings.Repeat(")", 64)); got != "" {
		t.Errorf("filterProblem of a filter nested 64 deep = %q, want none", got)
	}
}
