package demodir

import (
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// The AD preset's user filter works on the AD flavour as on Active
// Directory: the short form (objectCategory=person) matches users, and the
// built-in accounts carry isCriticalSystemObject.
func TestADObjectCategoryAndCriticalObjects(t *testing.T) {
	s := start(t, true)
	c := admin(t, s)
	all := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, "(objectClass=user)", "1.1")
	persons := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, "(&(objectClass=user)(objectCategory=person))", "1.1")
	long := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, "(objectCategory=CN=Person,CN=Schema,CN=Configuration,"+ADBaseDN+")", "1.1")
	if len(persons) == 0 || len(persons) != len(all) || len(long) != len(all) {
		t.Errorf("users %d, (objectCategory=person) %d, the DN form %d", len(all), len(persons), len(long))
	}
	if groups := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, "(objectCategory=person)", "objectClass"); len(groups) != len(all) {
		t.Errorf("(objectCategory=person) matches %d entries, want the %d users only", len(groups), len(all))
	}
	preset := "(&(objectClass=user)(&(objectCategory=person)(!(isCriticalSystemObject=TRUE))))"
	got := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, preset, "sAMAccountName")
	if len(got) != len(all)-2 {
		t.Errorf("the preset filter matches %d of %d users, want all but Administrator and Guest", len(got), len(all))
	}
	for _, e := range got {
		if n := e.GetAttributeValue("sAMAccountName"); n == "Administrator" || n == "Guest" {
			t.Errorf("the preset filter matches %s", n)
		}
	}
	crit := search(t, c, ADBaseDN, goldap.ScopeWholeSubtree, "(isCriticalSystemObject=TRUE)", "sAMAccountName")
	if len(crit) != 2 {
		t.Errorf("%d critical system objects, want Administrator and Guest", len(crit))
	}
}
