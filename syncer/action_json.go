package syncer

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MarshalJSON encodes the action with its AttrDiffs as its diffs, so that
// a store create planned from an entry (whose Diffs are nil) shows its
// values however it is encoded. It writes what encoding/json would write
// for the action's fields, its detail's among them (actionFields;
// TestActionJSONMatchesEncodingJSON).
func (a Action) MarshalJSON() ([]byte, error) {
	return appendActionJSON(nil, &a, a.AttrDiffs()), nil
}

// appendActionJSON appends the JSON of a with diffs as its diffs, byte for
// byte as encoding/json's reflection encodes a's actionFields (with its
// default HTML escaping). EncodeJSON writes every action of a plan with it
// directly, and MarshalJSON is built on it: encoding/json's reflection was
// about a tenth of the CPU of a preview of 100,000 creates.
// TestActionJSONMatchesEncodingJSON holds the two together, field by field.
func appendActionJSON(b []byte, a *Action, diffs []AttrDiff) []byte {
	d := a.Detail()
	b = append(b, `{"side":`...)
	b = appendJSONString(b, a.Side)
	b = append(b, `,"op":`...)
	b = appendJSONString(b, a.Op)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(a.Kind))
	b = append(b, `,"name":`...)
	b = appendJSONString(b, a.Name)
	b = appendOptString(b, `,"dn":`, a.DN)
	b = appendOptString(b, `,"old_dn":`, d.OldDN)
	b = appendOptString(b, `,"member":`, d.Member)
	if len(diffs) > 0 {
		b = appendDiffsJSON(append(b, `,"diffs":`...), diffs, false)
	}
	b = appendOptString(b, `,"reason":`, a.Reason)
	if a.Hidden {
		b = append(b, `,"hidden":true`...)
	}
	b = appendOptString(b, `,"error":`, d.Error)
	if a.Failed {
		b = append(b, `,"failed":true`...)
	}
	if d.ResultCode != 0 {
		b = append(b, `,"result_code":`...)
		b = strconv.AppendInt(b, int64(d.ResultCode), 10)
	}
	if a.Done {
		b = append(b, `,"applied":true`...)
	}
	if len(d.Members) > 0 {
		b = append(b, `,"members":[`...)
		for i, m := range d.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, m)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendChangeDetail appends the detail column of action a's row in the
// changes table (never a password): {"reason", "old_dn", "member",
// "diffs"}, each left out when empty, and in each diff an empty old value
// left out too (every diff of a create) rather than repeated on each row.
// A first import writes 100,000 of them; TestChangeDetailMatchesEncodingJSON
// holds it to json.Marshal of the same fields.
func appendChangeDetail(b []byte, a *Action, diffs []AttrDiff) []byte {
	b = append(b, '{')
	start := len(b)
	field := func(key, v string) {
		if v == "" {
			return
		}
		if len(b) > start {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, key...), v)
	}
	field(`"reason":`, a.Reason)
	field(`"old_dn":`, a.OldDN())
	field(`"member":`, a.Member())
	if len(diffs) > 0 {
		if len(b) > start {
			b = append(b, ',')
		}
		b = appendDiffsJSON(append(b, `"diffs":`...), diffs, true)
	}
	return append(b, '}')
}

// appendDiffsJSON appends diffs as a JSON list, each as encoding/json
// writes an AttrDiff, or with omitEmptyOld a changeDiff (whose old value
// is left out when empty).
func appendDiffsJSON(b []byte, diffs []AttrDiff, omitEmptyOld bool) []byte {
	b = append(b, '[')
	for i := range diffs {
		d := &diffs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"field":`...)
		b = appendJSONString(b, d.Field)
		b = appendOptString(b, `,"attr":`, d.Attr)
		if omitEmptyOld {
			b = appendOptString(b, `,"old":`, d.Old)
		} else {
			b = appendJSONString(append(b, `,"old":`...), d.Old)
		}
		b = appendJSONString(append(b, `,"new":`...), d.New)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendOptString appends key and s, unless s is empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendJSONString appends s as encoding/json writes a string: as it is
// between quotes when plainJSON says so, else through json.Marshal itself,
// so that every escape (control characters, HTML, U+2028, invalid UTF-8)
// is its own. Most of the strings it writes are short plain ASCII (an op,
// an attribute's name), so it reads the ASCII bytes itself, saving a call
// per string, and asks plainJSON only from the first byte on that is not
// ASCII or is escaped.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonPlainASCII[s[i]] {
			if !plainJSON(s[i:]) {
				q, _ := json.Marshal(s) // a string always encodes
				return append(b, q...)
			}
			break
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSON reports whether encoding/json (with its default HTML escaping)
// writes s as it is, between quotes: valid UTF-8 without the ASCII
// characters jsonEscapedASCII names, or U+2028 and U+2029. It is the one
// rule of which strings need escaping: appendJSONString writes the plain
// ones itself, and appendDirBase declines the others.
// TestPlainJSONMatchesEncodingJSON holds it to json.Marshal.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if jsonPlainASCII[c] {
			continue
		}
		if c < utf8.RuneSelf {
			return false // ASCII encoding/json escapes
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n - 1
	}
	return true
}

// jsonPlainASCII tells, for each byte, whether it is ASCII that
// encoding/json writes as it is (jsonEscapedASCII is false): what
// appendJSONString copies without a closer look, one lookup a byte (it
// reads most of the 53 MB of JSON of a preview of 100,000 creates).
var jsonPlainASCII = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !jsonEscapedASCII(byte(c))
	}
	return t
}()

// jsonEscapedASCII reports whether encoding/json escapes c, an ASCII
// character, in a string: a control character, the quote, the backslash,
// or HTML's <, > and &.
func jsonEscapedASCII(c byte) bool {
	return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
}
