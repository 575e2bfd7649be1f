package syncer

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Planner tests on in-memory snapshots: fast, no directory.

func dirUser(id, dn, uid, mail string) *DirUser {
	return &DirUser{StableID: id, DN: dn, Values: map[string]string{
		FieldUsername: uid, FieldEmail: mail, FieldFirstName: "F", FieldLastName: "L", FieldPhone: ""}}
}

func stUser(id int64, uid, mail string) store.SyncUser {
	return store.SyncUser{ID: id, Username: uid, Email: mail, FirstName: "F", LastName: "L"}
}

func link(local int64, id, dn string, base map[string]string) store.Link {
	b := store.Values{}
	for k, v := range base {
		b[k] = []string{v}
	}
	return store.Link{Kind: store.KindUser, LocalID: local, StableID: id, DN: dn, Base: b}
}

func baseOf(uid, mail string) map[string]string {
	return map[string]string{FieldUsername: uid, FieldEmail: mail, FieldFirstName: "F", FieldLastName: "L", FieldPhone: ""}
}

func planSettings(mode, authority string) wizard.Settings {
	s := wizard.Default()
	s.Sync.Mode, s.Sync.Authority = mode, authority
	return s
}

// ops renders visible actions as "side op name" lines for comparison.
func ops(p *Plan) string {
	var out []string
	for _, a := range p.Visible() {
		s := a.Side + " " + a.Op + " " + a.Name
		if a.Member() != "" {
			s += " " + a.Member()
		}
		for _, d := range a.AttrDiffs() {
			s += " " + d.Field + ":" + d.Old + "->" + d.New
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func TestPlanSnapshots(t *testing.T) {
	const dnA = "uid=a,ou=people,dc=example,dc=com"
	linkedBoth := func(storeMail, dirMail string) (*DirSnapshot, *StoreSnapshot) {
		return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "a", dirMail)}},
			&StoreSnapshot{Users: []store.SyncUser{stUser(10, "a", storeMail)},
				UserLinks: []store.Link{link(10, "1", dnA, baseOf("a", "old@x"))}}
	}
	tests := []struct {
		name, mode, authority string
		snaps                 func() (*DirSnapshot, *StoreSnapshot)
		want                  string
		conflicts             int
	}{
		{"import creates store users", wizard.ModeImport, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "a", "a@x")}}, &StoreSnapshot{}
		}, "store create a username:->a email:->a@x first_name:->F last_name:->L", 0},
		{"one-way ignores directory-only users", wizard.ModeOneWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "a", "a@x")}}, &StoreSnapshot{}
		}, "", 0},
		{"two-way creates store-only users in the directory", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{}, &StoreSnapshot{Users: []store.SyncUser{stUser(10, "b", "b@x")}}
		}, "ldap create b username:->b email:->b@x first_name:->F last_name:->L", 0},
		{"first sync: authority ldap wins a conflict", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "a", "dir@x")}}, &StoreSnapshot{Users: []store.SyncUser{stUser(10, "a", "st@x")}}
		}, "store update a email:st@x->dir@x", 1},
		{"first sync: authority store wins a conflict", wizard.ModeTwoWay, wizard.AuthorityStore, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "a", "dir@x")}}, &StoreSnapshot{Users: []store.SyncUser{stUser(10, "a", "st@x")}}
		}, "ldap update a email:dir@x->st@x", 1},
		{"store change flows to the directory", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return linkedBoth("new@x", "old@x")
		}, "ldap update a email:old@x->new@x", 0},
		{"directory change flows to the store", wizard.ModeTwoWay, wizard.AuthorityStore, func() (*DirSnapshot, *StoreSnapshot) {
			return linkedBoth("old@x", "new@x")
		}, "store update a email:old@x->new@x", 0},
		{"both changed: authority store", wizard.ModeTwoWay, wizard.AuthorityStore, func() (*DirSnapshot, *StoreSnapshot) {
			return linkedBoth("st@x", "dir@x")
		}, "ldap update a email:dir@x->st@x", 1},
		{"one-way leaves a directory-only change", wizard.ModeOneWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return linkedBoth("old@x", "new@x")
		}, "", 0},
		{"import reverts a store change", wizard.ModeImport, wizard.AuthorityStore, func() (*DirSnapshot, *StoreSnapshot) {
			return linkedBoth("st@x", "old@x")
		}, "store update a email:st@x->old@x", 0},
		{"linked entry gone: two-way deletes the store user", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			_, st := linkedBoth("old@x", "old@x")
			return &DirSnapshot{}, st
		}, "store delete a", 0},
		{"linked entry gone: one-way writes it back", wizard.ModeOneWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			_, st := linkedBoth("old@x", "old@x")
			return &DirSnapshot{}, st
		}, "ldap create a username:->a email:->old@x first_name:->F last_name:->L", 0},
		{"store tombstone: two-way deletes the entry", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			d, st := linkedBoth("old@x", "old@x")
			st.Users[0].DeletedAt = time.Now()
			return d, st
		}, "ldap delete a", 0},
		{"store tombstone: import restores it", wizard.ModeImport, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			d, st := linkedBoth("old@x", "old@x")
			st.Users[0].DeletedAt = time.Now()
			return d, st
		}, "store restore a", 0},
		{"moved entry is followed, not deleted", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			d, st := linkedBoth("old@x", "old@x")
			d.Users[0].DN = "uid=a,ou=sales,ou=people,dc=example,dc=com"
			return d, st
		}, "store rename a", 0},
		{"skipped duplicate keeps its linked store user", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			_, st := linkedBoth("old@x", "old@x")
			return &DirSnapshot{Kept: map[string]bool{"1": true}}, st
		}, "", 0},
		{"unlinked pair with equal values links silently", wizard.ModeTwoWay, wizard.AuthorityLDAP, func() (*DirSnapshot, *StoreSnapshot) {
			return &DirSnapshot{Users: []*DirUser{dirUser("1", dnA, "A", "a@x")}}, &StoreSnapshot{Users: []store.SyncUser{stUser(10, "a", "a@x")}}
		}, "store update A username:a->A", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, st := tc.snaps()
			p := PlanSnapshots(planSettings(tc.mode, tc.authority), d, st)
			if got := ops(p); got != tc.want {
				t.Errorf("plan:\n got %s\nwant %s", got, tc.want)
			}
			if len(p.Conflicts) != tc.conflicts {
				t.Errorf("conflicts = %+v, want %d", p.Conflicts, tc.conflicts)
			}
		})
	}
}

func TestPlanGuards(t *testing.T) {
	st := &StoreSnapshot{}
	for i := int64(1); i <= 20; i++ {
		st.Users = append(st.Users, stUser(i, "u"+string(rune('a'+i)), ""))
		st.UserLinks = append(st.UserLinks, link(i, string(rune('a'+i)), "uid=x", baseOf("u"+string(rune('a'+i)), "")))
	}
	s := planSettings(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	p := PlanSnapshots(s, &DirSnapshot{}, st)
	err := CheckGuards(s, p, false)
	if err == nil || !strings.Contains(err.Error(), "returned 0 users") || !strings.Contains(err.Error(), "20 store users") {
		t.Fatalf("empty-result guard: %v", err)
	}
	if CheckGuards(s, p, true) != nil {
		t.Fatal("force must override the guard")
	}
	// 5 of 20 gone: more than 10% (2).
	var dir DirSnapshot
	for i := int64(1); i <= 15; i++ {
		dir.Users = append(dir.Users, dirUser(string(rune('a'+i)), "uid=x", "u"+string(rune('a'+i)), ""))
	}
	p = PlanSnapshots(s, &dir, st)
	err = CheckGuards(s, p, false)
	if err == nil || !strings.Contains(err.Error(), "deletes 5 users") || !strings.Contains(err.Error(), "(2 of 20") {
		t.Fatalf("max_delete guard: %v", err)
	}
	s.Sync.MaxDelete = "5"
	if err := CheckGuards(s, p, false); err != nil {
		t.Fatalf("max_delete 5 allows 5 deletes: %v", err)
	}
}
