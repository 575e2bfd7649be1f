package demodir

import (
	"sort"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// parseDN parses an RFC 4514 DN; the empty string is the root (no RDNs).
func parseDN(s string) (*goldap.DN, error) {
	if strings.TrimSpace(s) == "" {
		return &goldap.DN{}, nil
	}
	return goldap.ParseDN(s)
}

// formatDN writes dn in RFC 4514 form, escaping only what must be escaped
// and keeping UTF-8 as is (the way OpenLDAP returns DNs).
func formatDN(dn *goldap.DN) string {
	parts := make([]string, len(dn.RDNs))
	for i, rdn := range dn.RDNs {
		parts[i] = formatRDN(rdn)
	}
	return strings.Join(parts, ",")
}

func formatRDN(rdn *goldap.RelativeDN) string {
	avas := make([]string, len(rdn.Attributes))
	for i, a := range rdn.Attributes {
		avas[i] = a.Type + "=" + escapeDNValue(a.Value)
	}
	return strings.Join(avas, "+")
}

// escapeDNValue escapes an attribute value for use in a DN string (RFC 4514
// section 2.4).
func escapeDNValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case strings.IndexByte(",+\"\\<>;=", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == 0:
			b.WriteString(`\00`)
		case (c == ' ' || c == '#') && i == 0, c == ' ' && i == len(v)-1:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// dnKey is the normalized form of a DN used as the map key of the tree:
// attribute types and values folded to lower case, white space collapsed,
// multi-valued RDNs sorted. Two DNs are the same entry when their keys are equal.
func dnKey(dn *goldap.DN) string {
	parts := make([]string, len(dn.RDNs))
	for i, rdn := range dn.RDNs {
		avas := make([]string, len(rdn.Attributes))
		for j, a := range rdn.Attributes {
			avas[j] = strings.ToLower(a.Type) + "=" + escapeDNValue(strings.ToLower(collapseSpaces(a.Value)))
		}
		sort.Strings(avas)
		parts[i] = strings.Join(avas, "+")
	}
	return strings.Join(parts, ",")
}

// parentOf returns the DN one level up; the parent of a one-RDN DN is the root.
func parentOf(dn *goldap.DN) *goldap.DN {
	if len(dn.RDNs) == 0 {
		return dn
	}
	return &goldap.DN{RDNs: dn.RDNs[1:]}
}

// childDN returns the DN made of rdn under parent.
func childDN(rdn *goldap.RelativeDN, parent *goldap.DN) *goldap.DN {
	return &goldap.DN{RDNs: append([]*goldap.RelativeDN{rdn}, parent.RDNs...)}
}

// isUnder reports whether dn is base or below it.
func isUnder(dn, base *goldap.DN) bool {
	return dn.EqualFold(base) || base.AncestorOfFold(dn)
}

// canonicalDN returns dn with attribute types spelled as the schema spells
// them, so stored DNs look the same whatever case the client used.
func (s *schema) canonicalDN(dn *goldap.DN) *goldap.DN {
	out := &goldap.DN{RDNs: make([]*goldap.RelativeDN, len(dn.RDNs))}
	for i, rdn := range dn.RDNs {
		r := &goldap.RelativeDN{Attributes: make([]*goldap.AttributeTypeAndValue, len(rdn.Attributes))}
		for j, a := range rdn.Attributes {
			r.Attributes[j] = &goldap.AttributeTypeAndValue{Type: s.canonical(a.Type), Value: a.Value}
		}
		out.RDNs[i] = r
	}
	return out
}
