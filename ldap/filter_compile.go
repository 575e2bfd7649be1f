package ldap

import (
	"fmt"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// MaxFilterNesting is how deeply a filter's and (&), or (|) and not (!)
// operators may nest. go-ldap's CompileFilter copies each nested clause
// into every clause around it, so its time grows with the square of the
// nesting: a filter of thousands of nested nots took CI's fuzzing past its
// limit (testdata/fuzz/FuzzParseFilterTree). Filters people write nest a
// few levels.
const MaxFilterNesting = 64

// CompileFilter compiles an RFC 4515 filter, written with its outer
// parentheses, as goldap.CompileFilter does, but refuses one whose
// operators nest deeper than MaxFilterNesting before compiling it. Every
// filter ldapwiz compiles goes through here.
func CompileFilter(filter string) (*ber.Packet, error) {
	if n := filterNesting(filter); n > MaxFilterNesting {
		return nil, fmt.Errorf("ldap: its &, | and ! operators nest %d deep; ldapwiz takes filters nested up to %d deep", n, MaxFilterNesting)
	}
	return goldap.CompileFilter(filter)
}

// filterNesting returns how deeply the and, or and not operators of
// filter nest, as go-ldap's parser nests them: an operator is the first
// character after a "(", or after a "!" (go-ldap reads "(!!a=b)" as two
// nots). Parentheses inside values are written \28 and \29, so every
// "(" and ")" is structure; an unbalanced ")" is go-ldap's to refuse.
func filterNesting(filter string) int {
	var open []int // the operators around each open parenthesis
	ops, deepest := 0, 0
	operator := true // go-ldap reads a filter at the start
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		switch {
		case c == '(':
			open = append(open, ops)
			operator = true
		case c == ')':
			if n := len(open); n > 0 {
				ops, open = open[n-1], open[:n-1]
			}
			operator = false
		case operator && (c == '&' || c == '|' || c == '!'):
			ops++
			deepest = max(deepest, ops)
			operator = c == '!'
		default:
			operator = false
		}
	}
	return deepest
}
