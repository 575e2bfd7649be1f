package ldap

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFormatGUIDMixedEndian(t *testing.T) {
	b := []byte{0x21, 0x43, 0x65, 0x87, 0xa9, 0xcb, 0xed, 0x0f, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	if got := FormatGUID(b); got != "87654321-cba9-0fed-0123-456789abcdef" {
		t.Errorf("FormatGUID = %s", got)
	}
	if got := RenderBinary("objectGUID", b); got != "87654321-cba9-0fed-0123-456789abcdef" {
		t.Errorf("RenderBinary(objectGUID) = %s", got)
	}
	a := newAttribute("objectGUID", [][]byte{b}, nil)
	if !a.Binary || a.Values[0] != "87654321-cba9-0fed-0123-456789abcdef" || string(a.Raw()[0]) != string(b) {
		t.Errorf("attribute: %+v", a)
	}
}

func TestFormatSID(t *testing.T) {
	admins := []byte{1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 2, 0, 0}
	if got := RenderBinary("objectSid", admins); got != "S-1-5-32-544" {
		t.Errorf("BUILTIN\\Administrators = %s", got)
	}
	domainUser := []byte{1, 5, 0, 0, 0, 0, 0, 5,
		0x15, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28, 0x00, 0x02, 0x00, 0x00}
	if got := FormatSID(domainUser); got != "S-1-5-21-1004336348-1177238915-682003330-512" {
		t.Errorf("domain SID = %s", got)
	}
	if got := RenderBinary("objectSid", []byte{1, 2, 3}); !strings.HasPrefix(got, "<binary, 3 bytes: 010203>") {
		t.Errorf("malformed SID = %s", got)
	}
}

func TestBinaryDetection(t *testing.T) {
	cases := []struct {
		name  string
		value []byte
		bin   bool
		shown string
	}{
		{"description", []byte("plain text"), false, "plain text"},
		{"cn", []byte("Łukasz Żółw"), false, "Łukasz Żółw"},
		{"description", []byte{0xc3, 0x28}, true, "<binary, 2 bytes: c328>"},
		{"x-blob", []byte("a\x00b"), true, "<binary, 3 bytes: 610062>"},
		{"thumbnailPhoto", []byte("\x89PNG\r\n\x1a\nrest"), true, "<binary, PNG image, 12 bytes: 89504e470d0a1a0a…>"},
		{"userCertificate;binary", []byte{0x30, 0x82, 0x01}, true, "<binary, DER certificate, 3 bytes: 308201>"},
		{"jpegPhoto", nil, true, "<binary, 0 bytes>"},
	}
	for _, tc := range cases {
		a := newAttribute(tc.name, [][]byte{tc.value}, nil)
		if a.Binary != tc.bin || a.Values[0] != tc.shown {
			t.Errorf("%s %q: binary %v shown %q; want %v %q", tc.name, tc.value, a.Binary, a.Values[0], tc.bin, tc.shown)
		}
	}
}

// FuzzIsText checks isText, which looks at an ASCII value once, against
// its definition: valid UTF-8 with no control character but tab, newline
// and carriage return.
func FuzzIsText(f *testing.F) {
	for _, s := range []string{"", "plain", "tab\there", "Ä b", "bell\a", "del\x7f", "\xff\xfe", "ok Ä then \x01", "é\x7f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		want := utf8.Valid(v)
		for _, b := range v {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				want = false
			}
		}
		if got := isText(v); got != want {
			t.Errorf("isText(%q) = %v, want %v", v, got, want)
		}
	})
}
