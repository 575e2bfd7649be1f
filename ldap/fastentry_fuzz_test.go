package ldap

import (
	"reflect"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// encodeEntryMessage encodes an LDAPMessage carrying a SearchResultEntry
// the way a server does.
func encodeEntryMessage(id int64, dn string, attrs map[string][]string) []byte {
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationSearchResultEntry, nil, "")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, ""))
	list := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for name, vals := range attrs {
		a := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
		a.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, ""))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "")
		for _, v := range vals {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, ""))
		}
		a.AppendChild(set)
		list.AppendChild(a)
	}
	op.AppendChild(list)
	msg.AppendChild(op)
	return msg.Bytes()
}

// goldapEntry decodes msg the way go-ldap does (its packet tree), or nil
// when go-ldap could not read it as an entry.
func goldapEntry(msg []byte) *goldap.Entry {
	p, err := ber.DecodePacketErr(msg)
	if err != nil || len(p.Children) < 2 || len(p.Children[1].Children) < 2 {
		return nil
	}
	op := p.Children[1]
	dn, ok := op.Children[0].Value.(string)
	if !ok {
		return nil
	}
	e := &goldap.Entry{DN: dn, Attributes: []*goldap.EntryAttribute{}}
	for _, child := range op.Children[1].Children {
		if len(child.Children) < 2 {
			return nil
		}
		name, ok := child.Children[0].Value.(string)
		if !ok {
			return nil
		}
		a := &goldap.EntryAttribute{Name: name, Values: []string{}, ByteValues: [][]byte{}}
		for _, v := range child.Children[1].Children {
			str, ok := v.Value.(string)
			if !ok {
				return nil
			}
			a.Values = append(a.Values, str)
			a.ByteValues = append(a.ByteValues, append([]byte{}, v.ByteValue...))
		}
		e.Attributes = append(e.Attributes, a)
	}
	return e
}

// FuzzDecodeEntryMessage checks that the search reader's decoder never
// panics on what a server sends, and that whatever it accepts as an entry
// go-ldap reads the same way.
func FuzzDecodeEntryMessage(f *testing.F) {
	f.Add(encodeEntryMessage(7, "uid=a,ou=people,dc=example,dc=com", map[string][]string{"uid": {"a"}, "cn": {"Ä b", ""}}))
	f.Add(encodeEntryMessage(2147483647, "", nil))
	f.Add(encodeEntryMessage(1, "cn=g", map[string][]string{"member": {"uid=a", "uid=b", "uid=c"}}))
	f.Add([]byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x05, 0x02, 0x01, 0x01, 0x64, 0x00})
	// An entry delivered before, decoded into again (SearchRequest.ReuseEntries).
	before := encodeEntryMessage(3, "cn=before", map[string][]string{"cn": {"x", "y"}, "objectGUID": {"\x00\x01"}, "sn": {"z"}})
	f.Fuzz(func(t *testing.T, msg []byte) {
		var dec entryDecoder
		d, err := dec.decodeMessage(msg, nil)
		if err != nil {
			return
		}
		want := goldapEntry(msg)
		if want == nil {
			t.Fatalf("accepted % x, which go-ldap cannot read", msg)
		}
		if want := fromGoldap(want); !sameEntry(&d.Entry, want) {
			t.Fatalf("% x:\n decoded %+v\n go-ldap %+v", msg, &d.Entry, want)
		}
		if err := textHolds(&d.Entry); err != nil {
			t.Fatalf("% x: %v", msg, err)
		}
		old, err := dec.decodeMessage(before, nil)
		if err != nil {
			t.Fatal(err)
		}
		again, err := dec.decodeMessage(msg, old)
		if err != nil {
			t.Fatalf("% x: decoded fresh, refused into a reused entry: %v", msg, err)
		}
		if !reflect.DeepEqual(again.Entry, d.Entry) {
			t.Fatalf("% x:\n into a reused entry %+v\n fresh %+v", msg, again.Entry, d.Entry)
		}
	})
}
