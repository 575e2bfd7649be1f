package ldap

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Target is a parsed directory URL.
type Target struct {
	Scheme string // "ldap" or "ldaps"
	Host   string // host name or IP, without brackets
	Port   string // explicit or the scheme's default
}

// Addr returns host:port, with brackets around IPv6 literals.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, t.Port) }

// URLErrorKind says which part of a directory URL is wrong, so that the
// layer above can point at the setting that fixes it.
type URLErrorKind int

// The kinds of URLError.
const (
	URLMalformed URLErrorKind = iota // empty, no scheme, bad host or port, not a URL
	URLScheme                        // a scheme other than ldap or ldaps
	URLUserInfo                      // a user name (and password) before @
	URLPath                          // a path, query or fragment after the host
)

// URLError is a directory URL that cannot be used. Its text never quotes
// the URL itself, which may hold a password.
type URLError struct {
	Kind URLErrorKind
	// Problem completes the sentence "The URL …": "has no scheme; write …".
	Problem string
}

// Error returns "the directory URL " followed by the problem.
func (e *URLError) Error() string { return "the directory URL " + e.Problem }

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$`)

// ParseURL parses an ldap:// or ldaps:// URL, filling in the default port
// (389 or 636). IPv6 literals are written in brackets: ldap://[::1]:389. A
// trailing "/" is allowed; user names, paths, queries and fragments are not.
// Errors are *URLError.
func ParseURL(raw string) (Target, error) {
	bad := func(kind URLErrorKind, format string, args ...any) (Target, error) {
		return Target{}, &URLError{Kind: kind, Problem: fmt.Sprintf(format, args...)}
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return bad(URLMalformed, "is empty; enter the directory's address, e.g. ldaps://ldap.example.com or ldap://ldap.example.com.")
	}
	if strings.ContainsAny(raw, " \t") {
		return bad(URLMalformed, "contains spaces; write only the address, e.g. ldaps://ldap.example.com:636.")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return bad(URLMalformed, "has no scheme; write ldap://HOST (port 389) or ldaps://HOST (port 636).")
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "ldap", "ldaps":
	case "ldapi":
		return bad(URLScheme, "uses ldapi:// (a Unix socket): scheme \"ldapi\" is not supported; use ldap://HOST or ldaps://HOST.")
	default:
		return bad(URLScheme, "scheme %q is not supported; use ldap:// (port 389, optionally with StartTLS) or ldaps:// (port 636).", scheme)
	}
	hostport, _, _ := strings.Cut(rest, "/")
	hostport, _, _ = strings.Cut(hostport, "?")
	if strings.Contains(hostport, "@") {
		return bad(URLUserInfo, "holds a user name (before @); remove it: the bind DN and password are given separately.")
	}
	if !strings.HasPrefix(hostport, "[") && strings.Count(hostport, ":") > 1 {
		return bad(URLMalformed, "looks like it holds an IPv6 address without brackets; write it as ldap://[2001:db8::1]:389.")
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil && strings.Contains(err.Error(), "invalid port") {
		return bad(URLMalformed, "has a port that is not a number from 1 to 65535; write e.g. ldaps://ldap.example.com:636.")
	}
	if err != nil {
		return bad(URLMalformed, "is not a valid URL; write ldap://HOST[:PORT] or ldaps://HOST[:PORT], with IPv6 addresses in brackets.")
	}
	if u.Path != "" && u.Path != "/" {
		return bad(URLPath, "has a path after the host; remove it: search bases are set separately.")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return bad(URLPath, "has a query (?...) or fragment (#...); remove it: write only ldap://HOST[:PORT] or ldaps://HOST[:PORT].")
	}
	t := Target{Scheme: scheme, Host: u.Hostname(), Port: "389"}
	if scheme == "ldaps" {
		t.Port = "636"
	}
	if t.Host == "" {
		return bad(URLMalformed, "has no host name; write e.g. ldaps://ldap.example.com.")
	}
	if strings.HasPrefix(u.Host, "[") {
		if ip := net.ParseIP(t.Host); ip == nil || ip.To4() != nil && !strings.Contains(t.Host, ":") {
			return bad(URLMalformed, "has %q in brackets, which is not an IPv6 address.", t.Host)
		}
	} else if net.ParseIP(t.Host) == nil && !hostnameRE.MatchString(t.Host) {
		return bad(URLMalformed, "has host %q, which is not a valid host name or IP address.", t.Host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad(URLMalformed, "has port %q, which is not a number from 1 to 65535.", p)
		}
		t.Port = p
	} else if strings.HasSuffix(u.Host, ":") {
		return bad(URLMalformed, "ends with a colon but no port; add the port or remove the colon.")
	}
	return t, nil
}
