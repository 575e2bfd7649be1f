package syncer

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// A user read by the search reader keeps its entry's text: its values are
// sliced from it, nothing is copied.
func TestSetValuesSlicesTheEntryText(t *testing.T) {
	text := strings.Repeat("x", 3) + "uid=a,dc=x" + "a" + "a@x" + "Ann"
	dn, name, mail, first := text[3:13], text[13:14], text[14:17], text[17:20]
	u := &DirUser{StableID: "1", DN: dn}
	vals := [textSlots]string{name, mail, first}
	u.setValues(text, &vals, accountDisabled, []string{FieldUsername, FieldEmail, FieldFirstName, FieldDisabled})
	if unsafe.StringData(u.vals.text) != unsafe.StringData(text) || u.DN != dn {
		t.Errorf("the values were copied, not sliced from the entry's text")
	}
	for f, want := range map[string]string{FieldUsername: "a", FieldEmail: "a@x", FieldFirstName: "Ann", FieldLastName: "", FieldPhone: "", FieldDisabled: "true"} {
		if got := u.value(f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	if u.otherIDs() != nil {
		t.Errorf("otherIDs = %#v, want nil", u.otherIDs())
	}
}

// A value that is not the entry text's own (equal bytes elsewhere, a
// rendered binary value) makes the user's strings copied into one block.
func TestSetValuesCopiesWhatIsNotInTheText(t *testing.T) {
	text := "uid=b,dc=xb"
	other := strings.Clone("b@x")
	u := &DirUser{StableID: "2", DN: text[:10]}
	u.setMore([]string{}, nil, nil)
	vals := [textSlots]string{text[10:], other}
	u.setValues(text, &vals, accountUnread, []string{FieldUsername, FieldEmail})
	if unsafe.StringData(u.vals.text) == unsafe.StringData(text) {
		t.Fatal("kept the entry's text though a value lies outside it")
	}
	if u.username() != "b" || u.value(FieldEmail) != "b@x" || u.value(FieldDisabled) != "" || u.DN != "uid=b,dc=x" || u.more != nil {
		t.Errorf("copied user: %+v", u)
	}
	if _, ok := offsetIn(text, u.DN); ok {
		t.Errorf("the DN was not copied with the values")
	}
}

func TestOffsetIn(t *testing.T) {
	text := "abcdef"
	for _, c := range []struct {
		v    string
		off  int
		want bool
	}{
		{text[0:2], 0, true},
		{text[4:], 4, true},
		{text[6:], 0, true}, // empty: anywhere
		{"", 0, true},
		{strings.Clone("cd"), 0, false}, // equal bytes, not text's
		{text, 0, true},
	} {
		off, ok := offsetIn(text, c.v)
		if ok != c.want || off != c.off {
			t.Errorf("offsetIn(%q) = %d, %v; want %d, %v", c.v, off, ok, c.off, c.want)
		}
	}
	if _, ok := offsetIn("", "x"); ok {
		t.Error("a value lies within an empty text")
	}
	long := "abcdefgh"
	if _, ok := offsetIn(long[:4], long[2:6]); ok {
		t.Error("a value running past the end of text lies within it")
	}
}

// A sync holds a DirUser per user: what only some entries have (other
// ids, account-state attributes, memberOf values) stays out of it.
func TestDirUserSize(t *testing.T) {
	if n := unsafe.Sizeof(DirUser{}); n > 88 {
		t.Errorf("a DirUser is %d bytes, want at most 88", n)
	}
}

// Values the 16-bit slots cannot address are kept whole: a value lying
// beyond the entry text's first 64 KiB is copied with the entry's other
// strings, and values longer than 64 KiB in all go to Values, holding the
// read's fields as a read that keeps Values does.
func TestSetValuesBeyond64KiB(t *testing.T) {
	fields := []string{FieldUsername, FieldEmail, FieldFirstName, FieldPhone}
	far := strings.Repeat("m", 70_000) // e.g. many memberOf values before the values
	text := "uid=c,dc=x" + far + "c" + "c@x"
	u := &DirUser{StableID: "3", DN: text[:10]}
	vals := [textSlots]string{text[len(text)-4 : len(text)-3], text[len(text)-3:]}
	u.setValues(text, &vals, accountUnread, fields)
	if u.Values != nil || unsafe.StringData(u.vals.text) == unsafe.StringData(text) {
		t.Errorf("a value beyond 64 KiB: Values %v, text kept %v; want the values copied", u.Values != nil, unsafe.StringData(u.vals.text) == unsafe.StringData(text))
	}
	if u.username() != "c" || u.value(FieldEmail) != "c@x" || u.DN != "uid=c,dc=x" {
		t.Errorf("copied user: %q %q %q", u.username(), u.value(FieldEmail), u.DN)
	}

	long := strings.Repeat("é", 40_000) // 80,000 bytes
	text = "uid=d,dc=x" + "d" + long
	u = &DirUser{StableID: "4", DN: text[:10]}
	vals = [textSlots]string{text[10:11], "", text[11:]}
	u.setValues(text, &vals, accountDisabled, fields)
	want := map[string]string{FieldUsername: "d", FieldEmail: "", FieldFirstName: long, FieldPhone: ""}
	if !reflect.DeepEqual(u.Values, want) {
		t.Fatalf("values over 64 KiB: Values = %.60v, want the read's fields", u.Values)
	}
	if u.value(FieldFirstName) != long || u.username() != "d" || !reflect.DeepEqual(u.valueMap(fields), want) {
		t.Error("the long value does not read back whole")
	}
}
