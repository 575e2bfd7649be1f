package demodir

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

// hashSSHA returns password as an OpenLDAP {SSHA} value with a random salt.
func hashSSHA(password string) string {
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	return sshaWithSalt(password, salt)
}

func sshaWithSalt(password string, salt []byte) string {
	h := sha1.Sum(append([]byte(password), salt...))
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h[:], salt...))
}

// checkUserPassword reports whether password matches a userPassword value:
// {SSHA}, {SHA}, {CLEARTEXT} or a plain value.
func checkUserPassword(stored, password string) bool {
	switch {
	case hasPrefixFold(stored, "{SSHA}"):
		raw, err := base64.StdEncoding.DecodeString(stored[6:])
		if err != nil || len(raw) <= sha1.Size {
			return false
		}
		h := sha1.Sum(append([]byte(password), raw[sha1.Size:]...))
		return subtle.ConstantTimeCompare(h[:], raw[:sha1.Size]) == 1
	case hasPrefixFold(stored, "{SHA}"):
		h := sha1.Sum([]byte(password))
		return subtle.ConstantTimeCompare([]byte(stored[5:]), []byte(base64.StdEncoding.EncodeToString(h[:]))) == 1
	case hasPrefixFold(stored, "{CLEARTEXT}"):
		return subtle.ConstantTimeCompare([]byte(stored[11:]), []byte(password)) == 1
	case strings.HasPrefix(stored, "{"):
		return false // a scheme this server does not know
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(password)) == 1
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

// encodeUnicodePwd returns the AD unicodePwd value of password: the password
// in double quotes, encoded as UTF-16LE.
func encodeUnicodePwd(password string) string {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(`"` + password + `"`)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// checkPassword reports whether password is e's password.
func (d *directory) checkPassword(e *entry, password string) bool {
	if d.fl.ad {
		stored := e.first(d.sch.attr("unicodePwd"))
		return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(encodeUnicodePwd(password))) == 1
	}
	a := e.get(d.sch.attr("userPassword"))
	if a == nil {
		return false
	}
	for _, v := range a.vals {
		if checkUserPassword(v, password) {
			return true
		}
	}
	return false
}
