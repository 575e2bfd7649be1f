package ldap

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	goldap "github.com/go-ldap/ldap/v3"
)

// DN is a parsed distinguished name (RFC 4514). RDNs run from the entry
// itself up to the root: "cn=a,ou=b,dc=c" has RDNs [cn=a] [ou=b] [dc=c].
// The empty DN (the root DSE) has no RDNs.
type DN struct {
	RDNs []RDN
}

// RDN is one relative distinguished name: usually a single attribute value
// assertion, several for multi-valued RDNs ("cn=a+uid=b").
type RDN []AVA

// AVA is one attribute type and value of an RDN, unescaped: the value of
// `cn=Doe\, John` is "Doe, John".
type AVA struct {
	Type  string
	Value string
}

// ParseDN parses a DN per RFC 4514: escaped commas and other specials, hex
// escapes (\C3\A9), spaces around '=' and ',', and '#'-hex BER values. It is
// built on go-ldap's parser; DNs are never split on commas by hand.
func ParseDN(s string) (DN, error) {
	parsed, err := goldap.ParseDN(s)
	if err != nil {
		return DN{}, fmt.Errorf("%s is not a valid DN (RFC 4514): %v; write it as attr=value pairs separated by commas, escaping commas inside values as \\,", quoteDN(s), err)
	}
	dn := DN{RDNs: make([]RDN, 0, len(parsed.RDNs))}
	for _, r := range parsed.RDNs {
		rdn := make(RDN, 0, len(r.Attributes))
		for _, a := range r.Attributes {
			t := strings.TrimSpace(a.Type)
			if t == "" {
				return DN{}, fmt.Errorf("%s is not a valid DN (RFC 4514): an RDN has no attribute type", quoteDN(s))
			}
			if !validAttrType(t) {
				return DN{}, fmt.Errorf("%s is not a valid DN (RFC 4514): %s is not an attribute type (a name of letters, digits and hyphens starting with a letter, or a numeric OID)", quoteDN(s), quoteDN(t))
			}
			rdn = append(rdn, AVA{Type: t, Value: a.Value})
		}
		dn.RDNs = append(dn.RDNs, rdn)
	}
	return dn, nil
}

// String renders the DN per RFC 4514, keeping the attribute types and values
// as they were written but with canonical escaping and no extra spaces.
func (d DN) String() string {
	parts := make([]string, len(d.RDNs))
	for i, r := range d.RDNs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// IsRoot reports whether d is the empty DN.
func (d DN) IsRoot() bool { return len(d.RDNs) == 0 }

// Parent returns the DN without its first RDN; the parent of a one-RDN DN
// is the root (empty) DN.
func (d DN) Parent() DN {
	if len(d.RDNs) == 0 {
		return d
	}
	return DN{RDNs: d.RDNs[1:]}
}

// Equal reports whether d and o name the same entry (see DNEqual).
func (d DN) Equal(o DN) bool {
	if len(d.RDNs) != len(o.RDNs) {
		return false
	}
	for i := range d.RDNs {
		if d.RDNs[i].normalized() != o.RDNs[i].normalized() {
			return false
		}
	}
	return true
}

// IsDescendantOf reports whether d lies strictly below base.
func (d DN) IsDescendantOf(base DN) bool {
	if len(d.RDNs) <= len(base.RDNs) {
		return false
	}
	return DN{RDNs: d.RDNs[len(d.RDNs)-len(base.RDNs):]}.Equal(base)
}

// Normalized renders the DN in a canonical form for use as a map key:
// attribute types lower-case with well-known aliases and OIDs mapped to their
// short names (commonName, 2.5.4.3 -> cn), values of case-insensitive
// attributes folded to lower case with insignificant spaces removed, and the
// values of multi-valued RDNs sorted.
func (d DN) Normalized() string {
	parts := make([]string, len(d.RDNs))
	for i, r := range d.RDNs {
		parts[i] = r.normalized()
	}
	return strings.Join(parts, ",")
}

// String renders the RDN per RFC 4514.
func (r RDN) String() string {
	parts := make([]string, len(r))
	for i, a := range r {
		parts[i] = a.Type + "=" + EscapeDNValue(a.Value)
	}
	return strings.Join(parts, "+")
}

func (r RDN) normalized() string {
	parts := make([]string, len(r))
	for i, a := range r {
		t := canonicalAttrType(a.Type)
		parts[i] = t + "=" + EscapeDNValue(normalizeDNValue(t, a.Value))
	}
	sort.Strings(parts)
	return strings.Join(parts, "+")
}

// dnTypeAliases maps lower-case long names and OIDs of the attribute types
// that appear in DNs to their short names (RFC 4519).
var dnTypeAliases = map[string]string{
	"commonname": "cn", "2.5.4.3": "cn",
	"surname": "sn", "2.5.4.4": "sn",
	"countryname": "c", "2.5.4.6": "c",
	"localityname": "l", "2.5.4.7": "l",
	"stateorprovincename": "st", "2.5.4.8": "st",
	"streetaddress": "street", "2.5.4.9": "street",
	"organizationname": "o", "2.5.4.10": "o",
	"organizationalunitname": "ou", "2.5.4.11": "ou",
	"givenname": "givenname", "2.5.4.42": "givenname",
	"domaincomponent": "dc", "0.9.2342.19200300.100.1.25": "dc",
	"userid": "uid", "0.9.2342.19200300.100.1.1": "uid",
	"rfc822mailbox": "mail", "0.9.2342.19200300.100.1.3": "mail",
}

// caseIgnoreDNTypes are the attribute types (canonical form) whose values
// compare case-insensitively and with insignificant spaces (caseIgnoreMatch,
// caseIgnoreIA5Match): the ones naming entries in practice.
var caseIgnoreDNTypes = map[string]bool{
	"cn": true, "sn": true, "c": true, "l": true, "st": true, "street": true,
	"o": true, "ou": true, "dc": true, "uid": true, "mail": true, "givenname": true,
	"name": true, "displayname": true, "samaccountname": true, "userprincipalname": true,
	"description": true, "title": true, "employeenumber": true, "entryuuid": true,
	"nsuniqueid": true, "gidnumber": true, "uidnumber": true,
}

func canonicalAttrType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if t2, ok := dnTypeAliases[t]; ok {
		return t2
	}
	return t
}

// normalizeDNValue applies the RFC 4518 preparation of caseIgnoreMatch to
// values of case-insensitive types: lower case, leading and trailing spaces
// removed, inner runs of spaces collapsed to one.
func normalizeDNValue(canonicalType, v string) string {
	if !caseIgnoreDNTypes[canonicalType] {
		return v
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(v), unicode.IsSpace), " ")
}

// EscapeDNValue escapes an attribute value for use in a DN string (RFC 4514
// section 2.4): the characters " + , ; < > \ anywhere, '#' and space at the
// start, space at the end; NUL, other control characters and bytes that are
// not valid UTF-8 as two hex digits (\80). Valid non-ASCII UTF-8 is kept as
// it is. The result always parses back to the same value.
func EscapeDNValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if ch >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(v[i:])
			if r == utf8.RuneError && size <= 1 {
				fmt.Fprintf(&b, `\%02x`, ch)
				continue
			}
			b.WriteString(v[i : i+size])
			i += size - 1
			continue
		}
		switch {
		case ch < 0x20 || ch == 0x7f:
			fmt.Fprintf(&b, `\%02x`, ch)
		case ch == '"' || ch == '+' || ch == ',' || ch == ';' || ch == '<' || ch == '>' || ch == '\\':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case i == 0 && (ch == ' ' || ch == '#'):
			b.WriteByte('\\')
			b.WriteByte(ch)
		case i == len(v)-1 && ch == ' ':
			b.WriteString(`\ `)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// DNEqual reports whether a and b name the same entry per RFC 4517
// distinguishedNameMatch: attribute types compare case-insensitively (and
// aliases like commonName/cn and OIDs match), values of the common string
// attributes compare case-insensitively with insignificant spaces ignored,
// escapes (\, and \2C) are decoded before comparing, and the order of the
// parts of a multi-valued RDN does not matter. A DN that does not parse is
// equal only to the identical string.
func DNEqual(a, b string) bool {
	if a == b {
		return true
	}
	da, err := ParseDN(a)
	if err != nil {
		return false
	}
	db, err := ParseDN(b)
	if err != nil {
		return false
	}
	return da.Equal(db)
}

// IsDescendant reports whether dn lies strictly below base (at any depth).
// Every non-empty DN is below the root (""). Unparseable DNs are never
// descendants.
func IsDescendant(dn, base string) bool {
	d, err := ParseDN(dn)
	if err != nil {
		return false
	}
	b, err := ParseDN(base)
	if err != nil {
		return false
	}
	return d.IsDescendantOf(b)
}

// InSubtree reports whether dn is base itself or lies below it: the entries a
// subtree search from base can return.
func InSubtree(dn, base string) bool {
	return DNEqual(dn, base) || IsDescendant(dn, base)
}

// BuildDN builds the DN of an entry named rdnAttr=rdnValue below parent,
// escaping the value per RFC 4514 (a comma in "Doe, John" becomes "\,").
// An empty parent builds a top-level DN.
func BuildDN(rdnAttr, rdnValue, parent string) string {
	rdn := strings.TrimSpace(rdnAttr) + "=" + EscapeDNValue(rdnValue)
	parent = strings.TrimSpace(parent)
	if parent == "" {
		return rdn
	}
	return rdn + "," + parent
}

// NormalizeDN returns the canonical form of dn (see DN.Normalized): two DNs
// that DNEqual each other normalize to the same string.
func NormalizeDN(dn string) (string, error) {
	if n, ok := normalizeSimpleDN(dn); ok {
		return n, nil
	}
	d, err := ParseDN(dn)
	if err != nil {
		return "", err
	}
	return d.Normalized(), nil
}

// EscapeFilter escapes a value for use inside an LDAP search filter
// (RFC 4515): *, (, ), \ and NUL become \2a, \28, \29, \5c and \00.
func EscapeFilter(value string) string { return goldap.EscapeFilter(value) }

// validAttrType reports whether t is an RFC 4512 attribute type as a DN may
// name it: a descriptor (a letter, then letters, digits and hyphens) or a
// numeric OID.
func validAttrType(t string) bool {
	if t == "" {
		return false
	}
	if t[0] >= '0' && t[0] <= '9' {
		for _, part := range strings.Split(t, ".") {
			if part == "" || (len(part) > 1 && part[0] == '0') || strings.Trim(part, "0123456789") != "" {
				return false
			}
		}
		return strings.Contains(t, ".")
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-')) {
			return false
		}
	}
	return true
}

// quoteDN quotes a DN for an error message, cut after 200 characters.
func quoteDN(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q… (%d bytes)", s[:200], len(s))
	}
	return fmt.Sprintf("%q", s)
}
