package ldap

import (
	"fmt"
	"strconv"
	"strings"
)

// schemaToken is one token of an RFC 4512 description.
type schemaToken struct {
	text   string
	quoted bool // a 'quoted string'
}

// tokenizeSchema splits an RFC 4512 description into tokens: "(", ")", "$",
// quoted strings (with \27 and \5C escapes decoded, and \' tolerated) and
// bare words. Unterminated quotes are an error.
func tokenizeSchema(s string) ([]schemaToken, error) {
	var toks []schemaToken
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '(' || ch == ')' || ch == '$':
			toks = append(toks, schemaToken{text: string(ch)})
			i++
		case ch == '\'':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				c := s[j]
				if c == '\\' && j+2 < len(s) && isHex(s[j+1]) && isHex(s[j+2]) {
					v, _ := strconv.ParseUint(s[j+1:j+3], 16, 8)
					b.WriteByte(byte(v))
					j += 3
					continue
				}
				if c == '\\' && j+1 < len(s) && s[j+1] == '\'' {
					b.WriteByte('\'')
					j += 2
					continue
				}
				if c == '\'' {
					closed = true
					j++
					break
				}
				b.WriteByte(c)
				j++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated quoted string at offset %d", i)
			}
			toks = append(toks, schemaToken{text: b.String(), quoted: true})
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()$'", rune(s[j])) {
				j++
			}
			toks = append(toks, schemaToken{text: s[i:j]})
			i = j
		}
	}
	return toks, nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// schemaDesc is a parsed description: the OID and each keyword's values.
type schemaDesc struct {
	oid    string
	fields map[string][]string // upper-case keyword -> values (empty for flags)
	order  []string
}

// parseSchemaDesc parses "( oid KEYWORD value ... )". Values are a quoted
// string, a bare word, or a parenthesised list separated by spaces or "$".
// Flags (SINGLE-VALUE, STRUCTURAL...) and unknown keywords take no bare-word
// value; the known keywords always take the next token.
func parseSchemaDesc(def string) (*schemaDesc, error) {
	toks, err := tokenizeSchema(def)
	if err != nil {
		return nil, err
	}
	if len(toks) < 2 || toks[0].text != "(" || toks[0].quoted {
		return nil, fmt.Errorf("does not start with '('")
	}
	d := &schemaDesc{fields: map[string][]string{}}
	i := 1
	d.oid = toks[i].text
	if toks[i].text == ")" && !toks[i].quoted {
		return nil, fmt.Errorf("has no OID")
	}
	i++
	closed := false
	for i < len(toks) {
		t := toks[i]
		if !t.quoted && t.text == ")" {
			closed = true
			break
		}
		if t.quoted || t.text == "(" || t.text == "$" {
			return nil, fmt.Errorf("unexpected %q where a keyword was expected", t.text)
		}
		kw := strings.ToUpper(t.text)
		i++
		var values []string
		if i < len(toks) {
			n := toks[i]
			switch {
			case !n.quoted && n.text == "(":
				i++
				for i < len(toks) && (toks[i].quoted || toks[i].text != ")") {
					if toks[i].quoted || toks[i].text != "$" {
						values = append(values, toks[i].text)
					}
					i++
				}
				if i >= len(toks) {
					return nil, fmt.Errorf("unterminated list after %s", kw)
				}
				i++ // the ")"
			case n.quoted:
				values = append(values, n.text)
				i++
			case n.text == ")":
			case takesValue(kw):
				values = append(values, n.text)
				i++
			}
		}
		if _, dup := d.fields[kw]; !dup {
			d.order = append(d.order, kw)
		}
		d.fields[kw] = append(d.fields[kw], values...)
	}
	if !closed {
		return nil, fmt.Errorf("missing closing ')'")
	}
	return d, nil
}

// takesValue reports whether an RFC 4512 keyword is followed by a value.
// Unknown keywords take one when it is quoted or a list (handled by the
// caller) and none otherwise.
func takesValue(kw string) bool {
	switch kw {
	case "NAME", "DESC", "SUP", "MUST", "MAY", "EQUALITY", "ORDERING", "SUBSTR", "SYNTAX", "USAGE", "APPLIES", "AUX", "NOT", "FORM", "OC":
		return true
	}
	return false
}

func (d *schemaDesc) one(kw string) string {
	if v := d.fields[kw]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (d *schemaDesc) has(kw string) bool {
	_, ok := d.fields[kw]
	return ok
}

func (d *schemaDesc) extensions() map[string][]string {
	var ext map[string][]string
	for _, kw := range d.order {
		if strings.HasPrefix(kw, "X-") {
			if ext == nil {
				ext = map[string][]string{}
			}
			ext[kw] = d.fields[kw]
		}
	}
	return ext
}

// ParseObjectClass parses an RFC 4512 ObjectClassDescription.
func ParseObjectClass(def string) (*ObjectClass, error) {
	d, err := parseSchemaDesc(def)
	if err != nil {
		return nil, fmt.Errorf("object class %s: %v", abbreviate(def), err)
	}
	oc := &ObjectClass{
		OID: d.oid, Names: d.fields["NAME"], Desc: d.one("DESC"), Obsolete: d.has("OBSOLETE"),
		Superiors: d.fields["SUP"], Must: d.fields["MUST"], May: d.fields["MAY"], Extensions: d.extensions(),
	}
	switch {
	case d.has("AUXILIARY"):
		oc.Kind = Auxiliary
	case d.has("ABSTRACT"):
		oc.Kind = Abstract
	}
	return oc, nil
}

// ParseAttributeType parses an RFC 4512 AttributeTypeDescription.
func ParseAttributeType(def string) (*AttributeType, error) {
	d, err := parseSchemaDesc(def)
	if err != nil {
		return nil, fmt.Errorf("attribute type %s: %v", abbreviate(def), err)
	}
	at := &AttributeType{
		OID: d.oid, Names: d.fields["NAME"], Desc: d.one("DESC"), Obsolete: d.has("OBSOLETE"),
		Superior: d.one("SUP"), Equality: d.one("EQUALITY"), Ordering: d.one("ORDERING"), Substr: d.one("SUBSTR"),
		SingleValue: d.has("SINGLE-VALUE"), Collective: d.has("COLLECTIVE"),
		NoUserModification: d.has("NO-USER-MODIFICATION"), Usage: d.one("USAGE"), Extensions: d.extensions(),
	}
	syntax := d.one("SYNTAX")
	if i := strings.IndexByte(syntax, '{'); i >= 0 {
		at.SyntaxLen = strings.TrimSuffix(syntax[i+1:], "}")
		syntax = syntax[:i]
	}
	at.Syntax = syntax
	return at, nil
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60] + "…")
	}
	return strconv.Quote(s)
}
