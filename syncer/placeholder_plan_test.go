package syncer

import (
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// The placeholder rules of the merge, on snapshots: a recorded placeholder
// survives a username change; a link written before placeholders were
// recorded (empty base value, no record) still takes sn=<username> for a
// placeholder; any other directory value is data.
func TestPlanPlaceholders(t *testing.T) {
	s := planSettings(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	const dn = "uid=robert,ou=people,dc=example,dc=com"
	plan := func(sn string, base map[string]string) string {
		d := dirUser("1", dn, "robert", "r@example.com")
		d.Values[FieldLastName] = sn
		u := stUser(1, "robert", "r@example.com")
		u.LastName = ""
		l := link(1, "1", dn, base)
		return ops(PlanSnapshots(s, &DirSnapshot{Users: []*DirUser{d}}, &StoreSnapshot{Users: []store.SyncUser{u}, UserLinks: []store.Link{l}}))
	}
	base := baseOf("robert", "r@example.com")
	base[FieldLastName] = ""
	recorded := map[string]string{}
	for k, v := range base {
		recorded[k] = v
	}
	recorded[placeholderKey(FieldLastName)] = "bob" // written when the user was bob
	for _, c := range []struct {
		name, sn string
		base     map[string]string
		want     string
	}{
		{"recorded placeholder, user renamed since", "bob", recorded, ""},
		{"recorded placeholder edited in the directory", "Builder", recorded, "store update robert last_name:->Builder"},
		{"link from before placeholders were recorded", "robert", base, ""},
		{"a real last name", "Roberts", base, "store update robert last_name:->Roberts"},
	} {
		if got := plan(c.sn, c.base); got != c.want {
			t.Errorf("%s: plan %q, want %q", c.name, got, c.want)
		}
	}
}
