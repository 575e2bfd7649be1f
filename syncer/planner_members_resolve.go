package syncer

// groupMembers is what planning reads of a directory group's member
// values, resolved once (resolveGroupMembers) rather than from the values
// at each use.
type groupMembers struct {
	// users are the pairs of the users read that the values name, in the
	// values' order, as pairing left them: read them through adopter
	// (dirMemberPairs does).
	users []*userPair
	// groups are the groups read that the values name.
	groups []*DirGroup
	// values is how many member values the entry has, whatever they name.
	values int
}

// resolveGroupMembers resolves every directory group's member values to
// the users and groups read, once the users are paired (pl.userByDN holds
// every entry's normal DN and every link's). With release, the groups'
// member values are dropped from the snapshot then: at a first import they
// are most of the groups' text (120,000 DNs in the benchmark's directory,
// about 9 MB with their lists), let go before planning allocates the
// users' actions rather than after the plan.
//
// A value names the user or group whose normal DN it is, looked up as
// written first (dnCache.findNormal). The adoptions planning makes later
// point an entry's DN at the adopting pair; adopter follows them from the
// pair resolved here.
func (pl *planner) resolveGroupMembers(release bool) {
	groupByDN := make(map[string]*DirGroup, len(pl.dir.Groups))
	for i := range pl.dir.Groups {
		if n, ok := pl.dns.normalizeEntry(pl.dir.Groups[i].DN); ok {
			groupByDN[n] = &pl.dir.Groups[i]
		}
	}
	pl.members = make(map[*DirGroup]*groupMembers, len(pl.dir.Groups))
	var u *userPair
	var sub *DirGroup
	find := func(n string) bool {
		u, sub = pl.userByDN[n], groupByDN[n]
		return u != nil || sub != nil
	}
	for i := range pl.dir.Groups {
		g := &pl.dir.Groups[i]
		// At most a user per value: one list, not one grown by appending
		// (a group of 20,000 members left 1.5 MB behind that way).
		gm := &groupMembers{values: len(g.Members), users: make([]*userPair, 0, len(g.Members))}
		for _, m := range g.Members {
			if !pl.dns.findNormal(m, find) {
				continue
			}
			if u != nil {
				gm.users = append(gm.users, u)
			}
			if sub != nil {
				gm.groups = append(gm.groups, sub)
			}
		}
		pl.members[g] = gm
	}
	if release {
		pl.dir.dropGroupMembers()
	}
}

// membersOf returns directory group g's resolved members (see
// resolveGroupMembers); none for a group not read.
func (pl *planner) membersOf(g *DirGroup) *groupMembers {
	if gm := pl.members[g]; gm != nil {
		return gm
	}
	return &groupMembers{}
}
