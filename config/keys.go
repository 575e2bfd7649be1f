package config

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// keyPos is where a key starts in a TOML file (1-based).
type keyPos struct{ line, col int }

// keyLines maps dotted keys to the place they are written.
type keyLines map[string]keyPos

// find returns the position of key, or of its nearest enclosing table or
// inline table when the key itself was not seen (e.g. list elements).
func (kl keyLines) find(key string) keyPos {
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	for key != "" {
		if p, ok := kl[key]; ok {
			return p
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return keyPos{}
}

// scanKeyLines finds the line of every table header and key assignment in a
// syntactically valid TOML text. It understands the layouts people write by
// hand (headers, dotted and quoted keys, multi-line strings and arrays); keys
// inside inline tables are attributed to the inline table's own key.
func scanKeyLines(text string) keyLines {
	kl := keyLines{}
	table := ""
	inMultiline := "" // the closing delimiter of an open multi-line string
	depth := 0        // open brackets of a multi-line array or inline table
	for n, line := range strings.Split(text, "\n") {
		ln := n + 1
		if inMultiline != "" {
			if strings.Count(line, inMultiline)%2 == 1 {
				inMultiline = ""
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		col := utf8.RuneCountInString(line[:len(line)-len(strings.TrimLeft(line, " \t"))]) + 1
		if depth > 0 {
			depth += bracketDelta(trimmed)
			continue
		}
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		if trimmed[0] == '[' {
			inner := strings.TrimPrefix(trimmed, "[[")
			inner = strings.TrimPrefix(inner, "[")
			if end := strings.IndexByte(inner, ']'); end >= 0 {
				table = normalizeKey(inner[:end])
				if _, seen := kl[table]; !seen {
					kl[table] = keyPos{ln, col}
				}
			}
			continue
		}
		eq := keyEnd(trimmed)
		if eq < 0 {
			continue
		}
		key := joinKey(table, normalizeKey(trimmed[:eq]))
		if _, seen := kl[key]; !seen {
			kl[key] = keyPos{ln, col}
		}
		value := strings.TrimSpace(trimmed[eq+1:])
		for _, delim := range []string{`"""`, `'''`} {
			if strings.HasPrefix(value, delim) && strings.Count(value, delim)%2 == 1 {
				inMultiline = delim
			}
		}
		if inMultiline == "" {
			depth = bracketDelta(value)
			if depth < 0 {
				depth = 0
			}
		}
	}
	return kl
}

// keyEnd returns the index of the '=' ending the key part of a key/value
// line, skipping quoted key parts; -1 when the line has none.
func keyEnd(line string) int {
	end := -1
	eachCodeByte(line, func(i int) bool {
		if line[i] == '=' {
			end = i
			return false
		}
		return true
	})
	return end
}

// eachCodeByte calls fn with the index of every byte of a TOML line that is
// outside quoted strings, up to a comment; fn returns false to stop.
func eachCodeByte(s string, fn func(i int) bool) {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return
		default:
			if !fn(i) {
				return
			}
		}
	}
}

// normalizeKey turns a written key (`users . "search_base"`) into its dotted form.
func normalizeKey(k string) string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(k) {
				i++
				cur.WriteByte(k[i])
			} else if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	return strings.Join(parts, ".")
}

// bracketDelta counts opening minus closing brackets and braces outside
// strings and comments, to follow values spanning several lines.
func bracketDelta(s string) int {
	delta := 0
	eachCodeByte(s, func(i int) bool {
		switch s[i] {
		case '[', '{':
			delta++
		case ']', '}':
			delta--
		}
		return true
	})
	return delta
}

// suggestKey returns the valid key closest to the unknown one, or "" when
// none is close enough to be a plausible typo.
func suggestKey(unknown string, valid []string) string {
	unknownLeaf := leafKey(unknown)
	best, bestScore := "", 1<<30
	for _, v := range valid {
		var score int
		switch {
		case strings.EqualFold(v, unknown):
			score = 0
		case leafKey(v) == unknownLeaf:
			score = 1 // the right name in the wrong table
		default:
			score = 2 * osaDistance(strings.ToLower(unknown), strings.ToLower(v))
		}
		if score < bestScore {
			best, bestScore = v, score
		}
	}
	limit := 2 * max(1, min(3, utf8.RuneCountInString(unknownLeaf)/3))
	if bestScore > limit {
		return ""
	}
	return best
}

func leafKey(k string) string {
	return k[strings.LastIndexByte(k, '.')+1:]
}

// osaDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent characters.
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// sortedKeys returns m's keys in order, so issues come out deterministically.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// KeyLines returns the 1-based line on which each dotted key and table
// header is written in a TOML text, e.g. {"connection.bind_dn": 3}, so
// callers can point at the line of a setting that failed validation. Keys
// inside inline tables are not listed.
func KeyLines(data []byte) map[string]int {
	kl := scanKeyLines(string(data))
	out := make(map[string]int, len(kl))
	for k, p := range kl {
		out[k] = p.line
	}
	return out
}
