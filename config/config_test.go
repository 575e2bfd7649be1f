package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testConfig has the shapes the real settings use: tables, a sub-table,
// strings, bools, ints and lists.
type testConfig struct {
	Connection testConnection `toml:"connection" comment:"How to connect."`
	Users      testUsers      `toml:"users" comment:"Users."`
	Skipped    string         `toml:"-"`
}

type testConnection struct {
	URL          string `toml:"url" comment:"Directory URL."`
	StartTLS     bool   `toml:"start_tls" comment:"Use StartTLS."`
	BindPassword string `toml:"bind_password" comment:"Inline password."`
	PageSize     int    `toml:"page_size" comment:"Page size."`
}

type testUsers struct {
	SearchBase string         `toml:"search_base" comment:"Where users are."`
	Classes    []string       `toml:"additional_object_classes" comment:"Extra classes."`
	Attributes testAttributes `toml:"attributes" comment:"Attribute map."`
}

type testAttributes struct {
	Email string `toml:"email" comment:"Mail attribute."`
	Ratio float64
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadIssues(t *testing.T, text string) (*ConfigError, testConfig) {
	t.Helper()
	var c testConfig
	err := LoadTOML(writeFile(t, text), &c)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConfigError, got %v", err)
	}
	return ce, c
}

func TestLoadTOMLFillsAndKeepsDefaults(t *testing.T) {
	c := testConfig{Connection: testConnection{PageSize: 500, URL: "ldap://default"}}
	err := LoadTOML(writeFile(t, `
[connection]
url = "ldaps://ldap.example.com"
start_tls = true

[users]
search_base = "cn=Doe\\, John,ou=people,dc=example,dc=com"
additional_object_classes = ["a", "b"]
attributes = { email = "mail" }
`), &c)
	if err != nil {
		t.Fatal(err)
	}
	want := testConfig{
		Connection: testConnection{URL: "ldaps://ldap.example.com", StartTLS: true, PageSize: 500},
		Users: testUsers{
			SearchBase: `cn=Doe\, John,ou=people,dc=example,dc=com`,
			Classes:    []string{"a", "b"},
			Attributes: testAttributes{Email: "mail"},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestLoadTOMLMissingFile(t *testing.T) {
	var c testConfig
	path := filepath.Join(t.TempDir(), "nope.toml")
	err := LoadTOML(path, &c)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want fs.ErrNotExist, got %v", err)
	}
	var nc *NoConfigError
	if !errors.As(err, &nc) || nc.Path != path {
		t.Fatalf("want *NoConfigError for %s, got %#v", path, err)
	}
	if !strings.Contains(err.Error(), "no config file at "+path) || !strings.Contains(err.Error(), "run ldapwiz to create one") {
		t.Fatalf("message: %v", err)
	}
}

func TestLoadTOMLUnknownKeysAllReportedWithSuggestions(t *testing.T) {
	ce, c := loadIssues(t, `# a comment
[connection]
url = "ldap://x"
URL = "ldap://y"

[users]
serach_base = "dc=example,dc=com"
additional_object_classes = ["ok"]
start_tls = true
completely_unrelated_thing = 1

[users.attributes]
emial = "mail"

[user]
search_base = "x"
`)
	if ce.Syntax {
		t.Fatal("not a syntax error")
	}
	want := []ConfigIssue{
		{Line: 4, Column: 1, Key: "connection.URL", Message: "unknown setting; did you mean connection.url?"},
		{Line: 7, Column: 1, Key: "users.serach_base", Message: "unknown setting; did you mean users.search_base?"},
		{Line: 9, Column: 1, Key: "users.start_tls", Message: "unknown setting; did you mean connection.start_tls?"},
		{Line: 10, Column: 1, Key: "users.completely_unrelated_thing", Message: "unknown setting; check the spelling against the documented settings"},
		{Line: 13, Column: 1, Key: "users.attributes.emial", Message: "unknown setting; did you mean users.attributes.email?"},
		{Line: 15, Column: 1, Key: "user", Message: "unknown setting; did you mean users?"},
	}
	if !reflect.DeepEqual(ce.Issues, want) {
		t.Fatalf("issues:\n%s\nwant:\n%v", ce.Error(), want)
	}
	// Known keys were still decoded.
	if c.Connection.URL != "ldap://x" || !reflect.DeepEqual(c.Users.Classes, []string{"ok"}) {
		t.Fatalf("known keys not decoded: %+v", c)
	}
	if !strings.Contains(ce.Error(), "line 7, column 1: users.serach_base: unknown setting; did you mean users.search_base?") {
		t.Fatalf("rendering: %s", ce.Error())
	}
}

func TestLoadTOMLTypeMismatchesAllReported(t *testing.T) {
	ce, c := loadIssues(t, `[connection]
url = 5
start_tls = "yes"
page_size = "500"
bind_password = 12345

[users]
additional_object_classes = "top"
attributes = "mail"
`)
	got := map[string]string{}
	for _, is := range ce.Issues {
		got[is.Key] = is.Message
		if strings.Contains(is.String(), "12345") {
			t.Fatalf("secret value leaked: %s", is)
		}
	}
	want := map[string]string{
		"connection.url":                  "expected a text value in double quotes, found a whole number; put it in quotes: url = \"5\"",
		"connection.start_tls":            "expected true or false, found a text value",
		"connection.page_size":            "expected a whole number, found a text value",
		"connection.bind_password":        "expected a text value in double quotes, found a whole number",
		"users.additional_object_classes": "expected a list like [text value in double quotes, ...], found a text value",
		"users.attributes":                "expected a table of settings, found a text value",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if ce.Issues[0].Line != 2 || ce.Issues[0].Key != "connection.url" {
		t.Fatalf("first issue should be line 2 connection.url: %+v", ce.Issues[0])
	}
	if c.Connection.PageSize != 0 || c.Connection.URL != "" {
		t.Fatalf("mismatched values must leave fields alone: %+v", c)
	}
}

func TestLoadTOMLListElementMismatch(t *testing.T) {
	ce, _ := loadIssues(t, "[users]\nadditional_object_classes = [\n  \"a\",\n  2,\n]\n")
	if len(ce.Issues) != 1 || ce.Issues[0].Key != "users.additional_object_classes[1]" || ce.Issues[0].Line != 2 {
		t.Fatalf("issues: %+v", ce.Issues)
	}
}

func TestLoadTOMLSyntaxErrorHasLineAndColumn(t *testing.T) {
	ce, _ := loadIssues(t, "[connection]\nurl = \"ldap://x\"\nstart_tls = = true\n")
	if !ce.Syntax || len(ce.Issues) != 1 {
		t.Fatalf("want one syntax issue: %+v", ce)
	}
	is := ce.Issues[0]
	if is.Line != 3 || is.Column != 13 {
		t.Fatalf("position: line %d column %d, want 3:13 (%s)", is.Line, is.Column, is)
	}
	if !strings.Contains(ce.Error(), "line 3, column 13") || !strings.Contains(is.Message, "not valid TOML") {
		t.Fatalf("message: %s", ce.Error())
	}
}

func TestLoadTOMLSyntaxErrorHidesSecrets(t *testing.T) {
	ce, _ := loadIssues(t, "[connection]\nbind_password = hunter2\n")
	if !ce.Syntax || ce.Issues[0].Line != 2 {
		t.Fatalf("issues: %+v", ce.Issues)
	}
	if strings.Contains(ce.Error(), "hunter2") || strings.Contains(ce.Error(), `"h"`) {
		t.Fatalf("secret leaked: %s", ce.Error())
	}
	if !strings.Contains(ce.Error(), "quoted string") {
		t.Fatalf("want a fix: %s", ce.Error())
	}
}

func TestLoadTOMLDuplicateKey(t *testing.T) {
	ce, _ := loadIssues(t, "[connection]\nurl = \"a\"\nurl = \"b\"\n")
	if !ce.Syntax || ce.Issues[0].Line != 3 {
		t.Fatalf("issues: %+v", ce.Issues)
	}
}

func TestScanKeyLines(t *testing.T) {
	kl := scanKeyLines(`top = 1
[a]
  "quoted key" = 1
b.c = 2
s = """
x = 1
"""
arr = [
  "y = 2",
]
t = { q = 1 }
[ d . "e" ]
k = 'v' # comment = 3
[[f]]
g = 1
`)
	want := keyLines{
		"top": {1, 1}, "a": {2, 1}, "a.quoted key": {3, 3}, "a.b.c": {4, 1}, "a.s": {5, 1},
		"a.arr": {8, 1}, "a.t": {11, 1}, "d.e": {12, 1}, "d.e.k": {13, 1}, "f": {14, 1}, "f.g": {15, 1},
	}
	if !reflect.DeepEqual(kl, want) {
		t.Fatalf("got %v\nwant %v", kl, want)
	}
	if p := kl.find("a.t.q"); p != (keyPos{11, 1}) {
		t.Fatalf("inline table key falls back to its table: %v", p)
	}
}

func TestSuggestKey(t *testing.T) {
	valid := validKeys(reflect.TypeFor[testConfig]())
	cases := map[string]string{
		"users.serach_base":       "users.search_base",
		"users.search_bas":        "users.search_base",
		"connection.starttls":     "connection.start_tls",
		"conection":               "connection",
		"users.attributes.Email":  "users.attributes.email",
		"users.page_size":         "connection.page_size",
		"connection.xyzzy_plugh":  "",
		"users.attributes.ration": "users.attributes.Ratio",
	}
	for in, want := range cases {
		if got := suggestKey(in, valid); got != want {
			t.Errorf("suggestKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"serach", "search", 1}, {"kitten", "sitting", 3}, {"größe", "grösse", 2}}
	for _, c := range cases {
		if got := osaDistance(c.a, c.b); got != c.d {
			t.Errorf("osaDistance(%q,%q)=%d want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestDecodeTOMLRejectsBadDestination(t *testing.T) {
	var s string
	if err := DecodeTOML("x", []byte("a=1"), &s); err == nil {
		t.Fatal("want an error for a non-struct destination")
	}
}

func TestKeyLines(t *testing.T) {
	got := KeyLines([]byte("[connection]\nurl = \"x\"\n\n[users.attributes]\nemail = \"mail\"\n"))
	want := map[string]int{"connection": 1, "connection.url": 2, "users.attributes": 4, "users.attributes.email": 5}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}

// TestUnclosedTableHeaderIsOnItsOwnLine: "[connection" with no "]" on line
// 1 is reported at line 1, at the end of the header, not at line 2.
func TestUnclosedTableHeaderIsOnItsOwnLine(t *testing.T) {
	var v struct {
		Connection struct {
			URL string `toml:"url"`
		} `toml:"connection"`
	}
	err := DecodeTOML("f.toml", []byte("[connection\nurl = \"x\"\n"), &v)
	var ce *ConfigError
	if !errors.As(err, &ce) || len(ce.Issues) != 1 {
		t.Fatalf("want one syntax issue, got %v", err)
	}
	if is := ce.Issues[0]; is.Line != 1 || is.Column != 12 {
		t.Fatalf("reported at line %d, column %d; want line 1, column 12: %v", is.Line, is.Column, is)
	}
}
