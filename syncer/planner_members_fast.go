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

// memberAgreement checks, without building a map or sorting, whether both
// sides of group p list the same members (users existing on both sides
// after the plan, as storeMembers and dirMembers find them): then
// mergeMembers would plan no change, and the settled memberships are the
// users listed. It returns whether they agree, the users met in the store,
// the directory or the link's base (each once, marked), and whether the
// base lists exactly the store's members (what sameMembers checks).
func (pl *planner) memberAgreement(p *groupPair) (agree bool, met []*userPair, baseSame bool) {
	pl.markPass++
	pass := pl.markPass
	met = pl.metBuf[:0]
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
	agree, baseSame = true, hasBase || len(met) == 0
	for _, u := range met {
		s, d, b := u.marks.in&inStore != 0, u.marks.in&inDir != 0, u.marks.in&inBase != 0
		if s != d {
			return false, met, false
		}
		if b != s {
			baseSame = false
		}
	}
	return agree, met, baseSame
}

// settledOf is the settled memberships of users met in a group whose sides
// agree (memberAgreement): each user, a member where the store says so.
func settledOf(met []*userPair) map[*userPair]bool {
	settled := make(map[*userPair]bool, len(met))
	for _, u := range met {
		settled[u] = u.marks.in&inStore != 0
	}
	return settled
}
