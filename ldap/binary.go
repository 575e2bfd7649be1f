package ldap

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// binaryAttrs are attribute types (lower case) whose values are binary
// whatever their bytes look like.
var binaryAttrs = map[string]bool{
	"objectguid": true, "objectsid": true, "jpegphoto": true, "thumbnailphoto": true,
	"usercertificate": true, "cacertificate": true, "certificaterevocationlist": true,
	"authorityrevocationlist": true, "crosscertificatepair": true, "usersmimecertificate": true,
	"userpkcs12": true, "photo": true, "audio": true, "msexchmailboxguid": true,
	"ms-ds-consistencyguid": true, "msds-generationid": true, "sidhistory": true,
	"tokengroups": true, "securityidentifier": true, "ntsecuritydescriptor": true,
	"logonhours": true, "unicodepwd": true, "dbcspwd": true, "supplementalcredentials": true,
	"replpropertymetadata": true, "repluptodatevector": true, "repsfrom": true, "repsto": true,
	"msds-revealedusers": true,
}

// baseAttrName strips attribute options: "userCertificate;binary" ->
// "usercertificate" (lower case).
func baseAttrName(name string) string {
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(name)
}

// knownBinary is binaryAttrs[baseAttrName(name)] without allocating: it is
// asked for every attribute of every entry read.
func knownBinary(name string) bool {
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	var buf [64]byte
	if len(name) > len(buf) {
		return binaryAttrs[strings.ToLower(name)]
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 {
			return binaryAttrs[strings.ToLower(name)]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return binaryAttrs[string(b)]
}

// isBinaryAttr reports whether the values of attribute name must be shown as
// binary: a known binary type, a ";binary" option, or any value that is not
// printable UTF-8 text.
func isBinaryAttr(name string, values [][]byte) bool {
	return binaryName(name) || !allText(values)
}

// binaryName reports whether attribute name is binary whatever its values
// hold: a known binary type, or a ";binary" option.
func binaryName(name string) bool {
	return knownBinary(name) || (strings.IndexByte(name, ';') >= 0 && strings.Contains(strings.ToLower(name), ";binary"))
}

// allText reports whether every one of values is text (isText).
func allText(values [][]byte) bool {
	for _, v := range values {
		if !isText(v) {
			return false
		}
	}
	return true
}

// isText reports whether v is valid UTF-8 without control characters other
// than tab, newline and carriage return. An ASCII value, the usual kind, is
// looked at once.
func isText(v []byte) bool {
	for i, b := range v {
		if b >= 0x80 {
			return utf8.Valid(v[i:]) && noControls(v[i:])
		}
		if control(b) {
			return false
		}
	}
	return true
}

// noControls reports whether v holds no control character (control; the
// bytes of a multi-byte UTF-8 character are never ASCII).
func noControls(v []byte) bool {
	for _, b := range v {
		if control(b) {
			return false
		}
	}
	return true
}

// control reports whether b is an ASCII control character other than
// tab, newline and carriage return: what makes a value binary.
func control(b byte) bool {
	return b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f
}

// RenderBinary renders a binary attribute value readably: objectGUID (and
// other 16-byte GUID attributes) as the standard GUID string in Active
// Directory's mixed-endian byte order, objectSid as S-1-5-21-..., images and
// other blobs as "<binary, N bytes: 8-byte hex preview…>". Raw bytes are
// never returned.
func RenderBinary(attr string, v []byte) string {
	base := baseAttrName(attr)
	switch {
	case strings.HasSuffix(base, "guid") && len(v) == 16:
		return FormatGUID(v)
	case (base == "objectsid" || base == "sidhistory" || base == "tokengroups" || base == "securityidentifier") && validSID(v):
		return FormatSID(v)
	}
	kind := ""
	switch {
	case bytes.HasPrefix(v, []byte{0xff, 0xd8, 0xff}):
		kind = "JPEG image, "
	case bytes.HasPrefix(v, []byte("\x89PNG\r\n\x1a\n")):
		kind = "PNG image, "
	case bytes.HasPrefix(v, []byte("GIF8")):
		kind = "GIF image, "
	case len(v) > 0 && v[0] == 0x30 && strings.Contains(base, "certificate"):
		kind = "DER certificate, "
	}
	preview := v
	more := ""
	if len(preview) > 8 {
		preview, more = preview[:8], "…"
	}
	if len(v) == 0 {
		return "<binary, 0 bytes>"
	}
	return fmt.Sprintf("<binary, %s%s: %s%s>", kind, byteCount(len(v)), hex.EncodeToString(preview), more)
}

func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// FormatGUID renders a 16-byte Active Directory GUID as
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: the first three groups are stored
// little-endian, the last two in order.
func FormatGUID(b []byte) string {
	if len(b) != 16 {
		return RenderBinary("", b)
	}
	return fmt.Sprintf("%08x-%04x-%04x-%s-%s",
		binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint16(b[4:6]),
		binary.LittleEndian.Uint16(b[6:8]), hex.EncodeToString(b[8:10]), hex.EncodeToString(b[10:16]))
}

// validSID reports whether b has the shape of a binary security identifier.
func validSID(b []byte) bool {
	return len(b) >= 8 && b[0] == 1 && len(b) == 8+4*int(b[1])
}

// FormatSID renders a binary security identifier as S-1-5-21-a-b-c-rid.
func FormatSID(b []byte) string {
	if !validSID(b) {
		return RenderBinary("", b)
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "S-%d-%d", b[0], auth)
	for i := 0; i < int(b[1]); i++ {
		fmt.Fprintf(&s, "-%d", binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return s.String()
}
