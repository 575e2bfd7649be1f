package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// ConfigIssue is one thing wrong in a config file: a syntax error, an unknown
// key or a value of the wrong type. It never contains a setting's value.
type ConfigIssue struct {
	Line    int    // 1-based line in the file; 0 when unknown
	Column  int    // 1-based column; 0 when unknown
	Key     string // dotted key, e.g. "users.search_base"; empty for a syntax error before any key
	Message string // what is wrong and how to fix it
}

// String renders the issue as "line 3, column 1: users.serach_base: message".
func (i ConfigIssue) String() string {
	var b strings.Builder
	if i.Line > 0 {
		fmt.Fprintf(&b, "line %d", i.Line)
		if i.Column > 0 {
			fmt.Fprintf(&b, ", column %d", i.Column)
		}
		b.WriteString(": ")
	}
	if i.Key != "" {
		b.WriteString(i.Key)
		b.WriteString(": ")
	}
	b.WriteString(i.Message)
	return b.String()
}

// ConfigError lists every issue found while loading a config file. When it
// holds no syntax error, the destination was still filled with every value
// that could be decoded, so callers may go on validating it.
type ConfigError struct {
	Path   string
	Syntax bool // the file is not valid TOML; nothing was decoded
	Issues []ConfigIssue
}

// Error renders all issues, one per line, prefixed by the file path.
func (e *ConfigError) Error() string {
	lines := make([]string, 0, len(e.Issues))
	for _, is := range e.Issues {
		lines = append(lines, e.Path+": "+is.String())
	}
	return strings.Join(lines, "\n")
}

// NoConfigError says the config file does not exist. It matches
// fs.ErrNotExist with errors.Is.
type NoConfigError struct {
	Path string
}

// Error says which file is missing and how to create one.
func (e *NoConfigError) Error() string {
	return fmt.Sprintf("no config file at %s; run ldapwiz to create one, or name another file with -c FILE", e.Path)
}

// Is reports whether target is fs.ErrNotExist.
func (e *NoConfigError) Is(target error) bool { return target == fs.ErrNotExist }

// LoadTOML reads the TOML file at path into dst, a pointer to a struct whose
// fields carry `toml` tags. Fields the file does not mention keep the values
// dst already holds, so callers pass defaults in.
//
// Errors: a *NoConfigError (errors.Is(err, fs.ErrNotExist)) when the file is
// missing; a *ConfigError listing every syntax error, unknown key (with a
// "did you mean" suggestion) and type mismatch; other errors for unreadable
// files. Values are never quoted in errors, so secrets stay out of them.
func LoadTOML(path string, dst any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &NoConfigError{Path: path}
	}
	if err != nil {
		return fmt.Errorf("cannot read config file: %w", err)
	}
	return DecodeTOML(path, data, dst)
}

// DecodeTOML is LoadTOML on data already read; name is used in errors.
func DecodeTOML(name string, data []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("store.DecodeTOML: destination must be a non-nil pointer to a struct, not %T", dst)
	}
	text := string(data)
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		return &ConfigError{Path: name, Syntax: true, Issues: []ConfigIssue{syntaxIssue(text, err)}}
	}
	d := &tomlDecoder{lines: scanKeyLines(text), valid: validKeys(rv.Elem().Type())}
	d.decodeStruct("", raw, rv.Elem())
	if len(d.issues) > 0 {
		sort.SliceStable(d.issues, func(i, j int) bool {
			a, b := d.issues[i], d.issues[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return &ConfigError{Path: name, Issues: d.issues}
	}
	return nil
}

// syntaxIssue turns a TOML parse error into an issue with line and column,
// hiding the message when it might quote a secret value.
func syntaxIssue(text string, err error) ConfigIssue {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return ConfigIssue{Message: "not valid TOML: " + err.Error()}
	}
	is := ConfigIssue{Line: pe.Position.Line, Key: pe.LastKey}
	if pe.Position.Start >= 0 && pe.Position.Start <= len(text) {
		// Count from the offset: the parser puts an error found at a
		// newline (an unclosed table header) on the line after it.
		before := text[:pe.Position.Start]
		lineStart := strings.LastIndexByte(before, '\n') + 1
		is.Line = strings.Count(before, "\n") + 1
		is.Column = len([]rune(text[lineStart:pe.Position.Start])) + 1
	}
	msg := pe.Message
	if isSecretKey(pe.LastKey) {
		msg = "the value is not valid TOML (not shown: this setting holds a secret); write it as a quoted string"
	}
	is.Message = "not valid TOML: " + msg + hintFor(msg)
	return is
}

// hintFor adds a fix for the most common hand-editing mistakes.
func hintFor(msg string) string {
	switch {
	case strings.Contains(msg, "expected value but found"):
		return " (put text values in double quotes, e.g. key = \"value\")"
	case strings.Contains(msg, "strings cannot contain newlines"):
		return " (a quote is missing at the end of the line)"
	case strings.Contains(msg, "already been defined"), strings.Contains(msg, "already created"):
		return " (remove the duplicate)"
	}
	return ""
}

// isSecretKey reports whether a dotted key names a value that must never be shown.
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "password") || strings.Contains(k, "secret")
}
