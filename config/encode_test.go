package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func sampleConfig() testConfig {
	return testConfig{
		Connection: testConnection{
			URL:          "ldaps://[::1]:636",
			StartTLS:     false,
			BindPassword: "quote\" back\\slash\ttab\nnew line \x01 ünï",
			PageSize:     500,
		},
		Users: testUsers{
			SearchBase: `cn=Doe\, John,ou=people,dc=example,dc=com`,
			Classes:    []string{"posixAccount", "x\"y"},
			Attributes: testAttributes{Email: "mail", Ratio: 2},
		},
		Skipped: "never written",
	}
}

func TestEncodeCommentedLayout(t *testing.T) {
	out, err := EncodeCommented(sampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if !strings.HasPrefix(text, "# ldapwiz configuration (TOML).\n") {
		t.Fatalf("no header:\n%s", text)
	}
	wantInOrder := []string{
		"# How to connect.\n[connection]\n# Directory URL.\nurl = \"ldaps://[::1]:636\"\n",
		"# Use StartTLS.\nstart_tls = false\n",
		`bind_password = "quote\" back\\slash\ttab\nnew line \u0001 ünï"` + "\n",
		"page_size = 500\n",
		"# Users.\n[users]\n# Where users are.\n" + `search_base = "cn=Doe\\, John,ou=people,dc=example,dc=com"` + "\n",
		`additional_object_classes = ["posixAccount", "x\"y"]` + "\n",
		"# Attribute map.\n[users.attributes]\n# Mail attribute.\nemail = \"mail\"\n",
		"Ratio = 2.0\n",
	}
	pos := 0
	for _, w := range wantInOrder {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("missing or out of order %q in:\n%s", w, text)
		}
		pos += i + len(w)
	}
	if strings.Contains(text, "never written") {
		t.Fatal(`toml:"-" field was written`)
	}
	// The output is valid TOML for another decoder too.
	var back testConfig
	if _, err := toml.Decode(text, &back); err != nil {
		t.Fatalf("BurntSushi/toml rejects the output: %v\n%s", err, text)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := sampleConfig()
	first, err := EncodeCommented(in)
	if err != nil {
		t.Fatal(err)
	}
	var back testConfig
	if err := DecodeTOML("mem", first, &back); err != nil {
		t.Fatal(err)
	}
	in.Skipped = ""
	if !reflect.DeepEqual(back, in) {
		t.Fatalf("round trip changed values:\n got %+v\nwant %+v", back, in)
	}
	second, err := EncodeCommented(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("save, load, save is not stable:\n%s\n---\n%s", first, second)
	}
}

func TestEncodeEmptyListAndNilSlice(t *testing.T) {
	c := testConfig{}
	out, err := EncodeCommented(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "additional_object_classes = []\n") {
		t.Fatalf("nil slice should be written as []:\n%s", out)
	}
}

func TestEncodeMapsAndPointers(t *testing.T) {
	type withMap struct {
		Labels map[string]string `toml:"labels" comment:"Labels."`
		Ptr    *int              `toml:"ptr"`
		NilPtr *string           `toml:"nil_ptr"`
	}
	n := 7
	out, err := EncodeCommented(withMap{Labels: map[string]string{"b": "2", "a.b": "1"}, Ptr: &n})
	if err != nil {
		t.Fatal(err)
	}
	want := "ptr = 7\n\n# Labels.\n[labels]\n\"a.b\" = \"1\"\nb = \"2\"\n"
	if !strings.HasSuffix(string(out), want) {
		t.Fatalf("got:\n%s\nwant suffix:\n%s", out, want)
	}
	var back withMap
	if err := DecodeTOML("mem", out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Labels["a.b"] != "1" || back.Ptr == nil || *back.Ptr != 7 || back.NilPtr != nil {
		t.Fatalf("decoded %+v", back)
	}
}

func TestEncodeRejectsNonStruct(t *testing.T) {
	if _, err := EncodeCommented(42); err == nil {
		t.Fatal("want an error")
	}
	var p *testConfig
	if _, err := EncodeCommented(p); err == nil {
		t.Fatal("want an error for nil pointer")
	}
}
