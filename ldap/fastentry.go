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
}

// decodeOp decodes the protocolOp of a SearchResultEntry (its contents,
// after the [APPLICATION 4] header) into an Entry, the same one go-ldap's
// own decoder and fromGoldap give, without building a packet tree or a
// go-ldap entry: one string holds every text value, each a substring of
// it, and a binary attribute's values are copied. Nothing of the entry
// refers to op, which the reader reuses for the next message. into, when
// not nil, is an entry delivered before whose lists are reused (its
// strings are not: they stay valid).
func (dec *entryDecoder) decodeOp(op []byte, into *decodedEntry) (*decodedEntry, error) {
	tag, dn, rest, err := berTLV(op)
	if err != nil || tag != berOctetString {
		return nil, errBadEntry
	}
	tag, list, rest, err := berTLV(rest)
	if err != nil || tag != berSequence || len(rest) != 0 {
		return nil, errBadEntry
	}
	// One string for all the text: names and values are substrings of it.
	// Every slice below shares op's array up to its end, so a slice's
	// offset in op is the difference of capacities.
	text := string(op)
	sub := func(b []byte) string {
		start := cap(op) - cap(b)
		return text[start : start+len(b)]
	}
	count, values := 0, 0
	for r := list; len(r) > 0; count++ {
		var attr []byte
		if _, attr, r, err = berTLV(r); err != nil {
			return nil, errBadEntry
		}
		// Values counted for one allocation of them all below; a malformed
		// attribute is refused in the loop after.
		if _, _, vals, err := berTLV(attr); err == nil {
			if _, set, _, err := berTLV(vals); err == nil {
				for ; len(set) > 0; values++ {
					if _, _, set, err = berTLV(set); err != nil {
						break
					}
				}
			}
		}
	}
	d := into
	if d == nil {
		d = &decodedEntry{}
	}
	d.DN = sub(dn)
	d.Attributes = reuseList(d.Attributes, count)
	d.strs = reuseList(d.strs, values)
	strs := d.strs // every text attribute's values, sliced below
	bin := dec.bin
	for i := 0; len(list) > 0; i++ {
		var attr []byte
		if tag, attr, list, err = berTLV(list); err != nil || tag != berSequence {
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
		n := 0
		for r := set; len(r) > 0; n++ {
			if tag, _, r, err = berTLV(r); err != nil || tag != berOctetString {
				return nil, errBadEntry
			}
		}
		if n > len(strs) {
			return nil, errBadEntry // more values than counted: cannot happen
		}
		vs := strs[:n:n]
		strs = strs[n:]
		bin = bin[:0]
		for j := 0; len(set) > 0; j++ {
			var v []byte
			_, v, set, _ = berTLV(set)
			vs[j] = sub(v)
			bin = append(bin, v)
		}
		a := &d.Attributes[i]
		*a = Attribute{Name: sub(name), Values: vs}
		if isBinaryAttr(a.Name, bin) {
			raw := make([][]byte, n)
			for j, v := range bin {
				raw[j] = append([]byte{}, v...) // op is the reader's buffer, reused
			}
			*a = newAttribute(a.Name, raw, nil)
		}
		clear(bin) // nothing of op is kept past this entry
	}
	dec.bin = bin[:0]
	return d, nil
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
