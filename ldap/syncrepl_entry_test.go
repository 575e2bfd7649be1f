package ldap

import (
	"encoding/json"
	"reflect"
	"testing"
)

// An entry kept as a record (through JSON, as a sync keeps it) comes back
// the same: text, binary (objectGUID) and non-UTF-8 values alike.
func TestEntryRecordRoundTrip(t *testing.T) {
	guid := []byte{0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	e := &Entry{DN: "cn=Doe\\, John,ou=people,dc=example,dc=com", Attributes: []Attribute{
		newAttribute("cn", [][]byte{[]byte("Doe, John")}, nil),
		newAttribute("objectGUID", [][]byte{guid}, nil),
		newAttribute("member", [][]byte{[]byte("cn=a,dc=x"), []byte("cn=b,dc=x")}, nil),
		newAttribute("jpegPhoto", [][]byte{{0xff, 0xd8, 0x00}}, nil),
		newAttribute("description", [][]byte{}, nil),
	}}
	data, err := json.Marshal(e.Record())
	if err != nil {
		t.Fatal(err)
	}
	var back EntryRecord
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	got := back.Entry()
	if got.DN != e.DN || len(got.Attributes) != len(e.Attributes) {
		t.Fatalf("got %+v", got)
	}
	for i, a := range e.Attributes {
		b := got.Attributes[i]
		if a.Name != b.Name || a.Binary != b.Binary || !reflect.DeepEqual(a.Values, b.Values) || len(a.Raw()) != len(b.Raw()) {
			t.Errorf("attribute %s: %+v, want %+v", a.Name, b, a)
		}
		for j := range a.Raw() {
			if string(a.Raw()[j]) != string(b.Raw()[j]) {
				t.Errorf("attribute %s value %d: %x, want %x", a.Name, j, b.Raw()[j], a.Raw()[j])
			}
		}
	}
	if got.StableID() != e.StableID() || got.StableID() == "" {
		t.Errorf("stable id %q, want %q", got.StableID(), e.StableID())
	}
}

// A record built into an entry that held another is the entry the record
// makes: nothing of the one before is left, binary or text, and the list
// of attributes is reused.
func TestEntryIntoReplacesWhatWasThere(t *testing.T) {
	guid := []byte{0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	before := (&Entry{DN: "uid=old,dc=x", Attributes: []Attribute{
		newAttribute("objectGUID", [][]byte{guid}, nil),
		newAttribute("uid", [][]byte{[]byte("old")}, nil),
		newAttribute("mail", [][]byte{[]byte("old@x")}, nil),
	}}).Record()
	rec := (&Entry{DN: "uid=new,dc=x", Attributes: []Attribute{
		newAttribute("uid", [][]byte{[]byte("new")}, nil),
		newAttribute("jpegPhoto", [][]byte{{0xff, 0xd8}}, nil),
	}}).Record()
	e := before.EntryInto(nil)
	list := &e.Attributes[0]
	got := rec.EntryInto(e)
	want := rec.Entry()
	if got != e || &got.Attributes[0] != list {
		t.Errorf("the entry and its list were not reused")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
