package syncer

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ldapwiz/ldap"
)

func sampleView() *dirView {
	return &dirView{Version: viewVersion, Parts: map[string]*viewPart{
		partUsers: {Request: "h", Base: "ou=people,dc=example,dc=com", Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"uid", "entryUUID"},
			Cookie: []byte("rid=000,csn=20260101000000.000000Z#000000#000#000000"),
			Entries: []viewRecord{recordOf(&ldap.EntryRecord{DN: "uid=a,ou=people,dc=example,dc=com", Attrs: []ldap.AttrRecord{
				{Name: "uid", Text: []string{"a"}}, {Name: "entryUUID", Text: []string{"0F1E2D3C-0000-1000-8000-000000000001"}}}})}},
	}}
}

// mustEntry decodes record r.
func mustEntry(t testing.TB, r viewRecord) ldap.EntryRecord {
	t.Helper()
	e, err := r.entry()
	if err != nil {
		t.Fatalf("record %q: %v", r, err)
	}
	return e
}

// The view kept with the token reads back as written; one of another
// version or that is not a view is refused, never half read.
func TestViewEncodeDecode(t *testing.T) {
	v := sampleView()
	back := roundTrip(t, v)
	if id := recordID(mustEntry(t, back.Parts[partUsers].Entries[0])); id != "0f1e2d3c-0000-1000-8000-000000000001" {
		t.Errorf("recordUUID %q, want it lower case", id)
	}
	v.Version = viewVersion + 1
	data, _ := encodeView(v)
	if _, err := decodeView(data); err == nil {
		t.Error("a view of another version was read")
	}
	// Header lines end in a newline: without one each is refused as cut
	// short before it is parsed, so these have one.
	for _, bad := range [][]byte{nil, []byte("{}"), gz(t, "not json"), gz(t, "not json\n"), gz(t, `{"version":1,"parts":{"users":{"entries":"x"}}}`+"\n"),
		gz(t, `{"version":1,"parts":{"users":null}}`+"\n"), gz(t, `{"version":3,"parts":"x"}`+"\n")} {
		if _, err := decodeView(bad); err == nil {
			t.Errorf("%q was read as a view", bad)
		}
	}
	// This version's headers and records: fewer entries than announced, a
	// negative count, a part twice, an entry after the last part, cut
	// short, one too many, a length past the end, an unknown kind of
	// values, bytes left inside a record.
	header := func(parts string) string {
		return fmt.Sprintf(`{"version":%d,"parts":[%s]}`, viewVersion, parts) + "\n"
	}
	head := header(`{"name":"users","entries":1}`)
	entry := string(v.Parts[partUsers].Entries[0])
	record := func(body string) string { return string(binary.AppendUvarint(nil, uint64(len(body)))) + body }
	good := gz(t, head+record(entry))
	if _, err := decodeView(good); err != nil {
		t.Fatalf("a hand-made view: %v", err)
	}
	for _, bad := range []string{header(`{"name":"users","entries":2}`) + record(entry), header(`{"name":"users","entries":-1}`),
		header(`{"name":"users","entries":0},{"name":"users","entries":0}`), header(``) + record(entry),
		head, head + record(entry)[:5], head + record(entry) + record(entry), head + "\xff\xff\xff\xff\x0f",
		head + record(strings.Replace(entry, "\x00", "\x07", 1)), head + record(entry+"x"), head + record("\x05uid=a\x09")} {
		if _, err := decodeView(gz(t, bad)); err == nil {
			t.Errorf("%q was read as a view", bad)
		}
	}
}

// A view whose compressed text fails its check (the gzip trailer's CRC),
// found when the reader looks for an entry's length, is refused for the
// damage, not as a view cut short.
func TestViewDamageIsNamed(t *testing.T) {
	data := gz(t, fmt.Sprintf(`{"version":%d,"parts":[{"name":"users","entries":1}]}`, viewVersion)+"\n")
	data[len(data)-8] ^= 0xff // the gzip trailer's CRC-32
	_, err := decodeView(data)
	if err == nil || !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("decodeView of a damaged view: %v, want gzip's checksum error", err)
	}
}

// A view of the previous version (JSON entries) is refused with its
// version named, so the run's reason for reading the directory whole says
// what happened.
func TestViewOfAnotherVersionIsNamed(t *testing.T) {
	_, err := decodeView(gz(t, `{"version":2,"parts":[{"name":"users","entries":1}]}`+"\n"+`{"dn":"uid=a","a":[]}`))
	if err == nil || !strings.Contains(err.Error(), "view version 2, want 3") {
		t.Errorf("decodeView: %v", err)
	}
}

// Binary values (objectGUID) and attributes without values keep their kind.
func TestViewKeepsRawValues(t *testing.T) {
	v := sampleView()
	e := mustEntry(t, v.Parts[partUsers].Entries[0])
	e.Attrs = append(e.Attrs, ldap.AttrRecord{Name: "objectGUID", Raw: [][]byte{{0, 1, 0xff}, {}}}, ldap.AttrRecord{Name: "empty"})
	v.Parts[partUsers].Entries[0] = recordOf(&e)
	back := roundTrip(t, v)
	if got := mustEntry(t, back.Parts[partUsers].Entries[0]); !reflect.DeepEqual(got, e) {
		t.Errorf("decoded %+v, want %+v", got, e)
	}
}

// roundTrip encodes v, decodes it and fails unless that gives v again.
func roundTrip(t *testing.T, v *dirView) *dirView {
	t.Helper()
	back, err := decodeView(mustEncode(t, v))
	if err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("decoded %+v, %v; want %+v", back, err, v)
	}
	return back
}

func gz(t testing.TB, s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzDecodeView: whatever the store holds, reading it as a view fails
// cleanly or gives a view that encodes again.
func FuzzDecodeView(f *testing.F) {
	good, _ := encodeView(sampleView())
	f.Add(good)
	f.Add(gz(f, `{"version":3,"parts":null}`+"\n"))
	f.Add(gz(f, `{"version":3,"parts":[{"name":"users","entries":1}]}`+"\n\x0f\x05uid=a\x01\x03uid\x00\x01\x01a"))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeView(data)
		if err != nil {
			return
		}
		if _, err := encodeView(v); err != nil {
			t.Fatalf("a decoded view does not encode: %v", err)
		}
		for _, p := range v.Parts {
			for _, r := range p.Entries {
				e, err := r.entry()
				if err != nil {
					t.Fatalf("an entry of a decoded view does not decode: %v", err)
				}
				_ = recordID(e)
				_ = e.Entry()
			}
		}
	})
}

// A part packed as a run packs it (as its entries are read or handed on)
// encodes into the same view as its entries would.
func TestPackedPartEncodesAsItsEntries(t *testing.T) {
	v := sampleView()
	want, err := decodeView(mustEncode(t, v))
	if err != nil {
		t.Fatal(err)
	}
	p := v.Parts[partUsers]
	pk := newViewPacker()
	for _, r := range p.Entries {
		e := mustEntry(t, r)
		pk.add(&e)
	}
	packed, err := pk.close()
	if err != nil {
		t.Fatal(err)
	}
	p.Entries, p.packed, p.packedCount = nil, packed, pk.n
	got, err := decodeView(mustEncode(t, v))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("packed: decoded %+v, %v; want %+v", got, err, want)
	}
}

func mustEncode(t *testing.T, v *dirView) []byte {
	t.Helper()
	data, err := encodeView(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// deliver hands every entry of a part on and keeps the part for the next
// view: packed as it goes, or left as records when the saved view is to
// be kept; either way the next view encodes the part's entries. Entries
// are built into one another only for a search that reuses its entries.
func TestDeliverHandsOnAndKeepsEveryEntry(t *testing.T) {
	for _, c := range []struct{ keepable, reuse bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		keepable := c.keepable
		want, err := decodeView(mustEncode(t, sampleView()))
		if err != nil {
			t.Fatal(err)
		}
		in := &incRead{next: dirView{Version: viewVersion, Parts: map[string]*viewPart{}}, keepable: keepable}
		part := sampleView().Parts[partUsers]
		part.Entries = append(part.Entries, recordOf(&ldap.EntryRecord{DN: "uid=second,dc=example", Attrs: []ldap.AttrRecord{{Name: "uid", Text: []string{"second"}}}}))
		want.Parts[partUsers].Entries = append(want.Parts[partUsers].Entries, part.Entries[1])
		var dns []string
		var handed []*ldap.Entry
		if err := in.deliver(partUsers, part, c.reuse, func(e *ldap.Entry) error {
			dns = append(dns, e.DN)
			handed = append(handed, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(dns) != 2 || dns[0] != mustEntry(t, want.Parts[partUsers].Entries[0]).DN || dns[1] != "uid=second,dc=example" {
			t.Errorf("keepable %v: handed on %v", keepable, dns)
		}
		if same := len(handed) == 2 && handed[0] == handed[1]; same != c.reuse {
			t.Errorf("reuse %v: the two entries handed on were one: %v", c.reuse, same)
		}
		if packed := part.packed != nil; packed == keepable {
			t.Errorf("keepable %v: packed %v", keepable, packed)
		}
		got, err := decodeView(mustEncode(t, &in.next))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("keepable %v: next view %+v, %v; want %+v", keepable, got, err, want)
		}
	}
}

// FuzzViewRecord: checking a record (as decodeView does for every record
// of a kept view) and decoding it agree, whatever its bytes, and what
// decodes encodes to a record that decodes the same.
func FuzzViewRecord(f *testing.F) {
	f.Add([]byte(sampleView().Parts[partUsers].Entries[0]))
	f.Add([]byte("\x05uid=a\x02\x03uid\x00\x01\x01a\x0aobjectGUID\x01\x02\x01\x00\x00"))
	f.Add([]byte("\x05uid=a\x09"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checked := checkViewRecord(data)
		e, err := viewRecord(data).entry()
		if (checked == nil) != (err == nil) {
			t.Fatalf("check says %v, decoding %v", checked, err)
		}
		if err != nil {
			return
		}
		again, err := recordOf(&e).entry()
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("re-encoded: %+v, %v; want %+v", again, err, e)
		}
	})
}
