package syncer

import (
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// memberSnaps returns five users a to e, linked on both sides, and two
// linked groups: staff, whose store, directory and base memberships all
// differ (the directory nests team in it), and team, the same everywhere.
func memberSnaps() (*DirSnapshot, *StoreSnapshot) {
	d, st := &DirSnapshot{}, &StoreSnapshot{}
	dns := map[string]string{}
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		id, local := "u"+name, int64(10+i)
		dn := "uid=" + name + ",ou=people,dc=example,dc=com"
		dns[name] = dn
		d.Users = append(d.Users, dirUser(id, dn, name, name+"@x"))
		st.Users = append(st.Users, stUser(local, name, name+"@x"))
		st.UserLinks = append(st.UserLinks, link(local, id, dn, baseOf(name, name+"@x")))
	}
	const staffDN, teamDN = "cn=staff,ou=groups,dc=example,dc=com", "cn=team,ou=groups,dc=example,dc=com"
	d.Groups = []DirGroup{
		{StableID: "gstaff", DN: staffDN, Name: "staff", Members: []string{dns["a"], dns["c"], teamDN}},
		{StableID: "gteam", DN: teamDN, Name: "team", Members: []string{dns["e"]}},
	}
	st.Groups = []store.Group{{ID: 100, Name: "staff"}, {ID: 101, Name: "team"}}
	for _, m := range []struct {
		user, group int64
	}{{10, 100}, {11, 100}, {13, 100}, {14, 101}} { // staff: a, b, d; team: e
		st.Memberships = append(st.Memberships, store.Membership{UserID: m.user, GroupID: m.group})
	}
	st.GroupLinks = []store.Link{
		{Kind: store.KindGroup, LocalID: 100, StableID: "gstaff", DN: staffDN,
			Base: store.Values{FieldName: {"staff"}, baseMembers: {"ua", "ub", "uc"}}},
		{Kind: store.KindGroup, LocalID: 101, StableID: "gteam", DN: teamDN,
			Base: store.Values{FieldName: {"team"}, baseMembers: {"ue"}}},
	}
	return d, st
}

func TestMergeMembers(t *testing.T) {
	tests := []struct {
		name, mode string
		flatten    bool
		want       string
	}{
		// a: everywhere; b: dropped in the directory; c: dropped in the
		// store; d: new in the store; e: in staff only through team.
		{"two-way", wizard.ModeTwoWay, false,
			"ldap add_member staff d; store remove_member staff b; ldap remove_member staff c"},
		{"two-way, flattened", wizard.ModeTwoWay, true,
			"ldap add_member staff d; store add_member staff e; store remove_member staff b; ldap remove_member staff c"},
		{"import", wizard.ModeImport, false,
			"store add_member staff c; store remove_member staff b; store remove_member staff d"},
		{"one-way, flattened", wizard.ModeOneWay, true,
			"ldap add_member staff d; ldap remove_member staff c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, st := memberSnaps()
			s := planSettings(tc.mode, wizard.AuthorityLDAP)
			s.Groups.FlattenNested = tc.flatten
			p := PlanSnapshots(s, d, st)
			if got := ops(p); got != tc.want {
				t.Errorf("plan:\n got %s\nwant %s", got, tc.want)
			}
			// A sync's planning drops the member values once resolved,
			// and plans the same.
			rd, rst := memberSnaps()
			rp, err := planReleasing(newSyncConfig(s), rd, rst, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := ops(rp); got != tc.want {
				t.Errorf("plan releasing the members:\n got %s\nwant %s", got, tc.want)
			}
			for _, g := range rd.Groups {
				if g.Members != nil {
					t.Errorf("group %s kept its member values", g.Name)
				}
			}
			// The first action of staff carries the memberships the sides
			// agree on: a, a member everywhere.
			for _, a := range p.Actions {
				if a.Name == "staff" {
					if in, ok := a.apply.grp.memberBase[userNamed(t, a.apply.grp.memberBase, "a")]; !ok || !in {
						t.Errorf("first action of staff: memberBase %v, want a member", a.apply.grp.memberBase)
					}
					break
				}
			}
		})
	}
}

// userNamed returns the user of that name among the keys of m, or nil.
func userNamed(t *testing.T, m map[*userPair]bool, name string) *userPair {
	t.Helper()
	for u := range m {
		if u.name == name {
			return u
		}
	}
	return nil
}
