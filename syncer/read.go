package syncer

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// dirReader reads the directory side of a sync.
type dirReader struct {
	conn     *ldap.Conn
	cfg      syncConfig
	progress func(n int) // entries read so far
	read     int
	// memberRange, when positive, asks for group members in ranges of that
	// many values (member;range=0-N), as Active Directory answers large
	// groups anyway; Search reassembles them. Tests set it to prove that.
	memberRange int
	refSeen     map[string]bool
	dns         dnCache
	// compact: users' values go to DirUser.vals, not a map, copied out of
	// the messages read (a sync's own read; see dirValues).
	compact bool
	// sizeHint: how many users the read expects (from the last run's
	// counts), to size the first chunk of the list for them all.
	sizeHint int
	// inc, when set, reads the users and groups searches through the
	// previous run's view and token (incremental.go).
	inc *incRead
	// digest, when set, records every search of the read and all it
	// returned (read_digest.go): a sync's whole read, with no token kept.
	digest *readDigest
}

// onReferral returns the callback that records the search result
// references of a search of base (made for setting) in snap, once each.
func (r *dirReader) onReferral(snap *DirSnapshot, setting, base string) func(string) {
	return func(url string) {
		if r.refSeen == nil {
			r.refSeen = map[string]bool{}
		}
		if r.refSeen[url] {
			return
		}
		r.refSeen[url] = true
		snap.Referrals = append(snap.Referrals, Referral{Setting: setting, Base: base, URL: url})
	}
}

// userSearchFilter is the filter selecting users: the object class, and the
// extra filter when set.
func (c syncConfig) userSearchFilter() string { return c.scope.UserFilter }

// ReadDirectory reads the users and groups in scope for settings s over
// conn. progress, when not nil, is called with the number of entries read
// so far as they arrive.
func ReadDirectory(ctx context.Context, conn *ldap.Conn, s wizard.Settings, progress func(n int)) (*DirSnapshot, error) {
	return readDirectory(ctx, conn, newSyncConfig(s), progress)
}

// readDirectory is ReadDirectory on a run's derived configuration.
// The account state is chosen first, when the server decides it ("auto"),
// and recorded in the snapshot.
func readDirectory(ctx context.Context, conn *ldap.Conn, cfg syncConfig, progress func(n int)) (*DirSnapshot, error) {
	return readDirectoryInc(ctx, conn, cfg, progress, nil, false, 0)
}

// readDirectoryInc is readDirectory with the users and groups searches
// made through inc when it is not nil.
// With compact, the users' values are kept compact (DirUser.vals) and
// Values is left nil; sizeHint is how many users the read expects (see
// dirReader.sizeHint).
func readDirectoryInc(ctx context.Context, conn *ldap.Conn, cfg syncConfig, progress func(n int), inc *incRead, compact bool, sizeHint int) (*DirSnapshot, error) {
	if err := cfg.resolveAccountState(ctx, conn); err != nil {
		return nil, err
	}
	r := &dirReader{conn: conn, cfg: cfg, progress: progress, inc: inc, compact: compact, sizeHint: sizeHint}
	if inc != nil && inc.digest {
		r.digest = newReadDigest() // no token: the digest stands for one (see quietByDigest)
	}
	snap, err := r.readAll(ctx)
	r.flushTicks()
	if snap != nil {
		snap.AccountState = cfg.acct
		if r.digest != nil {
			inc.read.digest = r.digest.token(snap.AccountState)
		}
	}
	return snap, err
}

// tickEvery is how many entries the reader counts between progress
// reports: reporting each of 100,000 entries costs more than reading
// some of them (each report reads the clock).
const tickEvery = 64

// tick counts an entry read, reporting progress every tickEvery entries
// (see flushTicks).
func (r *dirReader) tick() {
	r.read++
	if r.progress != nil && r.read%tickEvery == 0 {
		r.progress(r.read)
	}
}

// flushTicks reports the count of entries read, once the read is over.
func (r *dirReader) flushTicks() {
	if r.progress != nil && r.read%tickEvery != 0 {
		r.progress(r.read)
	}
}

func (r *dirReader) readAll(ctx context.Context) (*DirSnapshot, error) {
	snap := &DirSnapshot{Kept: map[string]bool{}, MembersFromUsers: r.cfg.groupMemberAttr == ""}
	groups, err := r.readGroups(ctx, snap)
	if err != nil {
		return nil, err
	}
	if err := r.readUsers(ctx, snap); err != nil {
		return nil, err
	}
	if len(r.cfg.syncOnly) > 0 {
		if err := r.applySyncOnly(ctx, snap, groups); err != nil {
			return nil, err
		}
	} else {
		snap.Groups = groups
	}
	return snap, nil
}

// readUsers reads every user entry under users.search_base matching the
// object class and filter, skipping unusable ones with a reason.
func (r *dirReader) readUsers(ctx context.Context, snap *DirSnapshot) error {
	c := r.cfg
	read := newChunked[DirUser](r.sizeHint)
	// Nothing below keeps a list of e (accountState and MemberOf copy
	// theirs), so the search may decode each entry into the one before
	// (usersRequest asks for that).
	err := r.search(ctx, partUsers, r.usersRequest(snap), func(e *ldap.Entry) error {
		r.tick()
		ids := e.StableIDs()
		id := ""
		if len(ids) > 0 {
			id = ids[0]
		}
		keep := func() { snap.keep(ids) }
		name := e.First(c.attrOf[FieldUsername])
		switch {
		case id == "":
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindUser, Name: name, DN: e.DN, Reason: SkipNoStableID,
				Detail: "the entry has no entryUUID, objectGUID or nsUniqueId the bind account may read; ldapwiz cannot follow it"})
			return nil
		case !e.Has(c.attrOf[FieldUsername]):
			keep()
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindUser, DN: e.DN, Reason: SkipMissingUsername,
				Detail: "the entry has no " + c.attrOf[FieldUsername] + " (users.username_attribute)"})
			return nil
		}
		if err := store.ValidateUsername(name); err != nil {
			keep()
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindUser, Name: name, DN: e.DN, Reason: SkipInvalidUsername, Detail: err.Error()})
			return nil
		}
		// Built where the list keeps it: a DirUser built here would be
		// allocated for every entry (setValues takes its address).
		u := read.grow()
		*u = DirUser{StableID: id, DN: e.DN}
		var account []ldap.Attribute
		if !r.compact {
			u.Values = make(map[string]string, len(c.fields))
		}
		var vals [textSlots]string // the compact values, by slot
		state := accountUnread
		for _, f := range c.fields {
			if f == FieldDisabled {
				var locked bool
				locked, account = r.accountState(e)
				state = flagOf(locked)
				if !r.compact {
					u.Values[f] = boolString(locked)
				}
				continue
			}
			v := e.First(c.attrOf[f])
			if r.compact {
				vals[fieldSlot(f)] = v
			} else {
				u.Values[f] = v
			}
		}
		var memberOf []string
		if snap.MembersFromUsers && c.userMemberAttr != "" {
			memberOf = slices.Clone(e.Get(c.userMemberAttr))
		}
		u.setMore(ids[1:], account, memberOf)
		if r.compact {
			u.setValues(e.Text(), &vals, state, c.fields)
		}
		return nil
	})
	if err != nil {
		return usersReadError(c, err)
	}
	users := read.pointers()
	// Duplicate usernames: none of them can be told apart, so all are skipped.
	first := make(map[string]int, len(users)) // lower-case username -> first user with it
	dups := map[string][]int{}                // the same, for usernames used more than once: all users with it
	for i := range users {
		k := strings.ToLower(users[i].username())
		j, seen := first[k]
		switch {
		case !seen:
			first[k] = i
		case dups[k] == nil:
			dups[k] = []int{j, i}
		default:
			dups[k] = append(dups[k], i)
		}
	}
	if len(dups) == 0 {
		snap.Users = users
		return nil
	}
	var skips []Skip
	for _, u := range users {
		idx := dups[strings.ToLower(u.username())]
		if idx == nil {
			continue
		}
		var others []string
		for _, j := range idx {
			if users[j].DN != u.DN {
				others = append(others, users[j].DN)
			}
		}
		snap.keep(u.ids())
		skips = append(skips, Skip{Kind: store.KindUser, Name: u.username(), DN: u.DN, Reason: SkipDuplicate,
			Detail: "the username is also used by " + strings.Join(others, "; ") + "; make it unique in the directory"})
	}
	kept := users[:0] // in place: a user is moved only over one already looked at
	for _, u := range users {
		if dups[strings.ToLower(u.username())] == nil {
			kept = append(kept, u)
		} else {
			*u = DirUser{} // what it held is free to go (it stays in its chunk)
		}
	}
	clear(users[len(kept):])
	snap.Users = kept
	snap.Skipped = append(snap.Skipped, skips...)
	return nil
}

// accountState reads whether entry e is locked and keeps
// the attributes that say so, for writing a lock or unlock later. An
// unreadable value (a userAccountControl that is not a number) counts as
// not locked, as before.
func (r *dirReader) accountState(e *ldap.Entry) (bool, []ldap.Attribute) {
	locked, err := r.cfg.acct.Locked(e)
	var kept []ldap.Attribute
	for _, name := range r.cfg.acct.Attributes() {
		if a := e.Attr(name); a != nil {
			kept = append(kept, ldap.Attribute{Name: a.Name, Values: slices.Clone(a.Values)})
		}
	}
	return locked && err == nil, kept
}

// usersRequest is the search for the users (readUsers; readDigestOnly
// makes the same), its referrals recorded in snap. Its callback must keep
// no list of an entry: entries are decoded into ones delivered before.
func (r *dirReader) usersRequest(snap *DirSnapshot) ldap.SearchRequest {
	c := r.cfg
	attrs := ldap.StableIDAttributes()
	for _, f := range c.fields {
		attrs = append(attrs, c.attrOf[f])
	}
	if snap.MembersFromUsers && c.userMemberAttr != "" {
		attrs = append(attrs, c.userMemberAttr)
	}
	return ldap.SearchRequest{Base: c.userBase, Filter: c.userSearchFilter(), Attributes: attrs,
		OnReferral: r.onReferral(snap, "users.search_base", c.userBase), ReuseEntries: true}
}

// usersReadError words a failed search for the users.
func usersReadError(c syncConfig, err error) error {
	return fmt.Errorf("read users under %s (users.search_base): %w", c.userBase, err)
}

// groupsRequest is the search for the groups (readGroups; readDigestOnly
// makes the same), its referrals recorded in snap; ok is false when the
// settings read no groups.
func (r *dirReader) groupsRequest(snap *DirSnapshot) (req ldap.SearchRequest, ok bool) {
	c := r.cfg
	if c.groupBase == "" || c.groupClass == "" || c.groupNameAttr == "" {
		return ldap.SearchRequest{}, false
	}
	attrs := append([]string{c.groupNameAttr}, ldap.StableIDAttributes()...)
	if c.groupMemberAttr != "" {
		if r.memberRange > 0 {
			attrs = append(attrs, fmt.Sprintf("%s;range=0-%d", c.groupMemberAttr, r.memberRange-1))
		} else {
			attrs = append(attrs, c.groupMemberAttr)
		}
	}
	return ldap.SearchRequest{Base: c.groupBase, Filter: c.scope.GroupFilter,
		Attributes: attrs, OnReferral: r.onReferral(snap, "groups.search_base", c.groupBase)}, true
}

// groupsReadError words a failed search for the groups.
func groupsReadError(c syncConfig, err error) error {
	return fmt.Errorf("read groups under %s (groups.search_base): %w", c.groupBase, err)
}

// readGroups reads every group entry under groups.search_base.
func (r *dirReader) readGroups(ctx context.Context, snap *DirSnapshot) ([]DirGroup, error) {
	c := r.cfg
	req, ok := r.groupsRequest(snap)
	if !ok {
		return nil, nil
	}
	var groups []DirGroup
	err := r.search(ctx, partGroups, req, func(e *ldap.Entry) error {
		r.tick()
		g := DirGroup{DN: e.DN, Name: e.First(c.groupNameAttr)}
		if ids := e.StableIDs(); len(ids) > 0 {
			g.StableID, g.OtherIDs = ids[0], ids[1:]
		}
		if c.groupMemberAttr != "" {
			g.Members = e.Get(c.groupMemberAttr)
		}
		switch {
		case g.StableID == "":
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindGroup, Name: g.Name, DN: e.DN, Reason: SkipNoStableID,
				Detail: "the entry has no entryUUID, objectGUID or nsUniqueId the bind account may read"})
			return nil
		case g.Name == "":
			snap.keep(g.ids())
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindGroup, DN: e.DN, Reason: SkipMissingUsername,
				Detail: "the group has no " + c.groupNameAttr + " (groups.name_attribute)"})
			return nil
		}
		if err := store.ValidateGroupName(g.Name); err != nil {
			snap.keep(g.ids())
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindGroup, Name: g.Name, DN: e.DN, Reason: SkipInvalidUsername, Detail: err.Error()})
			return nil
		}
		g.ownStrings()
		groups = append(groups, g)
		return nil
	})
	if err != nil {
		return nil, groupsReadError(c, err)
	}
	byName := map[string]int{}
	for _, g := range groups {
		byName[strings.ToLower(g.Name)]++
	}
	out := groups[:0]
	for _, g := range groups {
		if byName[strings.ToLower(g.Name)] > 1 {
			snap.keep(g.ids())
			snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindGroup, Name: g.Name, DN: g.DN, Reason: SkipDuplicate,
				Detail: "several groups carry this name; make it unique in the directory"})
			continue
		}
		out = append(out, g)
	}
	return out, nil
}

// applySyncOnly keeps the groups named in groups.sync_only, found by a
// search under the group base (never by building a DN), with the groups
// nested in them, and the users that are members at any depth. On Active
// Directory the server expands the nesting (see inChainScope); elsewhere
// the member values are followed group by group.
func (r *dirReader) applySyncOnly(ctx context.Context, snap *DirSnapshot, all []DirGroup) error {
	c := r.cfg
	byDN := map[string]*DirGroup{}
	for i := range all {
		if n, ok := r.dns.normalize(all[i].DN); ok {
			byDN[n] = &all[i]
		}
	}
	named, err := r.findSyncOnly(ctx, snap)
	if err != nil {
		return err
	}
	var keep []DirGroup
	var inScope map[int]bool
	if c.ad {
		keep, inScope, err = r.inChainScope(ctx, snap, named, byDN)
		if err != nil {
			return err
		}
	} else {
		keep, inScope = r.expandScope(snap, named, byDN)
	}
	// The users in scope are copied together: the chunks the read left
	// them in, holding everyone else, are then free to go.
	users := newChunked[DirUser](len(inScope))
	for i, u := range snap.Users {
		if inScope[i] {
			users.add(*u)
			continue
		}
		snap.Skipped = append(snap.Skipped, Skip{Kind: store.KindUser, Name: u.username(), DN: u.DN, Reason: SkipOutsideScope,
			Detail: "not a member (directly or through nested groups) of " + strings.Join(c.syncOnly, ", ")})
	}
	snap.Users = users.pointers()
	sort.Slice(keep, func(i, j int) bool { return keep[i].Name < keep[j].Name })
	snap.Groups = keep
	return nil
}

// findSyncOnly finds the DNs of the groups named in groups.sync_only, each
// with a search under the group base.
func (r *dirReader) findSyncOnly(ctx context.Context, snap *DirSnapshot) ([]string, error) {
	c := r.cfg
	var dns []string
	for _, name := range c.syncOnly {
		var found []string
		filter := "(&" + c.scope.GroupFilter + "(" + c.groupNameAttr + "=" + ldap.EscapeFilter(name) + "))"
		err := r.scopeSearch(ctx, ldap.SearchRequest{Base: c.groupBase, Filter: filter, Attributes: []string{"1.1"},
			OnReferral: r.onReferral(snap, "groups.search_base", c.groupBase)}, func(e *ldap.Entry) error {
			found = append(found, e.DN)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("find the sync_only group %q under %s: %w", name, c.groupBase, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("groups.sync_only names %q, but no %s with %s=%s exists under %s (groups.search_base); "+
				"fix the name in groups.sync_only or the group base", name, c.groupClass, c.groupNameAttr, name, c.groupBase)
		}
		dns = append(dns, found...)
	}
	return dns, nil
}

// expandScope follows member values from the named groups: the groups
// reached (nested ones included, cycles handled) and the indexes of the
// users that are members at any depth.
func (r *dirReader) expandScope(snap *DirSnapshot, named []string, byDN map[string]*DirGroup) ([]DirGroup, map[int]bool) {
	var queue []*DirGroup
	for _, dn := range named {
		n, _ := r.dns.normalize(dn)
		if g := byDN[n]; g != nil {
			queue = append(queue, g)
		}
	}
	userByDN := make(map[string]int, len(snap.Users))
	for i, u := range snap.Users {
		if n, ok := r.dns.normalizeEntry(u.DN); ok {
			userByDN[n] = i
		}
	}
	var sub *DirGroup
	user, isUser := 0, false
	byNormalDN := func(n string) bool {
		sub = byDN[n]
		user, isUser = userByDN[n]
		return sub != nil || isUser
	}
	inScope := map[int]bool{}
	seen := map[*DirGroup]bool{}
	var keep []DirGroup
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if seen[g] {
			continue // cycles and diamonds
		}
		seen[g] = true
		keep = append(keep, *g)
		for _, m := range g.Members {
			switch {
			case !r.dns.findNormal(m, byNormalDN):
			case sub != nil:
				queue = append(queue, sub)
			case isUser:
				inScope[user] = true
			}
		}
		if snap.MembersFromUsers {
			for i, u := range snap.Users {
				for _, dn := range u.memberOf() {
					if r.dns.equal(dn, g.DN) {
						inScope[i] = true
					}
				}
			}
		}
	}
	return keep, inScope
}

// inChainScope asks Active Directory for the scope of the named groups
// with the in-chain matching rule (LDAP_MATCHING_RULE_IN_CHAIN,
// 1.2.840.113556.1.4.1941): per group, one search for the users that are
// members at any depth and one for the groups nested in it at any depth.
// The server follows the nesting (cycles included), so no member value is
// walked here.
func (r *dirReader) inChainScope(ctx context.Context, snap *DirSnapshot, named []string, byDN map[string]*DirGroup) ([]DirGroup, map[int]bool, error) {
	c := r.cfg
	kept := map[*DirGroup]bool{}
	var keep []DirGroup
	keepGroup := func(dn string) {
		n, ok := r.dns.normalize(dn)
		if !ok {
			return
		}
		if g := byDN[n]; g != nil && !kept[g] {
			kept[g] = true
			keep = append(keep, *g)
		}
	}
	ids := map[string]bool{}
	for _, dn := range named {
		keepGroup(dn)
		chain := ldap.NestedMembersFilter(dn)
		users := "(&" + c.userSearchFilter() + chain + ")"
		err := r.scopeSearch(ctx, ldap.SearchRequest{Base: c.userBase, Filter: users, Attributes: ldap.StableIDAttributes(),
			OnReferral: r.onReferral(snap, "users.search_base", c.userBase)}, func(e *ldap.Entry) error {
			if id := e.StableID(); id != "" {
				ids[id] = true
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("read the members of the sync_only group %s (nested groups expanded by the server): %w", dn, err)
		}
		groups := "(&" + c.scope.GroupFilter + chain + ")"
		err = r.scopeSearch(ctx, ldap.SearchRequest{Base: c.groupBase, Filter: groups, Attributes: []string{"1.1"},
			OnReferral: r.onReferral(snap, "groups.search_base", c.groupBase)}, func(e *ldap.Entry) error {
			keepGroup(e.DN)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("read the groups nested in the sync_only group %s: %w", dn, err)
		}
	}
	inScope := map[int]bool{}
	for i, u := range snap.Users {
		if ids[u.StableID] {
			inScope[i] = true
		}
	}
	return keep, inScope, nil
}
