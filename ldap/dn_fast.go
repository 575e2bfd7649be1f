package ldap

import "strings"

// normalizeSimpleDN is NormalizeDN for the common DN whose every RDN is one
// type=value pair of printable ASCII with nothing to escape, quote, join or
// trim (uid=jdoe,ou=People,dc=example,dc=com): it gives what parsing gives,
// without parsing. ok is false for any other DN, which is then parsed.
func normalizeSimpleDN(dn string) (string, bool) {
	normal, ok := simpleDNNormal(dn)
	if !ok {
		return "", false
	}
	if normal {
		return dn, true // its own normal form: no copy (a directory's DNs mostly are)
	}
	var b strings.Builder
	b.Grow(len(dn))
	for rest := dn; ; {
		rdn, more, found := strings.Cut(rest, ",")
		t, v, ok := strings.Cut(rdn, "=")
		if !ok || !simpleDNText(t) || !simpleDNText(v) || !validAttrType(t) {
			return "", false
		}
		ct := canonicalAttrType(t)
		b.WriteString(ct)
		b.WriteByte('=')
		if caseIgnoreDNTypes[ct] {
			for i := 0; i < len(v); i++ {
				c := v[i]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				b.WriteByte(c)
			}
		} else {
			b.WriteString(v)
		}
		if !found {
			return b.String(), true
		}
		b.WriteByte(',')
		rest = more
	}
}

// ReadableDN is dn as String writes it once ParseDN has read it: the
// server's escapes made readable (cn=Doe\, John rather than cn=Doe\2C
// John), or dn itself when it does not parse. A DN normalizeSimpleDN
// takes has nothing to unescape or escape again, and is returned without
// parsing (FuzzReadableDN): parsing was two thirds of building the
// wizard's preview of 100,000 creates.
func ReadableDN(dn string) string {
	if _, ok := simpleDNNormal(dn); ok {
		return dn
	}
	return readableParsedDN(dn)
}

// readableParsedDN is ReadableDN by parsing dn.
func readableParsedDN(dn string) string {
	d, err := ParseDN(dn)
	if err != nil {
		return dn
	}
	return d.String()
}

// simpleDNNormal reports whether dn is a DN normalizeSimpleDN takes (ok)
// and, if so, whether it is already what normalizeSimpleDN would build:
// each type in its canonical form, no upper case in a case-insensitive
// type's value.
func simpleDNNormal(dn string) (normal, ok bool) {
	if dn == "" {
		return false, false
	}
	normal = true
	for rest := dn; ; {
		rdn, more, found := strings.Cut(rest, ",")
		t, v, ok := strings.Cut(rdn, "=")
		if !ok || !simpleDNText(t) || !simpleDNText(v) || !validAttrType(t) {
			return false, false
		}
		ct := canonicalAttrType(t)
		if ct != t || caseIgnoreDNTypes[ct] && strings.IndexFunc(v, isASCIIUpper) >= 0 {
			normal = false
		}
		if !found {
			return normal, true
		}
		rest = more
	}
}

// isASCIIUpper reports whether r is an ASCII upper-case letter.
func isASCIIUpper(r rune) bool { return r >= 'A' && r <= 'Z' }

// simpleDNText reports whether s is non-empty printable ASCII without a
// space or any character RFC 4514 escapes, quotes or splits on.
func simpleDNText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ' || c >= 0x7f:
			return false
		case c == '\\' || c == '"' || c == '+' || c == ';' || c == '<' || c == '>' || c == '#' || c == ',' || c == '=':
			return false
		}
	}
	return true
}
