package syncer

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"testing"

	"ldapwiz/ldap"
)

func sampleView() *dirView {
	return &dirView{Version: viewVersion, Parts: map[string]*viewPart{
		partUsers: {Request: "h", Base: "ou=people,dc=example,dc=com", Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"uid", "entryUUID"},
			Cookie: []byte("rid=000,csn=20260101000000.000000Z#000000#000#000000"),
			Entries: []ldap.EntryRecord{{DN: "uid=a,ou=people,dc=example,dc=com", Attrs: []ldap.AttrRecord{
				{Name: "uid", Text: []string{"a"}}, {Name: "entryUUID", Text: []string{"0F1E2D3C-0000-1000-8000-000000000001"}}}}}},
	}}
}

// The view kept with the token reads back as written; one of another
// version or that is not a view is refused, never half read.
func TestViewEncodeDecode(t *testing.T) {
	v := sampleView()
	data, err := encodeView(v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeView(data)
	if err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("decoded %+v, %v; want %+v", back, err, v)
	}
	if id := recordID(back.Parts[partUsers].Entries[0]); id != "0f1e2d3c-0000-1000-8000-000000000001" {
		t.Errorf("recordUUID %q, want it lower case", id)
	}
	v.Version = viewVersion + 1
	data, _ = encodeView(v)
	if _, err := decodeView(data); err == nil {
		t.Error("a view of another version was read")
	}
	for _, bad := range [][]byte{nil, []byte("{}"), gz(t, "not json"), gz(t, `{"version":1,"parts":{"users":{"entries":"x"}}}`), gz(t, `{"version":1,"parts":{"users":null}}`),
		gz(t, `{"version":2,"parts":[{"name":"users","entries":2}]}{"dn":"uid=a","a":[]}`),
		gz(t, `{"version":2,"parts":[{"name":"users","entries":-1}]}`),
		gz(t, `{"version":2,"parts":[{"name":"users","entries":0},{"name":"users","entries":0}]}`),
		gz(t, `{"version":2,"parts":[]}{"dn":"uid=extra","a":[]}`)} {
		if _, err := decodeView(bad); err == nil {
			t.Errorf("%q was read as a view", bad)
		}
	}
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
	f.Add(gz(f, `{"version":2,"parts":null}`))
	f.Add(gz(f, `{"version":2,"parts":[{"name":"users","entries":1}]}{"dn":"uid=a","a":[{"n":"uid","t":["a"]}]}`))
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
			for _, e := range p.Entries {
				_ = recordID(e)
				_ = e.Entry()
			}
		}
	})
}
