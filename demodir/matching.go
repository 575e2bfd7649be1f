package demodir

import (
	"math/big"
	"strings"
	"unicode"

	goldap "github.com/go-ldap/ldap/v3"
)

// normalize returns the form of v compared by the attribute's equality rule:
// two values are equal when their normalized forms are.
func (a *attrType) normalize(v string) string {
	return normalizeByRule(a.equality, v)
}

func normalizeByRule(rule, v string) string {
	switch strings.ToLower(rule) {
	case "caseexactmatch", "caseexactia5match":
		return collapseSpaces(v)
	case "octetstringmatch":
		return v
	case "distinguishednamematch":
		if dn, err := goldap.ParseDN(v); err == nil {
			return dnKey(dn)
		}
		return strings.ToLower(strings.TrimSpace(v))
	case "telephonenumbermatch":
		return strings.ToLower(strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return -1
			}
			return r
		}, v))
	case "integermatch":
		if n, ok := new(big.Int).SetString(strings.TrimSpace(v), 10); ok {
			return n.String()
		}
		return strings.TrimSpace(v)
	case "booleanmatch":
		return strings.ToUpper(strings.TrimSpace(v))
	case "":
		// No equality rule: the server cannot compare values (filters on such
		// attributes are undefined); keep the raw value for internal use.
		return v
	default: // caseIgnoreMatch, caseIgnoreIA5Match, objectIdentifierMatch, UUIDMatch, generalizedTimeMatch
		return strings.ToLower(collapseSpaces(v))
	}
}

// collapseSpaces trims v and folds runs of white space into one space, as
// the string matching rules of RFC 4518 do.
func collapseSpaces(v string) string {
	return strings.Join(strings.FieldsFunc(v, unicode.IsSpace), " ")
}

// compareOrdered compares two values for >= and <= filters: numerically for
// integers, as normalized strings otherwise.
func (a *attrType) compareOrdered(x, y string) int {
	if strings.Contains(strings.ToLower(a.equality), "integer") {
		bx, okx := new(big.Int).SetString(strings.TrimSpace(x), 10)
		by, oky := new(big.Int).SetString(strings.TrimSpace(y), 10)
		if okx && oky {
			return bx.Cmp(by)
		}
	}
	return strings.Compare(a.normalize(x), a.normalize(y))
}

// hasOrdering reports whether >= and <= filters can be evaluated.
func (a *attrType) hasOrdering() bool {
	return a.ordering != "" || a.equality != "" && !strings.EqualFold(a.equality, "octetStringMatch")
}

// substrNormalize normalizes a value or a substring assertion piece for
// substring matching.
func (a *attrType) substrNormalize(v string) string {
	rule := strings.ToLower(a.substr)
	switch {
	case strings.HasPrefix(rule, "caseexact"):
		return v
	case strings.HasPrefix(rule, "telephonenumber"):
		return normalizeByRule("telephoneNumberMatch", v)
	default:
		return strings.ToLower(v)
	}
}

// approxKey is the form the Active Directory flavour compares in an
// approximate-match filter (~=): lower case letters and digits only, so
// "Jon Doe" ~= "jon-doe". The OpenLDAP flavour matches as slapd does
// (ApproxMatch).
func approxKey(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, v)
}
