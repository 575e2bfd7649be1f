package wizard

import (
	"errors"
	"fmt"
	"ldapwiz/ldap"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	goldap "github.com/go-ldap/ldap/v3"
)

// Syntax checks shared by the validation rules. Each returns "" when the
// value is fine, or the sentence to show (without the setting name).

var (
	descriptorRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
	numericOIDRE = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$`)
)

// validName reports whether n is an RFC 4512 descriptor or numeric OID.
func validName(n string) bool {
	return descriptorRE.MatchString(n) || numericOIDRE.MatchString(n)
}

// nameProblem checks an attribute or object class name.
func nameProblem(kind, n string) string {
	if validName(n) {
		return ""
	}
	hint := ""
	switch {
	case strings.TrimSpace(n) != n:
		hint = " Remove the spaces around it."
	case strings.ContainsAny(n, " \t"):
		hint = " Names contain no spaces."
	case strings.Contains(n, "_"):
		hint = " Underscores are not allowed; LDAP names use hyphens or camelCase."
	case strings.Contains(n, ";"):
		hint = " Leave out attribute options such as ;binary or ;range=."
	case n != "" && n[0] >= '0' && n[0] <= '9':
		hint = " A name starting with a digit must be a numeric OID like 2.5.4.3."
	}
	return fmt.Sprintf("%s is not a valid %s name: it must start with a letter and hold only letters, digits and hyphens (RFC 4512), or be a numeric OID.%s", Echo(n), kind, hint)
}

// dnProblem checks that v parses as a DN per RFC 4514.
func dnProblem(v string) string {
	dn, err := goldap.ParseDN(v)
	if err != nil {
		hint := ""
		switch {
		case !strings.Contains(v, "="):
			hint = " A DN is a list of attribute=value pairs, e.g. ou=people,dc=example,dc=com."
		case strings.HasSuffix(strings.TrimSpace(v), ","), strings.Contains(v, ",,"):
			hint = " Remove the empty part between commas."
		case strings.Contains(v, `\`):
			hint = ` Escape special characters as \, \+ \" \\ \< \> \; or as two hex digits like \2C.`
		default:
			hint = ` Escape a comma inside a value as \, (e.g. cn=Doe\, John).`
		}
		return fmt.Sprintf("%s is not a valid DN (%s).%s", Echo(v), err, hint)
	}
	for _, rdn := range dn.RDNs {
		for _, a := range rdn.Attributes {
			if !validName(a.Type) {
				return fmt.Sprintf("%s is not a valid DN: %s is not an attribute name.", Echo(v), Echo(a.Type))
			}
			if a.Value == "" {
				return fmt.Sprintf("%s is not a valid DN: %s= has no value.", Echo(v), a.Type)
			}
		}
	}
	return ""
}

var (
	upnRE       = regexp.MustCompile(`^[^@\s=,\\]+@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
	downLevelRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+\\[^\\=,@]+$`)
)

// isADBindName reports whether v is an Active Directory logon name:
// user@domain (UPN) or DOMAIN\user.
func isADBindName(v string) bool {
	return upnRE.MatchString(v) || downLevelRE.MatchString(v)
}

// filterProblem checks an LDAP filter, accepting it without its outer
// parentheses too.
func filterProblem(f string) string {
	f = strings.TrimSpace(f)
	checked, wrapped := ldap.FilterInParens(f)
	_, err := ldap.CompileFilter(checked)
	if err == nil {
		return ""
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "ldap: "); i >= 0 {
		msg = msg[i+len("ldap: "):]
	}
	how := ""
	if wrapped {
		how = ", checked with parentheses added as " + Echo(checked)
	}
	hint := " Write it like (mail=*) or (&(objectClass=person)(!(uid=guest)))."
	if p := parenProblem(f); p != "" {
		hint = " " + p
	} else if strings.HasPrefix(f, "(") && strings.Contains(msg, "extra at end") {
		hint = " To require several conditions, wrap them in (&...), e.g. (&(a=1)(b=2))."
	}
	return fmt.Sprintf("%s is not a valid LDAP filter (%s%s).%s", Echo(f), msg, how, hint)
}

// parenProblem finds unbalanced parentheses in a filter and says where (1
// is the first character), or returns "". Parentheses inside values are
// written \28 and \29, so every ( and ) is structure.
func parenProblem(f string) string {
	var open []int // byte offsets of the unclosed (
	for i, r := range f {
		switch r {
		case '(':
			open = append(open, i)
		case ')':
			if len(open) == 0 {
				return fmt.Sprintf("The ) at position %d closes nothing: remove it (write a ) inside a value as \\29).", utf8.RuneCountInString(f[:i])+1)
			}
			open = open[:len(open)-1]
		}
	}
	switch len(open) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("The ( at position %d is never closed: add a ) at the end (write a ( inside a value as \\28).", utf8.RuneCountInString(f[:open[0]])+1)
	}
	return fmt.Sprintf("%d parentheses are never closed (the last opened at position %d): add %s at the end.",
		len(open), utf8.RuneCountInString(f[:open[len(open)-1]])+1, strings.Repeat(")", len(open)))
}

// durationProblem checks a positive Go duration such as "10s".
func durationProblem(v, example string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return fmt.Sprintf("is empty; write a duration like %q (units: ms, s, m, h).", example)
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		hint := ""
		if strings.HasSuffix(v, "d") {
			hint = " Days are not a unit: write 48h for two days."
		} else if _, numErr := strconv.ParseFloat(v, 64); numErr == nil {
			hint = " A unit is required."
		}
		return fmt.Sprintf("%s is not a duration; write a number with a unit like %q (units: ms, s, m, h).%s", Echo(v), example, hint)
	}
	if d <= 0 {
		return fmt.Sprintf("%s must be longer than zero, e.g. %q.", Echo(v), example)
	}
	return ""
}

// parseConnectionURL checks connection.url with the one directory URL parser
// (ldap.ParseURL) and words its problem for the settings: the sentence that
// follows "The URL", naming the setting that fixes it. The URL itself is
// never quoted back, since a user might have put a password into it.
func parseConnectionURL(raw string) (ldap.Target, string) {
	t, err := ldap.ParseURL(raw)
	if err == nil {
		return t, ""
	}
	var ue *ldap.URLError
	if !errors.As(err, &ue) {
		return ldap.Target{}, "cannot be used."
	}
	switch ue.Kind {
	case ldap.URLUserInfo:
		return ldap.Target{}, ue.Problem + " Set connection.bind_dn instead."
	case ldap.URLPath:
		return ldap.Target{}, ue.Problem + " (Search bases go in users.search_base and groups.search_base.)"
	}
	return ldap.Target{}, ue.Problem
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
