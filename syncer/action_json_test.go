package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// everyField returns an action with every field JSON lists (actionFields)
// set from s (a string field to s, a bool to true, an int to 7, a list to
// two of them), so that a field added there shows in encoding/json's text
// at once.
func everyField(t testing.TB, s string) Action {
	var a actionFields
	v := reflect.ValueOf(&a).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, ft := v.Field(i), v.Type().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(s)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(7)
		case reflect.Slice:
			switch e := f.Type().Elem(); e.Kind() {
			case reflect.String:
				f.Set(reflect.ValueOf([]string{s, s + "2"}))
			default:
				if e != reflect.TypeOf(AttrDiff{}) {
					t.Fatalf("actionFields.%s is a list of %s: teach appendActionJSON and this test", ft.Name, e)
				}
				f.Set(reflect.ValueOf([]AttrDiff{{Field: s, Attr: s, Old: s, New: s}, {Field: s, New: s}}))
			}
		default:
			t.Fatalf("actionFields.%s is a %s: teach appendActionJSON and this test", ft.Name, f.Kind())
		}
	}
	return a.action()
}

// checkActionJSON fails unless appendActionJSON, and so json.Marshal
// (Action.MarshalJSON), writes a as encoding/json's reflection writes its
// actionFields, and unless UnmarshalJSON reads that text as encoding/json
// reads actionFields.
func checkActionJSON(t *testing.T, a Action) {
	t.Helper()
	want, err := json.Marshal(a.fields(a.Diffs))
	if err != nil {
		t.Fatal(err)
	}
	if got := appendActionJSON(nil, &a, a.Diffs); string(got) != string(want) {
		t.Errorf("appendActionJSON:\n got %s\nwant %s", got, want)
	}
	if got, err := json.Marshal(a); err != nil || string(got) != string(want) {
		t.Errorf("json.Marshal:\n got %s, %v\nwant %s", got, err, want)
	}
	var back Action
	var plain actionFields
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatalf("json.Unmarshal %s: %v", want, err)
	}
	if err := json.Unmarshal(want, &plain); err != nil {
		t.Fatal(err)
	}
	if got := back.fields(back.Diffs); !reflect.DeepEqual(got, plain) {
		t.Errorf("UnmarshalJSON:\n got %+v\nwant %+v", got, plain)
	}
}

// TestActionFieldsListEveryField fails when Action or ActionDetail gains
// an exported field that actionFields, and so the JSON of an action, does
// not list with the same type.
func TestActionFieldsListEveryField(t *testing.T) {
	listed := reflect.TypeOf(actionFields{})
	for _, typ := range []reflect.Type{reflect.TypeOf(Action{}), reflect.TypeOf(ActionDetail{})} {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			if l, ok := listed.FieldByName(f.Name); !ok || l.Type != f.Type {
				t.Errorf("%s.%s (%s) is not in actionFields with its type: add it there, to appendActionJSON and to actionFields.action", typ.Name(), f.Name, f.Type)
			}
		}
	}
}

// TestActionDetailIsNotShared: editing a copy's detail leaves the
// original's as it was.
func TestActionDetailIsNotShared(t *testing.T) {
	a := Action{Op: OpAddMember}.With(ActionDetail{Member: "ann"})
	b := a
	b.editDetail(func(d *ActionDetail) { d.Error = "refused" })
	if a.ErrorText() != "" || a.Member() != "ann" || b.ErrorText() != "refused" || b.Member() != "ann" {
		t.Errorf("original %+v, copy %+v", a.Detail(), b.Detail())
	}
	if (Action{}).With(ActionDetail{}).detail != nil {
		t.Error("an empty detail is held")
	}
}

func TestActionJSONMatchesEncodingJSON(t *testing.T) {
	checkActionJSON(t, Action{})
	checkActionJSON(t, Action{Diffs: []AttrDiff{}}.With(ActionDetail{Members: []string{}})) // empty lists are left out too
	for _, s := range []string{"x", `a "quoted" \ path`, "<b>&amp;</b>", "line\nbreak\ttab\x01\x7f", "é ünï €", "\u2028\u2029", "bad \xff utf-8", ""} {
		checkActionJSON(t, everyField(t, s))
	}
}

func FuzzActionJSON(f *testing.F) {
	for _, s := range []string{"uid=a,dc=example,dc=com", "<>&", "\x00", "\xed\xa0\x80", "ok"} {
		f.Add(s, s, false, 0)
	}
	f.Fuzz(func(t *testing.T, s, u string, flag bool, code int) {
		a := everyField(t, s)
		a.Name, a.Hidden, a.Failed = u, flag, !flag
		a.editDetail(func(d *ActionDetail) { d.ResultCode = code })
		a.Diffs = append(a.Diffs, AttrDiff{Field: u, Old: s})
		checkActionJSON(t, a)
		checkActionJSON(t, Action{Side: s, Op: u, DN: s}.With(ActionDetail{ResultCode: code}))
	})
}

// checkPlainJSON fails unless plainJSON calls s plain exactly when
// json.Marshal writes it as it is between quotes, and appendJSONString
// writes what json.Marshal does.
func checkPlainJSON(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if plain := string(want) == `"`+s+`"`; plainJSON(s) != plain {
		t.Errorf("plainJSON(%q) = %v; json.Marshal writes %s", s, !plain, want)
	}
	if got := appendJSONString(nil, s); string(got) != string(want) {
		t.Errorf("appendJSONString(%q) = %s, json.Marshal %s", s, got, want)
	}
}

// TestPlainJSONMatchesEncodingJSON tries every byte alone and inside
// text, and the multi-byte sequences encoding/json treats apart.
func TestPlainJSONMatchesEncodingJSON(t *testing.T) {
	for c := 0; c < 256; c++ {
		checkPlainJSON(t, string([]byte{byte(c)}))
		checkPlainJSON(t, "ab"+string([]byte{byte(c)})+"cd")
	}
	for _, s := range []string{"", "é", "€", "\U0001F600", "\uFFFD", "\u2027", "\u2028", "\u2029", "\u202a",
		"\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "José Müller", "uid=a,dc=example,dc=com"} {
		checkPlainJSON(t, s)
		checkPlainJSON(t, "x"+s+"y")
	}
}

func FuzzPlainJSON(f *testing.F) {
	for _, s := range []string{"a@example.com", "<&>", "\x7f", "é\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(checkPlainJSON)
}

// changeDetail and changeDiff are the changes table's detail column as
// encoding/json would write it from the action's fields: the reference
// appendChangeDetail is held to.
type changeDetail struct {
	Reason string       `json:"reason,omitempty"`
	OldDN  string       `json:"old_dn,omitempty"`
	Member string       `json:"member,omitempty"`
	Diffs  []changeDiff `json:"diffs,omitempty"`
}

type changeDiff struct {
	Field string `json:"field"`
	Attr  string `json:"attr,omitempty"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new"`
}

// checkChangeDetail fails unless appendChangeDetail writes a's detail as
// json.Marshal writes its changeDetail.
func checkChangeDetail(t *testing.T, a Action) {
	t.Helper()
	var diffs []changeDiff
	for _, d := range a.Diffs {
		diffs = append(diffs, changeDiff(d))
	}
	want, err := json.Marshal(changeDetail{Reason: a.Reason, OldDN: a.OldDN(), Member: a.Member(), Diffs: diffs})
	if err != nil {
		t.Fatal(err)
	}
	if got := appendChangeDetail(nil, &a, a.Diffs); string(got) != string(want) {
		t.Errorf("appendChangeDetail:\n got %s\nwant %s", got, want)
	}
}

func TestChangeDetailMatchesEncodingJSON(t *testing.T) {
	checkChangeDetail(t, Action{})
	checkChangeDetail(t, Action{}.With(ActionDetail{Member: "m"}))
	checkChangeDetail(t, Action{Diffs: []AttrDiff{{Field: "f", New: ""}}})
	for _, s := range []string{"x", `a "quoted" \ path`, "<b>&amp;</b>", "line\nbreak\x01", "é €", "\u2028", "bad \xff", ""} {
		checkChangeDetail(t, everyField(t, s))
	}
}

func FuzzChangeDetail(f *testing.F) {
	f.Add("new in the directory", "", "", "mail", "a@example.com", "")
	f.Add("", "uid=a,dc=example,dc=com", "bob", "", "<&>", "\x00")
	f.Fuzz(func(t *testing.T, reason, oldDN, member, attr, v, old string) {
		checkChangeDetail(t, Action{Reason: reason,
			Diffs: []AttrDiff{{Field: attr, Attr: attr, Old: old, New: v}, {Field: v, New: old}}}.With(ActionDetail{OldDN: oldDN, Member: member}))
		checkChangeDetail(t, Action{Reason: reason}.With(ActionDetail{Member: member}))
	})
}

// A store create planned from an entry keeps no Diffs of its own: its
// values still reach every output (EncodeJSON, json.Marshal of the plan,
// the changes table's detail).
func TestStoreCreateValuesReachEveryOutput(t *testing.T) {
	p := PlanSnapshots(planSettings(wizard.ModeImport, wizard.AuthorityLDAP),
		&DirSnapshot{Users: []*DirUser{dirUser("id-1", "uid=ann,dc=x", "ann", "ann@example.com")}}, &StoreSnapshot{})
	if len(p.Actions) != 1 || p.Actions[0].Op != OpCreate || p.Actions[0].Diffs != nil {
		t.Fatalf("want one store create without Diffs of its own, got %+v", p.Actions)
	}
	want := `{"field":"email","attr":"mail","old":"","new":"ann@example.com"}`
	var enc bytes.Buffer
	if err := EncodeJSON(&enc, struct {
		Plan *Plan `json:"plan"`
	}{p}, p); err != nil {
		t.Fatal(err)
	}
	marshalled, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"EncodeJSON": enc.String(), "json.Marshal": string(marshalled)} {
		if !strings.Contains(out, want) {
			t.Errorf("%s leaves out the create's values: %s", name, out)
		}
	}
	var rows []store.Change
	ap := &applier{pending: &rows}
	if err := ap.addChange(context.Background(), nil, &p.Actions[0]); err != nil || len(rows) != 1 {
		t.Fatalf("addChange: %v, %d rows", err, len(rows))
	}
	if detail := string(rows[0].Detail); !strings.Contains(detail, `{"field":"email","attr":"mail","new":"ann@example.com"}`) {
		t.Errorf("the change row's detail leaves out the create's values: %s", detail)
	}
}

// Writers of a whole plan list each action's diffs into one reused list
// (AppendAttrDiffs): whatever the action before held, EncodeJSON and the
// change rows of one applier write each action as it alone encodes.
func TestReusedDiffListsMatchEachAction(t *testing.T) {
	const dnA, dnB = "uid=a,ou=people,dc=example,dc=com", "uid=b,ou=people,dc=example,dc=com"
	short := dirUser("2", dnB, "b", "")
	short.Values[FieldFirstName], short.Values[FieldLastName] = "", ""
	d := &DirSnapshot{Users: []*DirUser{
		dirUser("1", dnA, "a", "new@x"), // linked: an update
		short,                           // only in the directory: a store create with one value
		dirUser("3", "uid=c,ou=people,dc=example,dc=com", "c", "c@x"), // a store create with four
	}}
	st := &StoreSnapshot{Users: []store.SyncUser{stUser(10, "a", "old@x"), stUser(11, "z", "z@x")},
		UserLinks: []store.Link{link(10, "1", dnA, baseOf("a", "old@x"))}}
	p := PlanSnapshots(planSettings(wizard.ModeTwoWay, wizard.AuthorityLDAP), d, st)
	if len(p.Actions) < 4 {
		t.Fatalf("want an update and three creates, got %s", ops(p))
	}
	var enc bytes.Buffer
	if err := EncodeJSON(&enc, struct {
		Plan *Plan `json:"plan"`
	}{p}, p); err != nil {
		t.Fatal(err)
	}
	marshalled, err := json.Marshal(struct {
		Plan *Plan `json:"plan"`
	}{p})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSuffix(enc.String(), "\n"); got != string(marshalled) {
		t.Errorf("EncodeJSON:\n%s\njson.Marshal:\n%s", got, marshalled)
	}
	var rows []store.Change
	ap := &applier{pending: &rows}
	for i := range p.Actions {
		if err := ap.addChange(context.Background(), nil, &p.Actions[i]); err != nil {
			t.Fatal(err)
		}
	}
	k := 0
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Hidden {
			continue
		}
		if want := appendChangeDetail(nil, a, a.AttrDiffs()); string(rows[k].Detail) != string(want) {
			t.Errorf("change row of %s %s: %s, want %s", a.Op, a.Name, rows[k].Detail, want)
		}
		k++
	}
}
