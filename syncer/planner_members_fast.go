package syncer

// Membership bits of a user in one group, as memberAgreement marks them.
const (
	inStore = 1 << iota // a member in the store
	inDir               // a member in the directory
	inBase              // a member in the link's base
)

// memberMarks are the marks memberAgreement leaves on users: the group
// pass they belong to and the user's membership bits in that pass.
type memberMarks struct {
	pass uint32
	in   uint8
}

// sides reports where the marks make their user a member: in the store,
// in the directory, in the link's base.
func (m memberMarks) sides() (s, d, b bool) {
	return m.in&inStore != 0, m.in&inDir != 0, m.in&inBase != 0
}

// memberWalk is what memberAgreement found of one group's members.
type memberWalk struct {
	// met: the users met in the store, the directory or the link's base,
	// each once, marked with where it is a member (userPair.marks). The
	// list and the marks hold until the next walk.
	met []*userPair
	// hasBase: the link's base records members.
	hasBase bool
	// agree: both sides list the same members, so mergeMembers would plan
	// no change and the settled memberships are the users listed.
	agree bool
	// baseSame: the sides agree and the base lists exactly the store's
	// members (what sameMembers checks).
	baseSame bool
}

// memberAgreement walks the members of group p once, without building a
// map or sorting: the users existing on both sides after the plan that
// the store or the directory lists (as storeMembers and dirMembers find
// them) or the link's base records (eachBaseMember), each marked with
// where it is a member. It checks whether both sides list the same
// members (the fast path); when they do not, mergeMembers plans from the
// same walk.
func (pl *planner) memberAgreement(p *groupPair) memberWalk {
	pl.markPass++
	pass := pl.markPass
	met := pl.metBuf[:0]
	mark := func(u *userPair, bit uint8) {
		if u.marks.pass != pass {
			u.marks = memberMarks{pass: pass}
			met = append(met, u)
		}
		u.marks.in |= bit
	}
	for _, uid := range pl.memberships[p.st.ID] {
		if u := pl.userByLocal[uid]; u != nil && u.bothAfter {
			mark(u, inStore)
		}
	}
	for _, u := range pl.dirMemberPairs(p.dir) {
		if u.bothAfter {
			mark(u, inDir)
		}
	}
	for u := range pl.nestedMembers(p.dir) {
		if u.bothAfter {
			mark(u, inDir)
		}
	}
	hasBase := pl.eachBaseMember(p, func(u *userPair) { mark(u, inBase) })
	pl.metBuf = met
	w := memberWalk{met: met, hasBase: hasBase, agree: true, baseSame: hasBase || len(met) == 0}
	for _, u := range met {
		s, d, b := u.marks.sides()
		if s != d {
			w.agree, w.baseSame = false, false
			return w
		}
		if b != s {
			w.baseSame = false
		}
	}
	return w
}

// settledOf is the settled memberships of users met in a group whose sides
// agree (memberAgreement): each user, a member where the store says so.
func settledOf(met []*userPair) map[*userPair]bool {
	settled := make(map[*userPair]bool, len(met))
	for _, u := range met {
		settled[u], _, _ = u.marks.sides()
	}
	return settled
}
