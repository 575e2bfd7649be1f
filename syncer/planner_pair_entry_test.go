package syncer

import (
	"testing"

	"ldapwiz/store"
)

// A pair reads its entry's id and DN from its link and its entry, holding
// them itself only when those say otherwise.
func TestPairEntry(t *testing.T) {
	link := &store.Link{StableID: "id-link", DN: "uid=old,dc=x"}
	dir := &DirUser{StableID: "id-dir", DN: "uid=new,dc=x"}
	for _, c := range []struct {
		name   string
		p      userPair
		id, dn string
	}{
		{"linked, entry found by the link", userPair{link: link, dir: dir}, "id-link", "uid=new,dc=x"},
		{"linked, entry gone", userPair{link: link}, "id-link", "uid=old,dc=x"},
		{"directory only", userPair{dir: dir}, "id-dir", "uid=new,dc=x"},
		{"store only", userPair{}, "", ""},
	} {
		if id, dn := c.p.entryID(), c.p.entryDN(); id != c.id || dn != c.dn {
			t.Errorf("%s: %q, %q; want %q, %q", c.name, id, dn, c.id, c.dn)
		}
		p := c.p
		p.setEntry(c.id, c.dn)
		if p.entry != nil {
			t.Errorf("%s: setEntry of what the pair reads anyway holds a copy", c.name)
		}
		p.setEntry("id-new", "uid=created,dc=x")
		if p.entry == nil || p.entryID() != "id-new" || p.entryDN() != "uid=created,dc=x" {
			t.Errorf("%s: after setEntry %q, %q", c.name, p.entryID(), p.entryDN())
		}
	}
}

// The index of entries by DN is kept for planning only while a store user
// without a directory entry may be created there.
func TestMayCreateInDirectory(t *testing.T) {
	dir := &DirUser{StableID: "id", DN: "uid=a,dc=x"}
	st := &store.SyncUser{Username: "b"}
	for _, c := range []struct {
		name  string
		users []*userPair
		want  bool
	}{
		{"first import", []*userPair{{dir: dir}}, false},
		{"store user with its entry", []*userPair{{st: st, dir: dir}}, false},
		{"store user without an entry", []*userPair{{dir: dir}, {st: st}}, true},
		{"linked store user whose entry is gone", []*userPair{{st: st, link: &store.Link{StableID: "id"}}}, true},
	} {
		pl := &planner{users: c.users}
		if got := pl.mayCreateInDirectory(); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
