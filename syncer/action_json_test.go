package syncer

import (
	"encoding/json"
	"reflect"
	"testing"
)

// everyField returns a copy of a with every exported field set from s (a
// string field to s, a bool to true, an int to 7, a list to two of them),
// so that a field added to Action shows in encoding/json's text at once.
func everyField(t testing.TB, s string) Action {
	var a Action
	v := reflect.ValueOf(&a).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, ft := v.Field(i), v.Type().Field(i)
		if !ft.IsExported() {
			continue
		}
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
					t.Fatalf("Action.%s is a list of %s: teach appendActionJSON and this test", ft.Name, e)
				}
				f.Set(reflect.ValueOf([]AttrDiff{{Field: s, Attr: s, Old: s, New: s}, {Field: s, New: s}}))
			}
		default:
			t.Fatalf("Action.%s is a %s: teach appendActionJSON and this test", ft.Name, f.Kind())
		}
	}
	return a
}

// checkActionJSON fails unless appendActionJSON writes a as json.Marshal does.
func checkActionJSON(t *testing.T, a Action) {
	t.Helper()
	want, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendActionJSON(nil, &a, a.Diffs); string(got) != string(want) {
		t.Errorf("appendActionJSON:\n got %s\nwant %s", got, want)
	}
}

func TestActionJSONMatchesEncodingJSON(t *testing.T) {
	checkActionJSON(t, Action{})
	checkActionJSON(t, Action{Diffs: []AttrDiff{}, Members: []string{}}) // empty lists are left out too
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
		a.Name, a.Hidden, a.Failed, a.ResultCode = u, flag, !flag, code
		a.Diffs = append(a.Diffs, AttrDiff{Field: u, Old: s})
		checkActionJSON(t, a)
		checkActionJSON(t, Action{Side: s, Op: u, DN: s, ResultCode: code})
	})
}

// checkChangeDetail fails unless appendChangeDetail writes a's detail as
// json.Marshal writes its changeDetail.
func checkChangeDetail(t *testing.T, a Action) {
	t.Helper()
	var diffs []changeDiff
	for _, d := range a.Diffs {
		diffs = append(diffs, changeDiff(d))
	}
	want, err := json.Marshal(changeDetail{Reason: a.Reason, OldDN: a.OldDN, Member: a.Member, Diffs: diffs})
	if err != nil {
		t.Fatal(err)
	}
	if got := appendChangeDetail(nil, &a, a.Diffs); string(got) != string(want) {
		t.Errorf("appendChangeDetail:\n got %s\nwant %s", got, want)
	}
}

func TestChangeDetailMatchesEncodingJSON(t *testing.T) {
	checkChangeDetail(t, Action{})
	checkChangeDetail(t, Action{Member: "m"})
	checkChangeDetail(t, Action{Diffs: []AttrDiff{{Field: "f", New: ""}}})
	for _, s := range []string{"x", `a "quoted" \ path`, "<b>&amp;</b>", "line\nbreak\x01", "é €", "\u2028", "bad \xff", ""} {
		checkChangeDetail(t, everyField(t, s))
	}
}

func FuzzChangeDetail(f *testing.F) {
	f.Add("new in the directory", "", "", "mail", "a@example.com", "")
	f.Add("", "uid=a,dc=example,dc=com", "bob", "", "<&>", "\x00")
	f.Fuzz(func(t *testing.T, reason, oldDN, member, attr, v, old string) {
		checkChangeDetail(t, Action{Reason: reason, OldDN: oldDN, Member: member,
			Diffs: []AttrDiff{{Field: attr, Attr: attr, Old: old, New: v}, {Field: v, New: old}}})
		checkChangeDetail(t, Action{Reason: reason, Member: member})
	})
}
