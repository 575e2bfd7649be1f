package syncer

import (
	"errors"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// A linked group whose directory entry is still there but skipped for a
// reason of its own (here: another group took the same name) must be left
// alone, as users are, not deleted from the store with its memberships.
func TestSyncKeepsLinkedGroupSkippedAsDuplicate(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	before := e.groupMembers("admins")
	if len(before) == 0 {
		t.Fatal("fixture: store group admins has no members after the first sync")
	}
	dup := "cn=admins,ou=projects,ou=groups,dc=example,dc=com"
	if err := e.conn.Add(e.ctx, dup, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"admins"},
		"member": {"cn=admin,dc=example,dc=com"}}); err != nil {
		t.Fatal(err)
	}
	p := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	for _, a := range p.Actions {
		if a.Kind == store.KindGroup && a.Op == OpDelete {
			t.Errorf("plan deletes group %q (%s) though its entry is only skipped as a duplicate", a.Name, a.Reason)
		}
	}
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	g, err := e.db.GetGroupByName(e.ctx, "admins")
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.Deleted()) {
		t.Fatal("store group admins was deleted because a second directory group took its name")
	}
	if err != nil {
		t.Fatal(err)
	}
	if after := e.groupMembers("admins"); len(after) != len(before) {
		t.Errorf("admins members: before %v, after %v", before, after)
	}
}
