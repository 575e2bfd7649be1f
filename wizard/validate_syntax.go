package wizard

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// Syntax checks shared by the validation rules. Each returns "" when the
// value is fine, or the sentence to show (without the setting name).

var (
	descriptorRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
	numericOIDRE = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$`)
	hostnameRE   = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$`)
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
	return fmt.Sprintf("%q is not a valid %s name: it must start with a letter and hold only letters, digits and hyphens (RFC 4512), or be a numeric OID.%s", n, kind, hint)
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
		return fmt.Sprintf("%q is not a valid DN (%s).%s", v, err, hint)
	}
	for _, rdn := range dn.RDNs {
		for _, a := range rdn.Attributes {
			if !validName(a.Type) {
				return fmt.Sprintf("%q is not a valid DN: %q is not an attribute name.", v, a.Type)
			}
			if a.Value == "" {
				return fmt.Sprintf("%q is not a valid DN: %s= has no value.", v, a.Type)
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
	checked, wrapped := f, false
	if !strings.HasPrefix(f, "(") {
		checked, wrapped = "("+f+")", true
	}
	_, err := goldap.CompileFilter(checked)
	if err == nil {
		return ""
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "ldap: "); i >= 0 {
		msg = msg[i+len("ldap: "):]
	}
	how := ""
	if wrapped {
		how = fmt.Sprintf(", checked with parentheses added as %q", checked)
	}
	hint := " Write it like (mail=*) or (&(objectClass=person)(!(uid=guest)))."
	if strings.HasPrefix(f, "(") && strings.Contains(msg, "extra at end") {
		hint = " To require several conditions, wrap them in (&...), e.g. (&(a=1)(b=2))."
	}
	return fmt.Sprintf("%q is not a valid LDAP filter (%s%s).%s", f, msg, how, hint)
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
		return fmt.Sprintf("%q is not a duration; write a number with a unit like %q (units: ms, s, m, h).%s", v, example, hint)
	}
	if d <= 0 {
		return fmt.Sprintf("%q must be longer than zero, e.g. %q.", v, example)
	}
	return ""
}

// ldapURL is a parsed connection.url.
type ldapURL struct {
	scheme string // "ldap" or "ldaps"
	host   string // without brackets
	port   int    // explicit port, or the scheme's default
}

// parseLDAPURL checks connection.url. The URL itself is never quoted back,
// since a user might have put a password into it.
func parseLDAPURL(raw string) (ldapURL, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ldapURL{}, "is empty; enter the directory's address, e.g. ldaps://ldap.example.com or ldap://ldap.example.com."
	}
	if strings.ContainsAny(raw, " \t") {
		return ldapURL{}, "contains spaces; write only the address, e.g. ldaps://ldap.example.com:636."
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ldapURL{}, "has no scheme; write ldap://HOST (port 389) or ldaps://HOST (port 636)."
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "ldap", "ldaps":
	case "ldapi":
		return ldapURL{}, "uses ldapi:// (a Unix socket), which is not supported; use ldap://HOST or ldaps://HOST."
	default:
		return ldapURL{}, fmt.Sprintf("scheme %q is not supported; use ldap:// (port 389, optionally with StartTLS) or ldaps:// (port 636).", scheme)
	}
	hostport, _, _ := strings.Cut(rest, "/")
	hostport, _, _ = strings.Cut(hostport, "?")
	if strings.Contains(hostport, "@") {
		return ldapURL{}, "holds a user name (before @); remove it and set connection.bind_dn instead."
	}
	if !strings.HasPrefix(hostport, "[") && strings.Count(hostport, ":") > 1 {
		return ldapURL{}, "looks like it holds an IPv6 address without brackets; write it as ldap://[2001:db8::1]:389."
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil && strings.Contains(err.Error(), "invalid port") {
		return ldapURL{}, "has a port that is not a number from 1 to 65535; write e.g. ldaps://ldap.example.com:636."
	}
	if err != nil {
		return ldapURL{}, "is not a valid URL; write ldap://HOST[:PORT] or ldaps://HOST[:PORT], with IPv6 addresses in brackets."
	}
	if u.Path != "" && u.Path != "/" {
		return ldapURL{}, "has a path after the host; remove it (search bases go in users.search_base and groups.search_base)."
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return ldapURL{}, "has a query (?...) or fragment (#...); remove it: write only ldap://HOST[:PORT] or ldaps://HOST[:PORT]."
	}
	out := ldapURL{scheme: scheme, host: u.Hostname(), port: 389}
	if scheme == "ldaps" {
		out.port = 636
	}
	if out.host == "" {
		return ldapURL{}, "has no host name; write e.g. ldaps://ldap.example.com."
	}
	if strings.HasPrefix(u.Host, "[") {
		if ip := net.ParseIP(out.host); ip == nil || ip.To4() != nil && !strings.Contains(out.host, ":") {
			return ldapURL{}, fmt.Sprintf("%q in brackets is not an IPv6 address.", out.host)
		}
	} else if net.ParseIP(out.host) == nil && !hostnameRE.MatchString(out.host) {
		return ldapURL{}, fmt.Sprintf("host %q is not a valid host name or IP address.", out.host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return ldapURL{}, fmt.Sprintf("port %q is not a number from 1 to 65535.", p)
		}
		out.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return ldapURL{}, "ends with a colon but no port; add the port or remove the colon."
	}
	return out, ""
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
