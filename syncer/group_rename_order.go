package syncer

import (
	"cmp"
	"slices"
)

// orderGroupRenames puts the directory writes of a group that is a member
// of another group the plan also writes after that group's, in the group
// changes' bucket (a group's own actions keep their order). A group's
// rename makes OpenLDAP's refint overlay rewrite, in the background, the
// member values naming its old DN: a parent group renamed in between keeps
// the old, dangling value, as a group renamed after one of its users does
// (see applyOrder). Groups in a membership cycle have no such order and
// keep the planner's.
func (pl *planner) orderGroupRenames() {
	acts := pl.buckets[bucketGroupChange]
	written := map[*DirGroup]*groupPair{} // the groups the plan writes in the directory
	for i := range acts {
		if a := &acts[i]; a.Side == SideLDAP && a.apply != nil {
			if p := a.apply.groupPair(); p != nil && p.dir != nil {
				written[p.dir] = p
			}
		}
	}
	if len(written) < 2 {
		return
	}
	parents := map[*groupPair][]*groupPair{} // child -> the written groups naming it
	for _, p := range written {
		for _, sub := range pl.membersOf(p.dir).groups {
			if c := written[sub]; c != nil && c != p {
				parents[c] = append(parents[c], p)
			}
		}
	}
	if len(parents) == 0 {
		return
	}
	depth := map[*groupPair]int{}
	visiting := map[*groupPair]bool{}
	var depthOf func(p *groupPair) int
	depthOf = func(p *groupPair) int {
		if d, ok := depth[p]; ok {
			return d
		}
		if visiting[p] {
			return 0 // a cycle
		}
		visiting[p] = true
		d := 0
		for _, up := range parents[p] {
			d = max(d, depthOf(up)+1)
		}
		visiting[p] = false
		depth[p] = d
		return d
	}
	key := func(a *Action) int {
		if a.apply == nil || a.apply.groupPair() == nil {
			return 0
		}
		return depthOf(a.apply.groupPair())
	}
	slices.SortStableFunc(acts, func(a, b Action) int { return cmp.Compare(key(&a), key(&b)) })
}
