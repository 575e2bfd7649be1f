package wizard

import (
	"bytes"
	"ldapwiz/config"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// handWritten is a config as a person might write it: keys out of order,
// an inline table, odd spacing, comments and strings needing escapes.
const handWritten = `# my ldapwiz
[users]
object_class="inetOrgPerson"   # people
search_base = 'ou=people,dc=example,dc=com'
filter = "(&(mail=*)(cn=Doe\\, *))"
additional_object_classes = [ "posixAccount",
  "shadowAccount" ]
attributes = { email = "mail", first_name = "givenName", last_name = "sn", phone = "" }

[connection]
url = "ldaps://[::1]:1636"
bind_dn = "cn=Doe\\, John,ou=people,dc=example,dc=com"
bind_password_env = "LDAP_PW"
page_size = 1000
verify_tls = true

[groups]
sync_only = ["Admins", "Développeurs"]

[sync]
mode = "import"
max_delete = "5"

[store]
path = "/var/lib/ldapwiz/ldapwiz.db"
`

func TestConfigRoundTripHandWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	if err := os.WriteFile(path, []byte(handWritten), 0o600); err != nil {
		t.Fatal(err)
	}
	first := Default()
	if err := config.LoadTOML(path, &first); err != nil {
		t.Fatal(err)
	}
	if first.Users.Filter != `(&(mail=*)(cn=Doe\, *))` || first.Connection.PageSize != 1000 ||
		first.Connection.Timeout != "10s" || first.Groups.SyncOnly[1] != "Développeurs" || first.Users.Attributes.Phone != "" {
		t.Fatalf("loaded %+v", first)
	}
	data, err := config.EncodeCommented(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := config.SaveAtomic(path, data); err != nil {
		t.Fatal(err)
	}
	second := Default()
	if err := config.LoadTOML(path, &second); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("load, save, load changed settings:\n%+v\n%+v", first, second)
	}
	again, err := config.EncodeCommented(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Fatalf("save, load, save not byte-identical:\n%s\n---\n%s", data, again)
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != handWritten {
		t.Fatal("the hand-written original was not kept as .bak")
	}
}

func TestConfigRoundTripDefaultsAndPresets(t *testing.T) {
	all := []Settings{Default()}
	for _, p := range Presets() {
		s, _ := Preset(p.Name)
		all = append(all, s)
	}
	for i, s := range all {
		data, err := config.EncodeCommented(s)
		if err != nil {
			t.Fatal(err)
		}
		back := Settings{}
		if err := config.DecodeTOML("mem", data, &back); err != nil {
			t.Fatalf("%d: %v\n%s", i, err, data)
		}
		if !reflect.DeepEqual(s, back) {
			t.Fatalf("%d: round trip changed settings:\n%+v\n%+v", i, s, back)
		}
	}
}

// TestExampleConfig keeps assets/ldapwiz.example.toml loadable, valid apart
// from its placeholders, and in the exact format ldapwiz writes.
func TestExampleConfig(t *testing.T) {
	path := filepath.Join("..", "assets", "ldapwiz.example.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := Default()
	if err := config.DecodeTOML(path, data, &s); err != nil {
		t.Fatal(err)
	}
	out, err := config.EncodeCommented(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatalf("%s is not in canonical form; regenerate it:\n%s", path, out)
	}
	opts := ValidateOptions{
		Getenv:   func(k string) string { return map[string]string{"LDAPWIZ_BIND_PASSWORD": "x"}[k] },
		ReadFile: func(string) ([]byte, error) { return []byte("x"), nil },
	}
	s.Store.Path = filepath.Join(t.TempDir(), "ldapwiz.db")
	s.Connection.CAFile = ""
	if ps := Validate(s, opts); len(ps) != 0 {
		t.Fatalf("example has problems:\n%s", renderProblems(ps))
	}
}

// TestSavedFileCommentsEverySetting checks that the file ldapwiz writes has
// a comment line directly above every key and every table header, for the
// defaults and each preset, so a person can edit it by hand.
func TestSavedFileCommentsEverySetting(t *testing.T) {
	all := map[string]Settings{"default": Default()}
	for _, p := range Presets() {
		s, _ := Preset(p.Name)
		all[p.Name] = s
	}
	for name, s := range all {
		data, err := config.EncodeCommented(s)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		keys := 0
		for i, line := range lines {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			keys++
			if i == 0 || !strings.HasPrefix(lines[i-1], "# ") || len(strings.TrimSpace(strings.TrimPrefix(lines[i-1], "#"))) < 10 {
				t.Errorf("%s: line %d %q has no comment above it", name, i+1, line)
			}
		}
		// 7 tables + [users.attributes], and every leaf setting.
		if want := 8 + countLeaves(reflect.TypeOf(Settings{})); keys != want {
			t.Errorf("%s: %d keys and headers written, want %d:\n%s", name, keys, want, data)
		}
	}
}

// countLeaves counts the non-struct fields of t, recursively.
func countLeaves(t reflect.Type) int {
	n := 0
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i).Type; f.Kind() == reflect.Struct {
			n += countLeaves(f)
		} else {
			n++
		}
	}
	return n
}
