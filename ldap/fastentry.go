package ldap

import (
	"errors"
	"fmt"
)

// BER identifiers of the LDAP messages the search reader looks at
// (RFC 4511 section 4).
const (
	berSequence      = 0x30 // LDAPMessage, attribute lists
	berSet           = 0x31 // attribute values
	berInteger       = 0x02 // messageID
	berOctetString   = 0x04 // LDAPDN, AttributeDescription, AttributeValue
	opSearchRequest  = 0x63 // [APPLICATION 3] constructed
	opSearchEntry    = 0x64 // [APPLICATION 4] constructed
	opSearchDone     = 0x65 // [APPLICATION 5] constructed: SearchResultDone
	maxMessageIDSize = 8    // messageID is 0..2^31-1; allow padding
)

// errBadEntry is returned for a SearchResultEntry that is not well-formed BER.
var errBadEntry = errors.New("malformed SearchResultEntry from the server")

// berTLV splits the first element off b: its tag, its contents and the rest
// of b. Only definite lengths of up to four octets are accepted (LDAP
// requires definite lengths).
func berTLV(b []byte) (tag byte, content, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errBadEntry
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, errBadEntry // multi-octet tags are not used by LDAP
	}
	n, hdr, ok := berLength(b[1:])
	if !ok || n > len(b)-1-hdr {
		return 0, nil, nil, errBadEntry
	}
	start := 1 + hdr
	return tag, b[start : start+n], b[start+n:], nil
}

// berLength reads a definite BER length at the start of b: the length and
// how many octets encode it. ok is false for an indefinite, over-long or
// truncated length.
func berLength(b []byte) (n, size int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, true
	}
	k := int(b[0] & 0x7f)
	if k == 0 || k > 4 || len(b) < 1+k {
		return 0, 0, false
	}
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	if n < 0 || n > 1<<31-1 {
		return 0, 0, false
	}
	return n, 1 + k, true
}

// decodedEntry is an entry the tap decoded, with the list its text values
// are sliced from: a search that reuses its entries
// (SearchRequest.ReuseEntries) hands it back once delivered, and the next
// entry is decoded into it, so that reading a large directory does not
// allocate an Entry, its attributes and their value lists per entry.
type decodedEntry struct {
	Entry
	strs []string
}

// entryDecoder decodes SearchResultEntry messages, keeping its scratch
// space from one to the next. It is not safe for concurrent use.
type entryDecoder struct {
	bin [][]byte // one attribute's values as slices of the message, for the binary check
	// text collects the entry's DN and text values (and the names not
	// interned), copied at the end into the entry's one string.
	text []byte
	// attrs: what the first pass found of each attribute, for the second.
	attrs []attrShape
	// names interns attribute names (at most maxInternedNames), so that
	// the entries of a search share them rather than each carrying its
	// own copy; prev lists the last entry's, in order, which the next
	// entry's usually repeat, checked before the map.
	names map[string]attrName
	prev  []attrName
}

// attrName is an interned attribute name.
type attrName struct {
	name   string
	binary bool // binary whatever its values (binaryName)
}

// attrShape is what decodeOp's first pass learns of one attribute.
type attrShape struct {
	name   string // interned, or "" when the name is in the text
	values int    // how many values
	binary bool   // binary values: copied raw, not in the text
}

// maxInternedNames bounds the attribute names a decoder interns, and
// maxInternedName the length of one: a directory's schema has a few
// hundred names, none long, and a search asks for a handful. A server
// cannot make a connection hold more than 256 × 128 bytes of them.
const (
	maxInternedNames = 256
	maxInternedName  = 128
)

// decodeOp decodes the protocolOp of a SearchResultEntry (its contents,
// after the [APPLICATION 4] header) into an Entry, the same one go-ldap's
// own decoder and fromGoldap give, without building a packet tree or a
// go-ldap entry: one string, the entry's Text, holds the DN and every text
// value, each a substring of it, and no attribute name met before or
// encoding; a binary attribute's values are copied. Nothing of the entry
// refers to op, which the reader reuses for the next message. into, when
// not nil, is an entry delivered before whose lists are reused (its
// strings are not: they stay valid).
//
// It reads op twice: the first pass checks the encoding, counts, finds
// the binary attributes and copies the text into dec.text; the second
// slices the entry's strings out of the one string made of it.
func (dec *entryDecoder) decodeOp(op []byte, into *decodedEntry) (*decodedEntry, error) {
	tag, dn, rest, err := berTLV(op)
	if err != nil || tag != berOctetString {
		return nil, errBadEntry
	}
	tag, list, rest, err := berTLV(rest)
	if err != nil || tag != berSequence || len(rest) != 0 {
		return nil, errBadEntry
	}
	text := append(dec.text[:0], dn...)
	shapes := dec.attrs[:0]
	bin := dec.bin
	values := 0
	for r := list; len(r) > 0; {
		var attr []byte
		if tag, attr, r, err = berTLV(r); err != nil || tag != berSequence {
			return nil, errBadEntry
		}
		tag, name, vals, err := berTLV(attr)
		if err != nil || tag != berOctetString {
			return nil, errBadEntry
		}
		tag, set, rest, err := berTLV(vals)
		if err != nil || (tag != berSet && tag != berSequence) || len(rest) != 0 {
			return nil, errBadEntry
		}
		bin = bin[:0]
		for len(set) > 0 {
			var v []byte
			if tag, v, set, err = berTLV(set); err != nil || tag != berOctetString {
				return nil, errBadEntry
			}
			bin = append(bin, v)
		}
		in, ok := dec.intern(len(shapes), name)
		if !ok {
			in.binary = binaryName(string(name))
			text = append(text, name...)
		}
		sh := attrShape{name: in.name, values: len(bin)}
		if sh.binary = in.binary || !allText(bin); !sh.binary {
			for _, v := range bin {
				text = append(text, v...)
			}
		}
		shapes = append(shapes, sh)
		values += len(bin)
	}
	clear(bin) // nothing of op is kept past this entry
	dec.bin, dec.attrs = bin[:0], shapes
	if cap(text) <= maxReusedMessage {
		dec.text = text // a large group's is not kept for the next entry
	} else {
		dec.text = nil
	}

	str := string(text)
	at := 0
	cut := func(n int) string {
		at += n
		return str[at-n : at]
	}
	d := into
	if d == nil {
		d = &decodedEntry{}
	}
	d.text = str
	d.DN = cut(len(dn))
	d.Attributes = reuseList(d.Attributes, len(shapes))
	d.strs = reuseList(d.strs, values)
	strs := d.strs // every text attribute's values, sliced below
	for i, sh := range shapes {
		var attr []byte
		_, attr, list, _ = berTLV(list) // checked by the first pass
		_, name, vals, _ := berTLV(attr)
		_, set, _, _ := berTLV(vals)
		a := &d.Attributes[i]
		if sh.name == "" {
			sh.name = cut(len(name))
		}
		if sh.binary {
			raw := make([][]byte, sh.values)
			for j := range raw {
				var v []byte
				_, v, set, _ = berTLV(set)
				raw[j] = append([]byte{}, v...) // op is the reader's buffer, reused
			}
			*a = newAttribute(sh.name, raw, nil)
			continue
		}
		vs := strs[:sh.values:sh.values]
		strs = strs[sh.values:]
		for j := range vs {
			var v []byte
			_, v, set, _ = berTLV(set)
			vs[j] = cut(len(v))
		}
		*a = Attribute{Name: sh.name, Values: vs}
	}
	return d, nil
}

// intern returns the interned name, the i-th attribute of an entry; ok
// is false when it is not interned (the table is full, or the name too
// long). The entry's i-th
// name is remembered for the next entry, which usually has the same.
func (dec *entryDecoder) intern(i int, name []byte) (in attrName, ok bool) {
	if i < len(dec.prev) && dec.prev[i].name != "" && dec.prev[i].name == string(name) {
		return dec.prev[i], true
	}
	if in, ok = dec.names[string(name)]; !ok {
		if len(dec.names) >= maxInternedNames || len(name) > maxInternedName {
			return attrName{}, false
		}
		if dec.names == nil {
			dec.names = map[string]attrName{}
		}
		s := string(name)
		in = attrName{name: s, binary: binaryName(s)}
		dec.names[s] = in
	}
	if i < len(dec.prev) {
		dec.prev[i] = in
	} else if i == len(dec.prev) {
		dec.prev = append(dec.prev, in)
	}
	return in, true
}

// reuseList returns a list of n elements, list's array when it has room
// (the caller overwrites them); never nil, as go-ldap's lists are not.
func reuseList[T any](list []T, n int) []T {
	if list != nil && cap(list) >= n {
		return list[:n]
	}
	return make([]T, n)
}

// decodeMessage decodes a whole LDAPMessage known to carry a
// SearchResultEntry (see tapConn.Read) as decodeOp does; controls after the
// entry are ignored, as go-ldap ignores them.
func (dec *entryDecoder) decodeMessage(msg []byte, into *decodedEntry) (*decodedEntry, error) {
	tag, body, _, err := berTLV(msg)
	if err != nil || tag != berSequence {
		return nil, errBadEntry
	}
	tag, _, rest, err := berTLV(body)
	if err != nil || tag != berInteger {
		return nil, errBadEntry
	}
	tag, op, rest, err := berTLV(rest)
	if err != nil || tag != opSearchEntry {
		return nil, fmt.Errorf("%w: not a search result entry", errBadEntry)
	}
	if !wellFormed(rest, 0) {
		return nil, errBadEntry // the controls
	}
	return dec.decodeOp(op, into)
}

// wellFormed reports whether b is a sequence of well-formed BER elements,
// constructed ones included, that go-ldap would have decoded without error.
func wellFormed(b []byte, depth int) bool {
	if depth > 16 {
		return false
	}
	for len(b) > 0 {
		tag, content, rest, err := berTLV(b)
		if err != nil || (tag&0x20 != 0 && !wellFormed(content, depth+1)) {
			return false
		}
		// Of the universal string and time types go-asn1-ber checks, controls
		// use none: accept only what it takes without checking.
		if tag&0xe0 == 0 && tag != 0x01 && tag != 0x02 && tag != berOctetString && tag != 0x05 && tag != 0x0a {
			return false
		}
		b = rest
	}
	return true
}
