package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// Entry is one directory entry as ldapwiz shows and uses it.
type Entry struct {
	DN         string
	Attributes []Attribute
	// text: see Text.
	text string
}

// Text returns, for an entry the search reader decoded itself, the one
// string its DN and its text values are substrings of, which holds
// nothing else but the names of attributes the reader has not seen often
// (see entryDecoder): a string of the entry kept keeps that text, not the
// message it came in. It is "" for any other entry.
func (e *Entry) Text() string { return e.text }

// Attribute is one attribute of an entry. Values are always readable text:
// binary values (objectGUID, objectSid, jpegPhoto, anything that is not
// UTF-8) are rendered by RenderBinary; the bytes are available from
// Entry.Raw.
type Attribute struct {
	Name   string
	Values []string
	Binary bool
	// raw: the values as sent, kept for a binary attribute only; it is nil
	// for a text attribute, whose values as sent are its Values (see Raw).
	raw [][]byte
}

// Raw returns the attribute's values as the server sent them.
func (a Attribute) Raw() [][]byte {
	if a.raw != nil || a.Binary || a.Values == nil {
		return a.raw
	}
	raw := make([][]byte, len(a.Values)) // a text value is its bytes
	for i, v := range a.Values {
		raw[i] = []byte(v)
	}
	return raw
}

// Attr returns the attribute called name (case-insensitive, options such as
// ";binary" must match too), or nil.
func (e *Entry) Attr(name string) *Attribute {
	for i := range e.Attributes {
		if strings.EqualFold(e.Attributes[i].Name, name) {
			return &e.Attributes[i]
		}
	}
	return nil
}

// Get returns the readable values of attribute name (case-insensitive), nil
// when the entry does not carry it. For objectGUID this is the GUID string,
// usable as a stable identifier.
func (e *Entry) Get(name string) []string {
	if a := e.Attr(name); a != nil {
		return a.Values
	}
	return nil
}

// First returns the first readable value of attribute name, or "".
func (e *Entry) First(name string) string {
	if v := e.Get(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// Raw returns the values of attribute name as the server sent them.
func (e *Entry) Raw(name string) [][]byte {
	if a := e.Attr(name); a != nil {
		return a.Raw()
	}
	return nil
}

// Has reports whether the entry carries attribute name.
func (e *Entry) Has(name string) bool { return e.Attr(name) != nil }

// newAttribute builds an Attribute from raw values, rendering binary ones;
// only a binary attribute keeps raw. strs, when not nil, are the values
// already converted to strings.
func newAttribute(name string, raw [][]byte, strs []string) Attribute {
	a := Attribute{Name: name}
	if isBinaryAttr(name, raw) {
		a.Binary, a.raw = true, raw
		a.Values = make([]string, len(raw))
		for i, v := range raw {
			a.Values[i] = RenderBinary(name, v)
		}
		return a
	}
	if len(strs) == len(raw) {
		a.Values = strs
		return a
	}
	a.Values = make([]string, len(raw))
	for i, v := range raw {
		a.Values[i] = string(v)
	}
	return a
}

// fromGoldap converts a go-ldap entry, keeping attribute order.
func fromGoldap(e *goldap.Entry) *Entry {
	out := &Entry{DN: e.DN, Attributes: make([]Attribute, 0, len(e.Attributes))}
	for _, a := range e.Attributes {
		out.Attributes = append(out.Attributes, newAttribute(a.Name, a.ByteValues, a.Values))
	}
	return out
}

// Entry reads one entry with all its user and operational attributes ("*"
// and "+"). A referral object is read as itself (ManageDsaIT), never chased;
// a DN the server refers elsewhere gives a *ReferralError. Ranged attribute
// values are fetched whole.
func (c *Conn) Entry(ctx context.Context, dn string) (*Entry, error) {
	if _, err := ParseDN(dn); err != nil {
		return nil, err
	}
	var found *Entry
	err := c.Search(ctx, SearchRequest{
		Base: dn, Scope: ScopeBase, Filter: "(objectClass=*)",
		Attributes: []string{"*", "+"}, PageSize: -1, manageDsaIT: true,
	}, func(e *Entry) error {
		found = e
		return nil
	})
	var le *goldap.Error
	if errors.As(err, &le) && le.ResultCode == goldap.LDAPResultNoSuchObject {
		closest := ""
		if le.MatchedDN != "" {
			closest = " (the closest existing entry is " + le.MatchedDN + ")"
		}
		return nil, fmt.Errorf("entry %s does not exist%s: %w", dn, closest, le)
	}
	if err != nil {
		return nil, fmt.Errorf("read entry %s: %w", dn, err)
	}
	if found == nil {
		return nil, fmt.Errorf("read entry %s: the server returned no entry (no permission to read it?)", dn)
	}
	return found, nil
}
