package syncer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// groupInScopeByName reports whether a group of that name is synchronized:
// always without sync_only; with it, the named groups and the groups nested
// in them (the directory groups read).
func (pl *planner) groupInScopeByName(name string) bool {
	if len(pl.cfg.syncOnly) == 0 {
		return true
	}
	for _, n := range pl.cfg.syncOnly {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	for _, g := range pl.dir.Groups {
		if strings.EqualFold(g.Name, name) {
			return true
		}
	}
	return false
}

// pairGroups matches store groups and directory groups: by link, then by name.
func (pl *planner) pairGroups() {
	linkByLocal := map[int64]*store.Link{}
	for i := range pl.st.GroupLinks {
		l := &pl.st.GroupLinks[i]
		linkByLocal[l.LocalID] = l
	}
	dirByID := map[string]*DirGroup{} // by every id an entry carries, as for users
	for i := range pl.dir.Groups {
		for _, id := range pl.dir.Groups[i].ids() {
			dirByID[id] = &pl.dir.Groups[i]
		}
	}
	used := map[string]bool{}
	unlinked := map[string]*groupPair{}
	for i := range pl.st.Groups {
		g := &pl.st.Groups[i]
		p := &groupPair{st: g, link: linkByLocal[g.ID], localID: g.ID}
		if p.link != nil {
			p.stableID, p.dn = p.link.StableID, p.link.DN
			if d := dirByID[p.link.StableID]; d != nil {
				p.dir, p.dn = d, d.DN
				used[d.StableID] = true
			}
		} else if !g.Deleted() {
			unlinked[strings.ToLower(g.Name)] = p
		}
		pl.groups = append(pl.groups, p)
	}
	for i := range pl.dir.Groups {
		d := &pl.dir.Groups[i]
		if used[d.StableID] {
			continue
		}
		if p := unlinked[strings.ToLower(d.Name)]; p != nil && p.dir == nil {
			p.dir, p.stableID, p.dn = d, d.StableID, d.DN
			continue
		}
		pl.groups = append(pl.groups, &groupPair{dir: d, stableID: d.StableID, dn: d.DN})
	}
}

// planGroups plans groups and memberships; users are planned already.
func (pl *planner) planGroups() {
	pl.pairGroups()
	storeNames, dirNames := map[string]*groupPair{}, map[string]*groupPair{}
	for _, p := range pl.groups {
		if p.st != nil {
			storeNames[strings.ToLower(p.st.Name)] = p
		}
		if p.dir != nil {
			dirNames[strings.ToLower(p.dir.Name)] = p
		}
	}
	for _, p := range pl.groups {
		cfg := pl.cfg
		switch {
		case p.link != nil && p.st.Deleted():
			if p.dir == nil {
				pl.add(bucketGroupDelete, Action{Side: SideStore, Op: OpDelete, Kind: store.KindGroup, Name: p.st.Name, DN: p.link.DN,
					Reason: "deleted in the store and gone from the directory: the store record is purged",
					apply:  &applyData{grp: &groupApply{group: p}, more: &applyMore{purgeOnly: true}}})
			} else if cfg.mode == wizard.ModeImport {
				p.bothAfter, p.name = true, p.dir.Name
				pl.add(bucketGroupCreate, Action{Side: SideStore, Op: OpRestore, Kind: store.KindGroup, Name: p.dir.Name, DN: p.dir.DN,
					Reason: restoreReason(cfg.mode), apply: &applyData{grp: &groupApply{group: p, members: pl.dirMembers(p.dir)}}})
			} else {
				pl.add(bucketGroupDelete, Action{Side: SideLDAP, Op: OpDelete, Kind: store.KindGroup, Name: p.st.Name, DN: p.dir.DN,
					Reason: "deleted in the store", apply: &applyData{grp: &groupApply{group: p}}})
			}
		case p.link != nil && p.dir == nil:
			if pl.dir.Kept[p.link.StableID] {
				continue // still there, skipped for a reason of its own (listed in Skipped)
			}
			if cfg.mode == wizard.ModeOneWay {
				pl.createGroupInDir(p, "missing from the directory; the store's group is written back")
			} else {
				pl.add(bucketGroupDelete, Action{Side: SideStore, Op: OpDelete, Kind: store.KindGroup, Name: p.st.Name, DN: p.link.DN,
					Reason: "no longer in the directory (deleted, moved out of groups.search_base, or no longer matching groups.filter or in sync_only)",
					apply:  &applyData{grp: &groupApply{group: p}}})
			}
		case p.st != nil && p.dir != nil:
			p.bothAfter, p.name = true, p.st.Name
			pl.mergeGroup(p, storeNames, dirNames)
		case p.dir != nil:
			if !cfg.writesStore() {
				continue
			}
			if other := storeNames[strings.ToLower(p.dir.Name)]; other != nil {
				pl.skip(store.KindGroup, p.dir.Name, p.dir.DN, SkipNameTaken, "the store has a group of this name linked to another entry")
				continue
			}
			p.bothAfter, p.name = true, p.dir.Name
			pl.add(bucketGroupCreate, Action{Side: SideStore, Op: OpCreate, Kind: store.KindGroup, Name: p.dir.Name, DN: p.dir.DN,
				Reason: "new in the directory" + pl.flattenNote(p.dir), apply: &applyData{grp: &groupApply{group: p, members: pl.dirMembers(p.dir)}}})
		case p.st != nil && !p.st.Deleted():
			if !cfg.writesDir() || !pl.groupInScopeByName(p.st.Name) {
				continue
			}
			if other := dirNames[strings.ToLower(p.st.Name)]; other != nil {
				pl.skip(store.KindGroup, p.st.Name, other.dir.DN, SkipNameTaken, "the directory has a group of this name linked to another store group")
				continue
			}
			pl.createGroupInDir(p, "new in the store")
		}
	}
}

// createGroupInDir plans creating the store group p in the directory.
func (pl *planner) createGroupInDir(p *groupPair, reason string) {
	members := pl.storeMembers(p.st)
	if len(members) == 0 && pl.cfg.membersRequired() {
		pl.skip(store.KindGroup, p.st.Name, "", SkipEmptyGroup,
			"a "+pl.cfg.groupClass+" needs at least one member; add a member in the store and sync again")
		return
	}
	dn := ldap.BuildDN(pl.cfg.groupNameAttr, p.st.Name, pl.cfg.groupBase)
	if pl.cfg.ad {
		if err := ldap.ValidateGroupSAMAccountName(p.st.Name); err != nil {
			pl.skip(store.KindGroup, p.st.Name, dn, SkipInvalidUsername,
				err.Error()+"; the group is not created in Active Directory (its name becomes the sAMAccountName)")
			return
		}
	}
	p.bothAfter, p.name = true, p.st.Name
	diffs := []AttrDiff{{Field: FieldName, Attr: pl.cfg.groupNameAttr, New: p.st.Name}}
	for _, m := range members {
		diffs = append(diffs, AttrDiff{Field: baseMembers, Attr: pl.cfg.groupMemberAttr, New: m.name})
	}
	pl.add(bucketGroupCreate, Action{Side: SideLDAP, Op: OpCreate, Kind: store.KindGroup, Name: p.st.Name, DN: dn,
		Diffs: diffs, Reason: reason, apply: &applyData{grp: &groupApply{group: p, members: members}}}.With(ActionDetail{OldDN: linkDN(p.link)}))
}

func linkDN(l *store.Link) string {
	if l == nil {
		return ""
	}
	return l.DN
}

// storeMembers returns the users of store group g that exist on both sides
// after the plan, by username.
func (pl *planner) storeMembers(g *store.Group) []*userPair {
	var out []*userPair
	for _, uid := range pl.memberships[g.ID] {
		if u := pl.userByLocal[uid]; u != nil && u.bothAfter {
			out = append(out, u)
		}
	}
	sortPairs(out)
	return out
}

// dirMembers returns the users of directory group g that exist on both
// sides after the plan: its direct members and, with
// groups.flatten_nested, the members of the groups nested in it.
func (pl *planner) dirMembers(g *DirGroup) []*userPair {
	pl.listPass++
	pass := pl.listPass
	out := make([]*userPair, 0, pl.dirMemberCount(g)) // most are listed: one list, not one grown by appending
	list := func(u *userPair) {
		if u.bothAfter && u.listed != pass {
			u.listed = pass
			out = append(out, u)
		}
	}
	pl.eachDirMember(g, list)
	for u := range pl.nestedMembers(g) {
		list(u)
	}
	sortPairs(out)
	return out
}

// nestedMembers returns, with groups.flatten_nested, the users that are
// members of directory group g only through groups nested in it (at any
// depth, among the groups read), each with the name of the nested group it
// is a member of; nil without flatten_nested. Cycles of nesting end where
// a group is met again.
func (pl *planner) nestedMembers(g *DirGroup) map[*userPair]string {
	if !pl.cfg.flattenNested {
		return nil
	}
	if via, ok := pl.nested[g]; ok {
		return via
	}
	if pl.nested == nil {
		pl.nested = map[*DirGroup]map[*userPair]string{}
	}
	direct := map[*userPair]bool{}
	for _, u := range pl.dirMemberPairs(g) {
		direct[u] = true
	}
	via := map[*userPair]string{}
	seen := map[*DirGroup]bool{g: true}
	queue := pl.subgroups(g)
	for len(queue) > 0 {
		sub := queue[0]
		queue = queue[1:]
		if seen[sub] {
			continue
		}
		seen[sub] = true
		for _, u := range pl.dirMemberPairs(sub) {
			if _, ok := via[u]; !ok && !direct[u] {
				via[u] = sub.Name
			}
		}
		queue = append(queue, pl.subgroups(sub)...)
	}
	pl.nested[g] = via
	return via
}

// subgroups returns the groups read that g lists among its members.
func (pl *planner) subgroups(g *DirGroup) []*DirGroup { return pl.membersOf(g).groups }

// flattenNote words, for a group created in the store, the members it
// gets through nested groups (groups.flatten_nested); "" when none.
func (pl *planner) flattenNote(g *DirGroup) string {
	var names []string
	for u := range pl.nestedMembers(g) {
		if u.bothAfter {
			names = append(names, u.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	if len(names) > 5 {
		list = strings.Join(names[:5], ", ") + ", …"
	}
	return fmt.Sprintf("; with groups.flatten_nested it also gets the %d members of its nested groups (%s)", len(names), list)
}

// dirMemberPairs resolves a directory group's direct member users.
func (pl *planner) dirMemberPairs(g *DirGroup) []*userPair {
	out := make([]*userPair, 0, pl.dirMemberCount(g))
	pl.eachDirMember(g, func(u *userPair) { out = append(out, u) })
	return out
}

// eachDirMember calls fn with each user dirMemberPairs lists, in its
// order, without listing them.
func (pl *planner) eachDirMember(g *DirGroup, fn func(u *userPair)) {
	if pl.dir.MembersFromUsers {
		for _, u := range pl.users {
			if u.dir == nil {
				continue
			}
			for _, m := range u.dir.memberOf() {
				if pl.dns.equal(m, g.DN) {
					fn(adopter(u))
					break
				}
			}
		}
		return
	}
	for _, u := range pl.membersOf(g).users {
		fn(adopter(u))
	}
}

// dirMemberCount is how many users dirMemberPairs lists for g, when known
// without going through them (0 when memberships come from the users'
// memberOf values).
func (pl *planner) dirMemberCount(g *DirGroup) int {
	if pl.dir.MembersFromUsers {
		return 0
	}
	return len(pl.membersOf(g).users)
}

// sortPairs sorts users by name, ignoring case (lessFold).
func sortPairs(ps []*userPair) {
	slices.SortFunc(ps, func(a, b *userPair) int {
		switch {
		case lessFold(a.name, b.name):
			return -1
		case lessFold(b.name, a.name):
			return 1
		}
		return strings.Compare(a.name, b.name) // equal but for case: still one order
	})
}

// lessFold reports whether strings.ToLower(a) < strings.ToLower(b), without
// lowering either when both are ASCII (a group of 20,000 members is sorted
// with about 600,000 comparisons).
func lessFold(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca >= 0x80 || cb >= 0x80 {
			return strings.ToLower(a) < strings.ToLower(b)
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return ca < cb
		}
	}
	// One is a prefix of the other, ignoring ASCII case. If the rest of the
	// longer is ASCII too, the shorter comes first; otherwise ToLower
	// decides (it can change a non-ASCII letter's length).
	n := min(len(a), len(b))
	for _, rest := range []string{a[n:], b[n:]} {
		for i := 0; i < len(rest); i++ {
			if rest[i] >= 0x80 {
				return strings.ToLower(a) < strings.ToLower(b)
			}
		}
	}
	return len(a) < len(b)
}

// mergeGroup plans the name and membership changes of a group on both sides.
func (pl *planner) mergeGroup(p *groupPair, storeNames, dirNames map[string]*groupPair) {
	cfg := pl.cfg
	actions := 0
	settled := store.Values{}
	var base store.Values
	if p.link != nil {
		base = p.link.Base
	}
	if p.link != nil && !pl.dns.equal(p.link.DN, p.dir.DN) {
		pl.add(bucketGroupChange, Action{Side: SideStore, Op: OpRename, Kind: store.KindGroup, Name: p.st.Name, DN: p.dir.DN,
			Reason: "renamed or moved in the directory; the link follows it", apply: &applyData{grp: &groupApply{group: p}}}.With(ActionDetail{OldDN: p.link.DN}))
		actions++
	}
	sv, dv := p.st.Name, p.dir.Name
	if sv == dv {
		settled[FieldName] = []string{sv}
	} else {
		bv, hasBase := baseValue(base, FieldName)
		dest, conflict := cfg.decide(sv, dv, bv, hasBase)
		switch {
		case dest == SideStore && storeNames[strings.ToLower(dv)] != nil && storeNames[strings.ToLower(dv)] != p:
			pl.skip(store.KindGroup, sv, p.dir.DN, SkipNameTaken, "the directory renamed this group to "+dv+", which another store group has")
			dest = ""
		case dest == SideLDAP && dirNames[strings.ToLower(sv)] != nil && dirNames[strings.ToLower(sv)] != p:
			pl.skip(store.KindGroup, sv, p.dir.DN, SkipNameTaken, "the store renamed this group to "+sv+", which another directory group has")
			dest = ""
		}
		if conflict && dest != "" {
			pl.plan.Conflicts = append(pl.plan.Conflicts, Conflict{Kind: store.KindGroup, Name: sv, DN: p.dir.DN,
				Field: FieldName, StoreValue: sv, LDAPValue: dv, Winner: otherSide(dest)})
		}
		diff := []AttrDiff{{Field: FieldName, Attr: cfg.groupNameAttr}}
		switch dest {
		case SideStore:
			p.name = dv
			diff[0].Old, diff[0].New = sv, dv
			pl.add(bucketGroupChange, Action{Side: SideStore, Op: OpUpdate, Kind: store.KindGroup, Name: dv, DN: p.dir.DN, Diffs: diff,
				Reason: pl.updateReason(SideStore, nil2(p)), apply: &applyData{grp: &groupApply{group: p}, values: map[string]string{FieldName: dv},
					baseSet: store.Values{FieldName: {dv}}}})
			actions++
		case SideLDAP:
			diff[0].Old, diff[0].New = dv, sv
			pl.add(bucketGroupChange, Action{Side: SideLDAP, Op: OpUpdate, Kind: store.KindGroup, Name: sv, DN: p.dir.DN, Diffs: diff,
				Reason: pl.updateReason(SideLDAP, nil2(p)), apply: &applyData{grp: &groupApply{group: p}, values: map[string]string{FieldName: sv},
					baseSet: store.Values{FieldName: {sv}}}})
			actions++
		default:
			if bv, ok := baseValue(base, FieldName); ok {
				settled[FieldName] = []string{bv}
			}
		}
	}
	var settledMembers map[*userPair]bool
	membersSame := false
	if w := pl.memberAgreement(p); w.agree {
		// No membership changes: the settled memberships are built only
		// when an action carries them.
		membersSame = w.baseSame
		if actions > 0 || p.link == nil || !w.baseSame || !sameBase([]string{FieldName}, base, settled) {
			settledMembers = settledOf(w.met)
		}
	} else {
		var n int
		settledMembers, n = pl.mergeMembers(p, w)
		actions += n
		membersSame = actions == 0 && sameMembers(pl, base, settledMembers)
	}
	if actions == 0 && (p.link == nil || !sameBase([]string{FieldName}, base, settled) || !membersSame) {
		pl.add(bucketGroupChange, Action{Side: SideStore, Op: OpLink, Kind: store.KindGroup, Name: p.name, DN: p.dir.DN,
			Reason: "link bookkeeping", Hidden: true, apply: &applyData{grp: &groupApply{group: p, memberBase: settledMembers}, baseSet: settled}})
		return
	}
	// Give the settled values to the group's first action.
	for b := bucketGroupChange; b <= bucketMemberRemove; b++ {
		for i := range pl.buckets[b] {
			if a := &pl.buckets[b][i]; a.apply != nil && a.apply.groupPair() == p {
				a.apply.baseSet = overlay(settled, a.apply.baseSet)
				if a.apply.grp.memberBase == nil {
					a.apply.grp.memberBase = map[*userPair]bool{}
				}
				for u, in := range settledMembers {
					if _, ok := a.apply.grp.memberBase[u]; !ok {
						a.apply.grp.memberBase[u] = in
					}
				}
				return
			}
		}
	}
}

// nil2 adapts a group pair to updateReason, which looks at the link only.
func nil2(p *groupPair) *userPair { return &userPair{link: p.link} }

// mergeMembers plans membership changes of a group present on both sides,
// from w, memberAgreement's walk of p's members just made (the users it
// met and the marks it left on them, each membership resolved once). It
// sorts w.met by username, returns the memberships both sides agree on
// (for the link's base) and how many actions it planned.
func (pl *planner) mergeMembers(p *groupPair, w memberWalk) (map[*userPair]bool, int) {
	cfg := pl.cfg
	users, hasBase := w.met, w.hasBase
	sortPairs(users)
	settled := make(map[*userPair]bool, len(users))
	var adds, removes []Action
	via := pl.nestedMembers(p.dir)
	for _, u := range users {
		s, d, b := u.marks.sides()
		if s == d {
			settled[u] = s
			continue
		}
		var dest string
		switch cfg.mode {
		case wizard.ModeImport:
			dest = SideStore
		case wizard.ModeOneWay:
			if !hasBase || s != b {
				dest = SideLDAP
			}
		default:
			switch {
			case !hasBase, !b: // an addition on one side
				if s {
					dest = SideLDAP
				} else {
					dest = SideStore
				}
			default: // a removal on one side
				if s || u.restored { // a restored user's memberships come back from the directory
					dest = SideStore
				} else {
					dest = SideLDAP
				}
			}
		}
		if dest == "" {
			settled[u] = s
			continue
		}
		member := s
		if dest == SideStore {
			member = d
		}
		nested := via[u] != "" && d // a member only through a nested group
		back := false
		if nested && dest == SideLDAP && !member {
			// The directory lists it in the nested group, not here: the
			// membership cannot be removed from this group.
			if !cfg.writesStore() {
				settled[u] = s
				continue
			}
			dest, member, back = SideStore, true, true
		}
		a := Action{Side: dest, Kind: store.KindGroup, Name: p.name, DN: p.dir.DN,
			apply: &applyData{grp: &groupApply{group: p, member: u, memberBase: map[*userPair]bool{u: member}}}}.With(ActionDetail{Member: u.name})
		switch {
		case back:
			a.Op, a.Reason = OpAddMember, "a member of nested group "+via[u]+" in the directory (groups.flatten_nested); remove it from "+via[u]+" there"
			adds = append(adds, a)
		case nested && dest == SideStore && member:
			a.Op, a.Reason = OpAddMember, "a member of nested group "+via[u]+" in the directory (groups.flatten_nested)"
			adds = append(adds, a)
		case member:
			a.Op, a.Reason = OpAddMember, "added on the other side"
			adds = append(adds, a)
		default:
			a.Op, a.Reason = OpRemoveMember, "removed on the other side"
			removes = append(removes, a)
		}
	}
	// A groupOfNames cannot lose its last member.
	dirRemoves := 0
	for _, a := range removes {
		if a.Side == SideLDAP {
			dirRemoves++
		}
	}
	dirAdds := 0
	for _, a := range adds {
		if a.Side == SideLDAP {
			dirAdds++
		}
	}
	if cfg.membersRequired() && dirRemoves > 0 && pl.membersOf(p.dir).values+dirAdds-dirRemoves <= 0 {
		kept := removes[:0]
		for _, a := range removes {
			if a.Side == SideLDAP {
				pl.skip(store.KindGroup, p.name, p.dir.DN, SkipEmptyGroup,
					"removing "+a.Member()+" would leave the "+cfg.groupClass+" without members, which the directory refuses; it stays a member there")
				continue
			}
			kept = append(kept, a)
		}
		removes = kept
	}
	for _, a := range adds {
		pl.add(bucketMemberAdd, a)
	}
	for _, a := range removes {
		pl.add(bucketMemberRemove, a)
	}
	return settled, len(adds) + len(removes)
}

// sameMembers reports whether the link's base membership agrees with the
// settled memberships.
func sameMembers(pl *planner, base store.Values, settled map[*userPair]bool) bool {
	ids, ok := base[baseMembers]
	if !ok {
		return len(settled) == 0
	}
	inB := map[*userPair]bool{}
	for _, id := range ids {
		if u := pl.baseUser(id); u != nil {
			inB[u] = true
		}
	}
	for u, in := range settled {
		if inB[u] != in {
			return false
		}
	}
	return true
}
