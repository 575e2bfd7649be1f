package config

import (
	"bytes"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// configHeader opens every file EncodeCommented writes.
const configHeader = `# ldapwiz configuration (TOML).
# Written by ldapwiz; safe to edit by hand. The comment above each setting says
# what it does. Check your edits with: ldapwiz validate -c FILE
`

// EncodeCommented renders v, a struct (or pointer to one) with `toml` and
// `comment` tags, as TOML: a header comment, then every key in struct order
// with its `comment` tag as a "# " line above it. Scalar keys come before
// sub-tables, as TOML requires; lists are written inline.
func EncodeCommented(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, fmt.Errorf("store.EncodeCommented: nil %T", v)
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("store.EncodeCommented: need a struct, not %T", v)
	}
	var buf bytes.Buffer
	buf.WriteString(configHeader)
	e := &tomlEncoder{buf: &buf}
	if err := e.table(nil, "", rv); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type tomlEncoder struct {
	buf *bytes.Buffer
}

// table writes the keys of struct or map value v under the header for
// path (none for the root), then its sub-tables.
func (e *tomlEncoder) table(path []string, comment string, v reflect.Value) error {
	prefix := strings.Join(path, ".")
	entries, err := tableEntries(v)
	if err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	if len(path) > 0 {
		e.buf.WriteString("\n")
		writeComment(e.buf, comment)
		e.buf.WriteString("[" + encodeDottedKey(path) + "]\n")
	}
	first := true
	var subs []tomlField
	for _, f := range entries {
		fv := indirect(f.value)
		if !fv.IsValid() {
			continue // nil pointer: leave the key out
		}
		if isTable(fv) {
			subs = append(subs, tomlField{key: f.key, comment: f.comment, value: fv})
			continue
		}
		s, err := encodeValue(fv)
		if err != nil {
			return fmt.Errorf("%s: %w", joinKey(prefix, f.key), err)
		}
		if !first && f.comment != "" {
			e.buf.WriteString("\n")
		}
		first = false
		writeComment(e.buf, f.comment)
		e.buf.WriteString(encodeKeyPart(f.key) + " = " + s + "\n")
	}
	for _, f := range subs {
		if err := e.table(append(path[:len(path):len(path)], f.key), f.comment, f.value); err != nil {
			return err
		}
	}
	return nil
}

// tableEntries lists the keys of a struct (declaration order) or a map with
// string keys (sorted).
func tableEntries(v reflect.Value) ([]tomlField, error) {
	if v.Kind() == reflect.Struct {
		return structFields(v), nil
	}
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return nil, fmt.Errorf("cannot write %s as a TOML table", v.Type())
	}
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	out := make([]tomlField, 0, len(keys))
	for _, k := range keys {
		out = append(out, tomlField{key: k.String(), value: v.MapIndex(k)})
	}
	return out, nil
}

// isTable reports whether v is written as a [table] rather than a value.
func isTable(v reflect.Value) bool {
	if _, ok := v.Interface().(encoding.TextMarshaler); ok {
		return false
	}
	switch v.Kind() {
	case reflect.Struct:
		return v.Type() != reflect.TypeFor[time.Time]()
	case reflect.Map:
		return true
	}
	return false
}

func indirect(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// encodeValue renders a scalar or a list of scalars as inline TOML.
func encodeValue(v reflect.Value) (string, error) {
	if tm, ok := v.Interface().(encoding.TextMarshaler); ok && v.Type() != reflect.TypeFor[time.Time]() {
		b, err := tm.MarshalText()
		if err != nil {
			return "", err
		}
		return quoteString(string(b)), nil
	}
	switch v.Kind() {
	case reflect.String:
		return quoteString(v.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			return "", fmt.Errorf("%d does not fit a TOML integer", v.Uint())
		}
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return encodeFloat(v.Float()), nil
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.Format(time.RFC3339Nano), nil
		}
	case reflect.Slice, reflect.Array:
		parts := make([]string, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			ev := indirect(v.Index(i))
			if !ev.IsValid() || isTable(ev) {
				return "", fmt.Errorf("lists of tables or nil values are not supported")
			}
			s, err := encodeValue(ev)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("cannot write a %s value as TOML", v.Type())
}

func encodeFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// quoteString writes s as a TOML basic string: printable UTF-8 as is, the
// few characters TOML requires escaped, and other control characters as \uXXXX.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// encodeKeyPart writes one key segment bare when TOML allows it, quoted otherwise.
func encodeKeyPart(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return quoteString(k)
		}
	}
	return k
}

// encodeDottedKey writes a table name from its path segments.
func encodeDottedKey(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = encodeKeyPart(p)
	}
	return strings.Join(parts, ".")
}

// writeComment writes each line of c as a "# " comment line.
func writeComment(b *bytes.Buffer, c string) {
	if c == "" {
		return
	}
	for _, line := range strings.Split(c, "\n") {
		b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
	}
}
