package syncer

import (
	"bytes"
	"encoding/json"
	"testing"

	"ldapwiz/store"
)

// TestEncodeJSON: EncodeJSON writes what json.Encoder.Encode writes, for
// plans with no, one and many actions, text that JSON escapes, and a
// server URL that looks like the actions field.
func TestEncodeJSON(t *testing.T) {
	type out struct {
		Plan        *Plan  `json:"plan"`
		WouldRefuse string `json:"would_refuse,omitempty"`
	}
	many := &Plan{Mode: "import", Actions: []Action{}, Skipped: []Skip{}, Conflicts: []Conflict{}}
	for i := 0; i < 50; i++ {
		many.Actions = append(many.Actions, Action{Side: SideStore, Op: OpCreate, Kind: store.KindUser, Name: "u<&>\u2028é",
			DN: `uid=a\,b,dc=x`, Diffs: []AttrDiff{{Field: FieldEmail, Attr: "mail", New: "a\"b@x"}}}.With(ActionDetail{Members: []string{"x"}}))
	}
	plans := map[string]*Plan{
		"no actions":  {Mode: "two-way", Actions: []Action{}, Skipped: []Skip{{Kind: store.KindUser, Reason: SkipDuplicate}}},
		"nil actions": {Mode: "two-way"},
		"one action":  {Mode: "one-way", Server: `ldap://x/"actions":[]`, Actions: []Action{{Side: SideLDAP, Op: OpDelete, Hidden: true}}},
		"many":        many,
	}
	for name, p := range plans {
		for _, refuse := range []string{"", "more than 10% deleted <sic>"} {
			v := out{Plan: p, WouldRefuse: refuse}
			var want, got bytes.Buffer
			if err := json.NewEncoder(&want).Encode(v); err != nil {
				t.Fatal(err)
			}
			if err := EncodeJSON(&got, v, p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.String() != want.String() {
				t.Errorf("%s: EncodeJSON wrote\n%s\nwant\n%s", name, got.String(), want.String())
			}
		}
	}
}
