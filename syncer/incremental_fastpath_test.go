package syncer

import (
	"slices"
	"testing"
)

// FuzzDecodeViewHeader: whatever the store holds, reading only a view's
// header fails cleanly or gives parts that encode again; on a view that
// decodes whole, the header names the same parts with the same searches
// and tokens.
func FuzzDecodeViewHeader(f *testing.F) {
	good, _ := encodeView(sampleView())
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(gz(f, `{"version":2,"parts":[{"name":"users","entries":1}]}`))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := decodeViewHeader(data)
		if err != nil {
			return
		}
		if _, err := encodeView(h); err != nil {
			t.Fatalf("a decoded header does not encode: %v", err)
		}
		v, err := decodeView(data)
		if err != nil {
			return
		}
		if !slices.Equal(sortedParts(v), sortedParts(h)) {
			t.Fatalf("header parts %v, view parts %v", sortedParts(h), sortedParts(v))
		}
		for name, p := range v.Parts {
			q := h.Parts[name]
			if q.Request != p.Request || q.Base != p.Base || q.Filter != p.Filter || string(q.Cookie) != string(p.Cookie) || !slices.Equal(q.Attributes, p.Attributes) {
				t.Fatalf("part %s: header %+v, view %+v", name, q, p)
			}
		}
	})
}

// The header of a view is read from its first bytes alone (the store
// hands over only those).
func TestDecodeViewHeaderFromAPrefix(t *testing.T) {
	v := sampleView()
	good, err := encodeView(v)
	if err != nil {
		t.Fatal(err)
	}
	h, err := decodeViewHeader(good[:min(len(good), 64<<10)])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sortedParts(h), sortedParts(v)) {
		t.Fatalf("parts %v, want %v", sortedParts(h), sortedParts(v))
	}
	for name, p := range h.Parts {
		if string(p.Cookie) != string(v.Parts[name].Cookie) || len(p.Entries) != 0 {
			t.Fatalf("part %s: %+v", name, p)
		}
	}
}
