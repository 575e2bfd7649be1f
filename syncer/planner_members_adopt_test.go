package syncer

import (
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// A directory group naming an entry that a store user's create adopts
// names that store user: its member values are resolved before planning
// decides the adoption (resolveGroupMembers), and read through adopter.
func TestGroupMemberAdoptedEntryNamesTheAdopter(t *testing.T) {
	s := planSettings(wizard.ModeOneWay, wizard.AuthorityLDAP)
	cfg := newSyncConfig(s)
	dn := (&planner{cfg: cfg}).createDN(map[string]string{FieldUsername: "bob"})
	const teamDN = "cn=team,ou=groups,dc=example,dc=com"
	snaps := func() (*DirSnapshot, *StoreSnapshot) {
		d := &DirSnapshot{
			Users:  []*DirUser{dirUser("left-behind", dn, "bob", "bob@x")},
			Groups: []DirGroup{{StableID: "gteam", DN: teamDN, Name: "team", Members: []string{dn}}},
		}
		st := &StoreSnapshot{
			Users:       []store.SyncUser{stUser(10, "bob", "bob@x")},
			UserLinks:   []store.Link{link(10, "gone", dn, baseOf("bob", "bob@x"))},
			Groups:      []store.Group{{ID: 100, Name: "team"}},
			Memberships: []store.Membership{{UserID: 10, GroupID: 100}},
			GroupLinks: []store.Link{{Kind: store.KindGroup, LocalID: 100, StableID: "gteam", DN: teamDN,
				Base: store.Values{FieldName: {"team"}, baseMembers: {}}}},
		}
		return d, st
	}
	for _, release := range []bool{false, true} {
		d, st := snaps()
		p, err := planReleasing(cfg, d, st, release)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ops(p), "ldap create bob username:->bob email:->bob@x first_name:->F last_name:->L"; got != want {
			t.Errorf("release %v: plan %q, want %q (bob, adopting the entry team names, is a member on both sides)", release, got, want)
		}
	}
}
