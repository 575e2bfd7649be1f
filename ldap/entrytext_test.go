package ldap

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// sameEntry reports whether a and b hold the same DN and attributes,
// whatever string backs them (Text).
func sameEntry(a, b *Entry) bool {
	return a.DN == b.DN && reflect.DeepEqual(a.Attributes, b.Attributes)
}

// sameEntries is sameEntry for two lists.
func sameEntries(a, b []*Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameEntry(a[i], b[i]) {
			return false
		}
	}
	return true
}

// inText reports whether v lies within text, as a substring of that very
// string (not merely equal to part of it).
func inText(text, v string) bool {
	if v == "" {
		return true
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(v)))
	return text != "" && p >= base && p+uintptr(len(v)) <= base+uintptr(len(text))
}

// textHolds checks what Text promises of an entry the reader decoded:
// its DN and every text value lie within its Text, binary values do not,
// and it is no longer than the DN, the text values and the names of its
// attributes.
func textHolds(e *Entry) error {
	if e.DN != "" && !inText(e.text, e.DN) {
		return fmt.Errorf("the DN %q is not within the entry's text", e.DN)
	}
	most := len(e.DN)
	for _, a := range e.Attributes {
		most += len(a.Name)
		for _, v := range a.Values {
			if a.Binary {
				if v != "" && inText(e.text, v) {
					return fmt.Errorf("%s: the binary value %q is within the entry's text", a.Name, v)
				}
				continue
			}
			most += len(v)
			if !inText(e.text, v) {
				return fmt.Errorf("%s: the value %q is not within the entry's text", a.Name, v)
			}
		}
	}
	if len(e.text) > most {
		return fmt.Errorf("the entry's text is %d bytes, more than its DN, names and text values (%d)", len(e.text), most)
	}
	return nil
}

// The reader's entries keep one string of their own: the DN and values,
// no encoding, and the attribute names only until they are interned.
func TestDecodedEntryTextHoldsOnlyItsValues(t *testing.T) {
	var dec entryDecoder
	msg := encodeEntryMessage(4, "uid=a,ou=people,dc=example,dc=com", map[string][]string{"uid": {"a"}, "cn": {"Ä b", ""}, "objectGUID": {"\x00\x01\x02"}})
	first, err := dec.decodeMessage(msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := textHolds(&first.Entry); err != nil {
		t.Fatal(err)
	}
	second, err := dec.decodeMessage(msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := textHolds(&second.Entry); err != nil {
		t.Fatal(err)
	}
	// The names are interned by the first entry: the second's text is its
	// DN and text values only, and its names are the first's.
	if want := len("uid=a,ou=people,dc=example,dc=com") + len("a") + len("Ä b"); len(second.text) != want {
		t.Errorf("text of %d bytes (%q), want %d: the DN and text values", len(second.text), second.text, want)
	}
	for i, a := range second.Attributes {
		if unsafe.StringData(a.Name) != unsafe.StringData(first.Attributes[i].Name) {
			t.Errorf("attribute %s: its name is a copy of its own, not the interned one", a.Name)
		}
	}
	if got := second.First("objectGUID"); got != RenderBinary("objectGUID", []byte{0, 1, 2}) {
		t.Errorf("objectGUID = %q", got)
	}
}

// Past maxInternedNames names, or past maxInternedName bytes, a name is
// kept in the entry's text.
func TestDecodedEntryNamesBeyondTheInternedOnes(t *testing.T) {
	var dec entryDecoder
	for i := range maxInternedNames {
		if _, err := dec.decodeMessage(encodeEntryMessage(1, "cn=x", map[string][]string{fmt.Sprintf("attr%d", i): {"v"}}), nil); err != nil {
			t.Fatal(err)
		}
	}
	e, err := dec.decodeMessage(encodeEntryMessage(1, "cn=y", map[string][]string{"oneMore": {"w"}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := textHolds(&e.Entry); err != nil {
		t.Fatal(err)
	}
	if a := e.Attributes[0]; a.Name != "oneMore" || !inText(e.text, a.Name) || e.text != "cn=yoneMorew" {
		t.Errorf("got name %q, text %q; want the name within the text", a.Name, e.text)
	}
	if len(dec.names) != maxInternedNames {
		t.Errorf("%d names interned, want at most %d", len(dec.names), maxInternedNames)
	}
	// A name too long to intern is kept in the entry's text, whatever room
	// the table has.
	var fresh entryDecoder
	long := strings.Repeat("x", maxInternedName+1)
	e, err = fresh.decodeMessage(encodeEntryMessage(1, "cn=z", map[string][]string{long: {"v"}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := textHolds(&e.Entry); err != nil || len(fresh.names) != 0 || !inText(e.text, e.Attributes[0].Name) {
		t.Errorf("a %d-byte name: %v, %d interned; want it in the text, none interned", len(long), err, len(fresh.names))
	}
}
