package syncer

import "ldapwiz/store"

// listCreateMembers names, on each group create and restore, the members
// the new group gets with it (Action.Members), so that a preview and a
// report list those memberships as well as the separate add_member
// actions: a first import adds most memberships this way.
func listCreateMembers(actions []Action) {
	for i := range actions {
		a := &actions[i]
		if a.Kind != store.KindGroup || (a.Op != OpCreate && a.Op != OpRestore) || a.apply == nil {
			continue
		}
		for _, u := range a.apply.memberList() {
			a.Members = append(a.Members, u.name)
		}
	}
}

// Memberships is how many memberships the action adds or removes: one for
// add_member and remove_member, the members of a group create or restore,
// none otherwise.
func (a *Action) Memberships() int {
	switch a.Op {
	case OpAddMember, OpRemoveMember:
		return 1
	case OpCreate, OpRestore:
		if a.Kind == store.KindGroup {
			return len(a.Members)
		}
	}
	return 0
}

// MembershipChanges counts the memberships the plan's visible actions on
// side add or remove (an empty side: both), those of group creates included.
func (p *Plan) MembershipChanges(side string) int {
	n := 0
	for a := range p.Each(side, "") {
		n += a.Memberships()
	}
	return n
}
