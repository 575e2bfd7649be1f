package syncer

import (
	"encoding/json"
	"strings"
	"testing"

	"ldapwiz/store"
)

// A create from an entry writes the user and the link's base a map of its
// values would: with the base encoded straight from the entry when it can
// be (what the store read compares bases with), through the map otherwise.
func TestLinkedUserAsTheValuesMapWrites(t *testing.T) {
	fields := []string{FieldUsername, FieldEmail, FieldLastName, FieldFirstName}
	entry := func(name, mail string) *DirUser {
		text := "uid=" + name + ",dc=x" + name + mail + "Ann"
		i := len("uid=" + name + ",dc=x")
		u := &DirUser{StableID: "id-" + name, DN: text[:i]}
		vals := [textSlots]string{text[i : i+len(name)], text[i+len(name) : i+len(name)+len(mail)], text[len(text)-3:]}
		u.setValues(text, &vals, accountDisabled, fields)
		return u
	}
	cases := []struct {
		name    string
		dir     *DirUser
		baseSet store.Values
		encoded bool // the base written as BaseJSON
	}{
		{"plain values", entry("ann", "ann@x"), nil, true},
		{"a value JSON escapes", entry("bob", `bob<"b"@x`), nil, false},
		{"a base set besides", entry("cid", "cid@x"), store.Values{"extra": {"1"}}, false},
		{"values as a map", &DirUser{StableID: "id-dee", DN: "uid=dee,dc=x", Values: map[string]string{FieldUsername: "dee", FieldEmail: "dee@x"}}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ap := &applier{cfg: syncConfig{fields: fields, enrollment: true}}
			d := &applyData{user: &userPair{dir: tc.dir}, baseSet: tc.baseSet}
			got := ap.linkedUser(d)
			v := tc.dir.valueMap(fields)
			want := store.LinkedUser{
				NewUser: store.NewUser{Username: v[FieldUsername], Email: v[FieldEmail], FirstName: v[FieldFirstName], LastName: v[FieldLastName],
					EnrollmentPending: true, FromLDAP: true},
				StableID: tc.dir.StableID, DN: tc.dir.DN,
			}
			if got.NewUser != want.NewUser || got.StableID != want.StableID || got.DN != want.DN {
				t.Errorf("user %+v, want %+v", got, want)
			}
			wantBase, _ := json.Marshal(d.createBase(v))
			gotBase := got.BaseJSON
			if (gotBase != "") != tc.encoded {
				t.Fatalf("BaseJSON %q: want it set: %v", gotBase, tc.encoded)
			}
			if !tc.encoded {
				js, _ := json.Marshal(got.Base)
				gotBase = string(js)
			}
			if gotBase != string(wantBase) {
				t.Errorf("base %s, want %s", gotBase, wantBase)
			}
			if strings.Contains(gotBase, "disabled") {
				t.Errorf("base %s holds a field not synced", gotBase)
			}
		})
	}
}
