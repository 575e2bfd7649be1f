package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
)

// tomlDecoder copies a parsed TOML document into a struct field by field,
// collecting every unknown key and type mismatch instead of stopping at the first.
type tomlDecoder struct {
	lines  keyLines // where each dotted key appears in the file
	valid  []string // every dotted key the destination accepts
	issues []ConfigIssue
}

// tomlField is one settable struct field and its TOML key.
type tomlField struct {
	key     string
	comment string
	value   reflect.Value
}

// structFields lists the fields of struct value v that map to TOML keys, in
// declaration order, flattening untagged embedded structs.
func structFields(v reflect.Value) []tomlField {
	var out []tomlField
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			out = append(out, structFields(v.Field(i))...)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, tomlField{key: name, comment: sf.Tag.Get("comment"), value: v.Field(i)})
	}
	return out
}

// validKeys lists every dotted key (tables and leaves) a struct type accepts.
func validKeys(t reflect.Type) []string {
	var out []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for _, f := range structFields(reflect.New(t).Elem()) {
			key := joinKey(prefix, f.key)
			out = append(out, key)
			ft := f.value.Type()
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
				walk(key, ft)
			}
		}
	}
	walk("", t)
	return out
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// decodeStruct fills struct v from table m; prefix is the table's dotted key.
func (d *tomlDecoder) decodeStruct(prefix string, m map[string]any, v reflect.Value) {
	fields := map[string]reflect.Value{}
	for _, f := range structFields(v) {
		fields[f.key] = f.value
	}
	for _, k := range sortedKeys(m) {
		key := joinKey(prefix, k)
		fv, ok := fields[k]
		if !ok {
			d.unknown(key)
			continue
		}
		d.assign(key, m[k], fv)
	}
}

// assign stores TOML value val into field fv, or records why it cannot.
func (d *tomlDecoder) assign(key string, val any, fv reflect.Value) {
	if fv.Kind() == reflect.Pointer {
		nv := reflect.New(fv.Type().Elem())
		if !fv.IsNil() {
			nv.Elem().Set(fv.Elem())
		}
		before := len(d.issues)
		d.assign(key, val, nv.Elem())
		if len(d.issues) == before {
			fv.Set(nv)
		}
		return
	}
	if tu, ok := fv.Addr().Interface().(encoding.TextUnmarshaler); ok && fv.Type() != reflect.TypeFor[time.Time]() {
		s, isStr := val.(string)
		if !isStr {
			d.mismatch(key, fv.Type(), val)
			return
		}
		if err := tu.UnmarshalText([]byte(s)); err != nil {
			msg := "invalid value: " + err.Error()
			if isSecretKey(key) {
				msg = "invalid value (not shown: this setting holds a secret)"
			}
			d.add(key, msg)
		}
		return
	}
	switch fv.Kind() {
	case reflect.String:
		if s, ok := val.(string); ok {
			fv.SetString(s)
			return
		}
	case reflect.Bool:
		if b, ok := val.(bool); ok {
			fv.SetBool(b)
			return
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := val.(int64); ok {
			if fv.OverflowInt(n) {
				d.add(key, fmt.Sprintf("the number is too large for this setting (at most %d)", int64(math.MaxInt64>>(64-fv.Type().Bits()))))
				return
			}
			fv.SetInt(n)
			return
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := val.(int64); ok {
			if n < 0 || fv.OverflowUint(uint64(n)) {
				d.add(key, "the number must be zero or positive and small enough for this setting")
				return
			}
			fv.SetUint(uint64(n))
			return
		}
	case reflect.Float32, reflect.Float64:
		switch n := val.(type) {
		case float64:
			fv.SetFloat(n)
			return
		case int64:
			fv.SetFloat(float64(n))
			return
		}
	case reflect.Interface:
		if fv.NumMethod() == 0 {
			fv.Set(reflect.ValueOf(val))
			return
		}
	case reflect.Slice:
		if d.assignSlice(key, val, fv) {
			return
		}
	case reflect.Map:
		if m, ok := val.(map[string]any); ok && fv.Type().Key().Kind() == reflect.String {
			nm := reflect.MakeMapWithSize(fv.Type(), len(m))
			for _, k := range sortedKeys(m) {
				ev := reflect.New(fv.Type().Elem()).Elem()
				d.assign(joinKey(key, k), m[k], ev)
				nm.SetMapIndex(reflect.ValueOf(k).Convert(fv.Type().Key()), ev)
			}
			fv.Set(nm)
			return
		}
	case reflect.Struct:
		if fv.Type() == reflect.TypeFor[time.Time]() {
			if t, ok := val.(time.Time); ok {
				fv.Set(reflect.ValueOf(t))
				return
			}
			break
		}
		if m, ok := val.(map[string]any); ok {
			d.decodeStruct(key, m, fv)
			return
		}
	}
	d.mismatch(key, fv.Type(), val)
}

// assignSlice fills slice fv from a TOML array; false means val is not an array.
func (d *tomlDecoder) assignSlice(key string, val any, fv reflect.Value) bool {
	rv := reflect.ValueOf(val)
	if val == nil || rv.Kind() != reflect.Slice {
		return false
	}
	ns := reflect.MakeSlice(fv.Type(), rv.Len(), rv.Len())
	before := len(d.issues)
	for i := 0; i < rv.Len(); i++ {
		d.assign(fmt.Sprintf("%s[%d]", key, i), rv.Index(i).Interface(), ns.Index(i))
	}
	if len(d.issues) == before {
		fv.Set(ns)
	}
	return true
}

// mismatch records that val has the wrong TOML type for a field of type want.
func (d *tomlDecoder) mismatch(key string, want reflect.Type, val any) {
	msg := fmt.Sprintf("expected %s, found %s", describeType(want), describeValue(val))
	switch val.(type) {
	case int64, float64, bool:
		if want.Kind() == reflect.String && !isSecretKey(key) {
			msg += fmt.Sprintf("; put it in quotes: %s = \"%v\"", leafKey(key), val)
		}
	}
	d.add(key, msg)
}

// unknown records a key the destination does not have, with a suggestion.
func (d *tomlDecoder) unknown(key string) {
	msg := "unknown setting"
	if s := suggestKey(key, d.valid); s != "" {
		msg += "; did you mean " + s + "?"
	} else {
		msg += "; check the spelling against the documented settings"
	}
	d.add(key, msg)
}

func (d *tomlDecoder) add(key, msg string) {
	pos := d.lines.find(key)
	d.issues = append(d.issues, ConfigIssue{Line: pos.line, Column: pos.col, Key: key, Message: msg})
}

// describeType names a Go type the way a person editing TOML thinks of it.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a text value in double quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list like [" + strings.TrimPrefix(describeType(t.Elem()), "a ") + ", ...]"
	case reflect.Map, reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return "a date and time"
		}
		return "a table of settings"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return t.String()
}

// describeValue names the TOML type of a decoded value, never the value itself.
func describeValue(v any) string {
	switch v.(type) {
	case string:
		return "a text value"
	case bool:
		return "a true/false value"
	case int64:
		return "a whole number"
	case float64:
		return "a decimal number"
	case time.Time:
		return "a date and time"
	case map[string]any:
		return "a table"
	case []map[string]any, []any:
		return "a list"
	}
	return fmt.Sprintf("a %T value", v)
}
