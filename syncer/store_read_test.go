package syncer

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
	"unsafe"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// compactUser is dirUser as a sync's own read holds it: values packed by
// slot, no map.
func compactUser(id, dn string, vals map[string]string) *DirUser {
	u := &DirUser{StableID: id, DN: dn}
	var slots [textSlots]string
	state := accountUnread
	for f, v := range vals {
		if f == FieldDisabled {
			if v != "" {
				state = flagOf(v == "true")
			}
			continue
		}
		slots[fieldSlot(f)] = v
	}
	u.compactStrings(&slots, state, slices.Sorted(maps.Keys(vals)))
	return u
}

// encodedBase is a user link's base as the store keeps it.
func encodedBase(t testing.TB, vals map[string]string) string {
	b := store.Values{}
	for f, v := range vals {
		b[f] = []string{v}
	}
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// planDetail renders a plan and what each action carries for the applier.
func planDetail(t *testing.T, p *Plan) string {
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	out := string(js)
	for _, a := range p.Actions {
		if d := a.apply; d != nil {
			out += fmt.Sprintf("\n%s %s %s base=%v values=%v password=%v", a.Side, a.Op, a.Name, d.baseSet, d.values, d.password())
		}
	}
	return out
}

// TestPlanWithBaseFromDirectory: a plan made from links whose base is
// found to be the directory entry's values (and not kept) is the plan made
// from the decoded bases, for unchanged users and every kind of change.
func TestPlanWithBaseFromDirectory(t *testing.T) {
	const dn = "uid=a,ou=people,dc=example,dc=com"
	vals := func(mail string) map[string]string {
		return map[string]string{FieldUsername: "a", FieldEmail: mail, FieldFirstName: "F", FieldLastName: "L", FieldPhone: ""}
	}
	type scenario struct {
		name      string
		dir       map[string]string
		st        func(*store.SyncUser)
		base      map[string]string
		rawBase   string // when set, the base as stored instead of base
		linkDN    string
		fromDir   bool // the base is expected to be recognized as the entry's values
		skipPhone bool // the settings do not map phone (the base has it)
	}
	scenarios := []scenario{
		{name: "unchanged", dir: vals("a@x"), base: vals("a@x"), fromDir: true},
		{name: "changed in the directory", dir: vals("new@x"), base: vals("a@x")},
		{name: "changed in the store", dir: vals("a@x"), st: func(u *store.SyncUser) { u.Email = "st@x" }, base: vals("a@x"), fromDir: true},
		{name: "changed on both sides", dir: vals("d@x"), st: func(u *store.SyncUser) { u.Email = "s@x" }, base: vals("a@x")},
		{name: "same change on both sides", dir: vals("n@x"), st: func(u *store.SyncUser) { u.Email = "n@x" }, base: vals("a@x")},
		{name: "moved", dir: vals("a@x"), base: vals("a@x"), linkDN: "uid=a,ou=old,dc=example,dc=com", fromDir: true},
		{name: "password waiting", dir: vals("a@x"), st: func(u *store.SyncUser) { u.PasswordPending = true }, base: vals("a@x"), fromDir: true},
		{name: "missing", dir: vals("a@x"), st: func(u *store.SyncUser) { u.MissingSince = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, base: vals("a@x"), fromDir: true},
		{name: "deleted in the store", dir: vals("a@x"), st: func(u *store.SyncUser) { u.DeletedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, base: vals("a@x"), fromDir: true},
		{name: "a value json escapes", dir: vals("a<b>@x"), base: vals("a<b>@x")},
		{name: "a base with more keys", dir: vals("a@x"), rawBase: `{"email":["a@x"],"first_name":["F"],"last_name":["L"],"phone":[""],"placeholder:sn":["x"],"username":["a"]}`},
		{name: "a base written with other settings", dir: vals("a@x"), base: vals("a@x"), skipPhone: true, fromDir: true},
		{name: "no base values", dir: vals("a@x"), rawBase: `{}`},
	}
	modes := []struct{ mode, authority string }{
		{wizard.ModeImport, wizard.AuthorityLDAP}, {wizard.ModeOneWay, wizard.AuthorityStore},
		{wizard.ModeTwoWay, wizard.AuthorityLDAP}, {wizard.ModeTwoWay, wizard.AuthorityStore},
	}
	for _, sc := range scenarios {
		for _, m := range modes {
			t.Run(sc.name+"/"+m.mode+"/"+m.authority, func(t *testing.T) {
				s := planSettings(m.mode, m.authority)
				if sc.skipPhone {
					s.Users.Attributes.Phone = ""
				}
				cfg := newSyncConfig(s)
				raw := sc.rawBase
				if raw == "" {
					raw = encodedBase(t, sc.base)
				}
				linkDN := sc.linkDN
				if linkDN == "" {
					linkDN = dn
				}
				u := stUser(10, "a", "a@x")
				if sc.st != nil {
					sc.st(&u)
				}
				dirVals := map[string]string{}
				for _, f := range cfg.fields {
					dirVals[f] = sc.dir[f]
				}
				row := store.LinkRow{Link: store.Link{ID: 1, Kind: store.KindUser, LocalID: 10, StableID: "1", DN: linkDN}, BaseJSON: raw}

				// The reference: the base decoded up front.
				decoded, err := row.DecodeBase()
				if err != nil {
					t.Fatal(err)
				}
				refLink := row.Link
				refLink.Base = decoded
				refDir := &DirSnapshot{Users: []*DirUser{{StableID: "1", DN: dn, Values: dirVals}}}
				ref, err := planStore(cfg, refDir, &StoreSnapshot{Users: []store.SyncUser{u}, UserLinks: []store.Link{refLink}})
				if err != nil {
					t.Fatal(err)
				}

				// As a sync reads it: compact entries, links added one by one.
				dir := &DirSnapshot{Users: []*DirUser{compactUser("1", dn, dirVals)}}
				fields := append([]string(nil), cfg.fields...)
				if sc.skipPhone {
					fields = append(fields, FieldPhone) // the settings the base was written with
				}
				sort.Strings(fields)
				st := &StoreSnapshot{Users: []store.SyncUser{u}, dirByID: dirUsersByID(dir.Users), baseFields: fields}
				st.addUserLink(row, nil)
				if got := st.linkDir[0] != nil; got != sc.fromDir {
					t.Fatalf("base recognized as the entry's values: %v, want %v", got, sc.fromDir)
				}
				got, err := planStore(cfg, dir, st)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := planDetail(t, ref), planDetail(t, got); a != b {
					t.Errorf("plans differ:\ndecoded base: %s\nfrom the entry: %s", a, b)
				}
			})
		}
	}
}

// TestDirBaseMatchesJSON: the base appendDirBase writes is json.Marshal's
// encoding of the entry's values, or it declines.
func TestDirBaseMatchesJSON(t *testing.T) {
	for _, v := range []string{"", "plain", "a<b", "a&b", "quote\"", "back\\slash", "tab\t", "é ü 日本", "\u2028", "bad\xff", "\x7f"} {
		checkDirBase(t, v, "x")
	}
}

// FuzzDirBase checks appendDirBase against json.Marshal on any values.
func FuzzDirBase(f *testing.F) {
	f.Add("a@example.com", "Given")
	f.Add("a<b", "\u2029")
	f.Fuzz(func(t *testing.T, mail, first string) { checkDirBase(t, mail, first) })
}

func checkDirBase(t *testing.T, mail, first string) {
	t.Helper()
	fields := []string{FieldEmail, FieldFirstName, FieldUsername}
	u := compactUser("1", "uid=a", map[string]string{FieldUsername: "a", FieldEmail: mail, FieldFirstName: first})
	got, ok := appendDirBase(nil, fields, u)
	want, err := json.Marshal(dirBase(fields, u))
	if err != nil {
		t.Fatal(err)
	}
	if ok && string(got) != string(want) {
		t.Errorf("values %q %q: appendDirBase wrote %s, json.Marshal %s", mail, first, got, want)
	}
	if !ok && plainJSON(mail) && plainJSON(first) {
		t.Errorf("values %q %q: declined though plain", mail, first)
	}
	if ok {
		back, err := (&store.LinkRow{BaseJSON: string(got)}).DecodeBase()
		if err != nil || !reflect.DeepEqual(back, dirBase(fields, u)) {
			t.Errorf("values %q %q: %s decodes to %v (%v)", mail, first, got, back, err)
		}
	}
}

// TestCompactValues: a compact entry answers value and valueMap as the
// map of the same values does.
func TestCompactValues(t *testing.T) {
	vals := map[string]string{FieldUsername: "a", FieldEmail: "a@x", FieldFirstName: "F", FieldLastName: "", FieldDisabled: "true"}
	fields := []string{FieldUsername, FieldEmail, FieldFirstName, FieldLastName, FieldDisabled}
	c := compactUser("1", "uid=a,dc=x", vals)
	m := DirUser{StableID: "1", DN: "uid=a,dc=x", Values: vals}
	for _, f := range append(fields, FieldPhone, FieldName) {
		if c.value(f) != m.value(f) {
			t.Errorf("%s: compact %q, map %q", f, c.value(f), m.value(f))
		}
	}
	if got := c.valueMap(fields); !reflect.DeepEqual(got, vals) {
		t.Errorf("valueMap = %v, want %v", got, vals)
	}
	c.setMore([]string{"2"}, []ldap.Attribute{{Name: "nsAccountLock", Values: []string{"true"}}}, []string{"cn=g,dc=x", "cn=h,dc=x"})
	want := *c // its lists its own: compactStrings rewrites c's in place
	want.more = &dirUserMore{otherIDs: []string{"2"}, account: []ldap.Attribute{{Name: "nsAccountLock", Values: []string{"true"}}},
		memberOf: []string{"cn=g,dc=x", "cn=h,dc=x"}}
	var slots [textSlots]string
	for i := range slots {
		slots[i] = c.vals.slot(i)
	}
	c.compactStrings(&slots, c.vals.state, fields)
	if !reflect.DeepEqual(*c, want) || !reflect.DeepEqual(c.valueMap(fields), vals) {
		t.Errorf("compactStrings changed the entry: %+v", c)
	}
	// Every string now lies in one block, the exact size of them all.
	lo, hi, n := ^uintptr(0), uintptr(0), 0
	visit := func(v *string) {
		if *v == "" {
			return
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(*v)))
		lo, hi, n = min(lo, p), max(hi, p+uintptr(len(*v))), n+len(*v)
	}
	c.eachString(visit)
	visit(&c.vals.text)
	if hi-lo != uintptr(n) {
		t.Errorf("the entry's %d bytes of strings span %d bytes, not one block of theirs", n, hi-lo)
	}
}
