package store

import "unicode/utf8"

// decodeValuesFast decodes base values the way json.Unmarshal does, for
// the form json.Marshal writes them in ({"mail":["a@example.com"]}, no
// spaces) when no string holds an escape: a resync reads one such object
// per link, and encoding/json's reflection was a tenth of its CPU. ok is
// false for anything else (escapes, spaces, null, invalid UTF-8, bad
// syntax), which json.Unmarshal then decodes or refuses itself.
func decodeValuesFast(s string) (v Values, ok bool) {
	i := 0
	str := func() (string, bool) {
		if i >= len(s) || s[i] != '"' {
			return "", false
		}
		start := i + 1
		for j := start; j < len(s); j++ {
			switch c := s[j]; {
			case c == '"':
				out := s[start:j]
				if !utf8.ValidString(out) {
					return "", false
				}
				i = j + 1
				return out, true
			case c == '\\' || c < 0x20:
				return "", false
			}
		}
		return "", false
	}
	if len(s) < 2 || s[0] != '{' {
		return nil, false
	}
	v = Values{}
	i = 1
	if s[i] == '}' {
		return v, i+1 == len(s)
	}
	for {
		key, ok := str()
		if !ok || i+1 >= len(s) || s[i] != ':' || s[i+1] != '[' {
			return nil, false
		}
		i += 2
		vals := []string{}
		if i < len(s) && s[i] == ']' {
			i++
		} else {
			for {
				val, ok := str()
				if !ok || i >= len(s) {
					return nil, false
				}
				vals = append(vals, val)
				if s[i] == ']' {
					i++
					break
				}
				if s[i] != ',' {
					return nil, false
				}
				i++
			}
		}
		v[key] = vals
		if i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case '}':
			return v, i+1 == len(s)
		case ',':
			i++
		default:
			return nil, false
		}
	}
}
