package syncer

import "ldapwiz/store"

// plannedMembers lists, on a planned group create or restore, the members
// the new group gets with it (Action.Members), so that a preview and a
// report list those memberships as well as the separate add_member
// actions: a first import adds most memberships this way. Nil on other
// actions, and on actions decoded from a report (which hold their list).
func (a *Action) plannedMembers() []string {
	list := a.plannedMemberPairs()
	if len(list) == 0 {
		return nil
	}
	names := make([]string, len(list))
	for i, u := range list {
		names[i] = u.name // the username after the plan
	}
	return names
}

// plannedMemberPairs is what plannedMembers lists: the pairs of the
// members of a planned group create or restore.
func (a *Action) plannedMemberPairs() []*userPair {
	if a.Kind != store.KindGroup || (a.Op != OpCreate && a.Op != OpRestore) || a.apply == nil {
		return nil
	}
	return a.apply.memberList()
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
			if m := a.heldMembers(); m != nil {
				return len(m)
			}
			return len(a.plannedMemberPairs())
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
