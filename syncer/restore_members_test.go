package syncer

import (
	"ldapwiz/wizard"
	"testing"
)

// A user deleted in the store while the directory, which has authority,
// changed it is restored. The store's deletion dropped its memberships;
// that is part of the deletion the directory overruled, so the restore must
// not carry it to the directory as "removed from the group in the store".
func TestSyncRestoreKeepsDirectoryMemberships(t *testing.T) {
	e := newSmallEnv(t)
	if !e.inGroup("team", "bob") || !e.dirHasMember(teamDN, bobDN) {
		t.Fatal("baseline: bob should be in team on both sides")
	}
	if _, err := e.db.DeleteUser(e.ctx, e.mustUser("bob").ID); err != nil {
		t.Fatal(err)
	}
	e.modify(bobDN, "mail", "bob.new@example.com")
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if u := e.mustUser("bob"); u.Email != "bob.new@example.com" {
		t.Errorf("bob restored with mail %q, want the directory's bob.new@example.com", u.Email)
	}
	if !e.dirHasMember(teamDN, bobDN) {
		t.Errorf("restoring bob removed him from team in the directory: %s", describe(rep.Plan.Actions))
	}
	if !e.inGroup("team", "bob") {
		t.Errorf("bob restored without his team membership: %s", describe(rep.Plan.Actions))
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
}
