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
