package demodir

import "strings"

// OpenLDAP's approximate matching (~=), reproduced so the demo directory
// answers approximate filters as slapd does: for attributes whose equality
// rule is one of the case(Ignore|Exact)(IA5)Match rules, both the value and
// the assertion are reduced to ASCII (accents dropped, other non-ASCII
// letters removed), split into words at spaces, and each word is reduced to
// its metaphone code (at most 4 letters, taken from the word's leading run
// of letters). The filter matches when every word of the assertion has a
// word with the same code in the value, in the same order. Other attributes
// fall back to their equality rule. Matches are therefore generous: uid
// "judy.baker249" is approximately "jdoe" (both "JT").

// maxPhonemeLen is OpenLDAP's MAXPHONEMELEN.
const maxPhonemeLen = 4

// phoneticApprox reports whether an equality rule gets OpenLDAP's phonetic
// approximate match (its associated directoryString/IA5String approx rule).
func phoneticApprox(equality string) bool {
	switch strings.ToLower(equality) {
	case "caseignorematch", "caseexactmatch", "caseignoreia5match", "caseexactia5match":
		return true
	}
	return false
}

// ApproxMatch reports whether value matches the approximate assertion as
// OpenLDAP's directoryStringApproxMatch decides it. It is exported for the
// tests that compute expected results of ~= filters from a full read, which
// run against both the demo directory and a real slapd.
func ApproxMatch(value, assertion string) bool {
	var codes []string
	for _, w := range strings.Split(approxASCII(value), " ") {
		codes = append(codes, metaphone(w))
	}
	next := 0
	for _, w := range strings.Split(approxASCII(assertion), " ") {
		if w == "" {
			continue
		}
		code, found := metaphone(w), false
		for i := next; i < len(codes); i++ {
			if codes[i] == code {
				next, found = i+1, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return next > 0
}

// approxASCII is OpenLDAP's LDAP_UTF8_APPROX normalization: canonical
// decomposition, then only the ASCII code points are kept, so "Zoë" becomes
// "Zoe" and "Łukasz" becomes "ukasz" (Ł has no decomposition).
func approxASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r >= 0xC0 && r <= 0x17F:
			if base := latinBase[r-0xC0]; base != '-' {
				b.WriteByte(base)
			}
		}
	}
	return b.String()
}

// latinBase is the base letter of each precomposed letter from U+00C0 to
// U+017F ('-' where the letter has no canonical decomposition, such as Ø,
// Æ, ß, Ł or Đ, or is not a letter).
const latinBase = "" +
	"AAAAAA-CEEEEIIII-NOOOOO--UUUUY--" + // U+00C0..U+00DF
	"aaaaaa-ceeeeiiii-nooooo--uuuuy-y" + // U+00E0..U+00FF
	"AaAaAaCcCcCcCcDd--EeEeEeEeEeGgGg" + // U+0100..U+011F
	"GgGgHh--IiIiIiIiI---JjKk-LlLlLl-" + // U+0120..U+013F
	"---NnNnNn---OoOoOo--RrRrRrSsSsSs" + // U+0140..U+015F
	"SsTtTt--UuUuUuUuUuUuWwYyYZzZzZz-" //   U+0160..U+017F

// isWordBreak is OpenLDAP's iswordbreak: non-ASCII, space, punctuation,
// digit or NUL.
func isWordBreak(c byte) bool {
	return c >= 0x80 || c == 0 || c == ' ' || (c >= '\t' && c <= '\r') ||
		(c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~') ||
		(c >= '0' && c <= '9')
}

// Letter classes of the metaphone coding array.
const (
	mpVowel  = 1  // AEIOU
	mpSame   = 2  // FJLMNR: coded as themselves
	mpVarson = 4  // CGPST: change sound before H
	mpFrontV = 8  // EIY
	mpNoGHF  = 16 // BDH
)

var metaphoneClass = [26]byte{
	1, 16, 4, 16, 9, 2, 4, 16, 9, 2, 0, 2, 2, // A..M
	2, 1, 4, 0, 2, 4, 4, 1, 0, 0, 0, 8, 0, // N..Z
}

func mpIs(c byte, class byte) bool {
	return c >= 'A' && c <= 'Z' && metaphoneClass[c-'A']&class != 0
}

// metaphone is OpenLDAP's phonetic(): the metaphone code of the word's
// leading run of letters, at most maxPhonemeLen letters. It follows the C
// original step by step, quirks included (B is coded only at the end of a
// word, the letter after an X becomes S).
func metaphone(word string) string {
	// Letters from index 4, with 4 NULs before and after, so looking
	// around never leaves the buffer.
	buf := []byte{0, 0, 0, 0}
	for i := 0; i < len(word) && !isWordBreak(word[i]) && len(buf) < 35; i++ {
		c := word[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c >= 'A' && c <= 'Z' {
			buf = append(buf, c)
		}
	}
	if len(buf) == 4 {
		return ""
	}
	end := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	n := 4
	switch buf[n] {
	case 'P', 'K', 'G':
		if buf[n+1] == 'N' {
			buf[n] = 0
			n++
		}
	case 'A':
		if buf[n+1] == 'E' {
			buf[n] = 0
			n++
		}
	case 'W':
		if buf[n+1] == 'R' {
			buf[n] = 0
			n++
		} else if buf[n+1] == 'H' {
			buf[n+1] = buf[n]
			buf[n] = 0
			n++
		}
	case 'X':
		buf[n] = 'S'
	}
	var out []byte
	ks := false
	for start := n; n <= end && len(out) < maxPhonemeLen; n++ {
		if ks {
			ks = false
			out = append(out, 'S')
			continue
		}
		c, prev, next, next2 := buf[n], buf[n-1], buf[n+1], buf[n+2]
		if prev == c && c != 'C' {
			continue
		}
		if mpIs(c, mpSame) || (n == start && mpIs(c, mpVowel)) {
			out = append(out, c)
			continue
		}
		switch c {
		case 'B':
			if n == end-1 && prev != 'M' {
				out = append(out, c)
			}
		case 'C':
			if prev != 'S' || !mpIs(next, mpFrontV) {
				switch {
				case next == 'I' && next2 == 'A':
					out = append(out, 'X')
				case mpIs(next, mpFrontV):
					out = append(out, 'S')
				case next == 'H':
					if (n == start && !mpIs(next2, mpVowel)) || prev == 'S' {
						out = append(out, 'K')
					} else {
						out = append(out, 'X')
					}
				default:
					out = append(out, 'K')
				}
			}
		case 'D':
			if next == 'G' && mpIs(next2, mpFrontV) {
				out = append(out, 'J')
			} else {
				out = append(out, 'T')
			}
		case 'G':
			if (next != 'J' || mpIs(next2, mpVowel)) &&
				(next != 'N' || (n+1 < end && (next2 != 'E' || buf[n+3] != 'D'))) &&
				(prev != 'D' || !mpIs(next, mpFrontV)) {
				if mpIs(next, mpFrontV) && next2 != 'G' {
					out = append(out, 'G')
				} else {
					out = append(out, 'K')
				}
			} else if next == 'H' && !mpIs(buf[n-3], mpNoGHF) && buf[n-4] != 'H' {
				out = append(out, 'F')
			}
		case 'H':
			if !mpIs(prev, mpVarson) && (!mpIs(prev, mpVowel) || mpIs(next, mpVowel)) {
				out = append(out, 'H')
			}
		case 'K':
			if prev != 'C' {
				out = append(out, 'K')
			}
		case 'P':
			if next == 'H' {
				out = append(out, 'F')
			} else {
				out = append(out, 'P')
			}
		case 'Q':
			out = append(out, 'K')
		case 'S':
			if next == 'H' || (next == 'I' && (next2 == 'O' || next2 == 'A')) {
				out = append(out, 'X')
			} else {
				out = append(out, 'S')
			}
		case 'T':
			switch {
			case next == 'I' && (next2 == 'O' || next2 == 'A'):
				out = append(out, 'X')
			case next == 'H':
				out = append(out, '0')
			case next != 'C' || next2 != 'H':
				out = append(out, 'T')
			}
		case 'V':
			out = append(out, 'F')
		case 'W', 'Y':
			if mpIs(next, mpVowel) {
				out = append(out, c)
			}
		case 'X':
			if n == start {
				out = append(out, 'S')
			} else {
				out = append(out, 'K')
				ks = true
			}
		case 'Z':
			out = append(out, 'S')
		}
	}
	return string(out)
}
