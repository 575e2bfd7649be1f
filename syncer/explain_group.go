package syncer

import (
	"context"
	"fmt"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// ExplainGroup says where one group stands, step by step: the directory
// entry named by name (a group name or a DN) and the store group, whether
// a sync reads it (search base, object class, each clause of groups.filter,
// groups.sync_only), its name, its members and which of them are users in
// scope, its link, and what the next sync does to it, taken from the plan
// "ldapwiz preview" shows. It changes nothing.
func ExplainGroup(ctx context.Context, s wizard.Settings, db *store.DB, name string, opts Options) (*Explanation, error) {
	return explain(ctx, s, db, opts, store.KindGroup, name, (*explainer).explainGroup)
}

func (x *explainer) explainGroup() error {
	cfg, q := x.cfg, x.out.Query
	if cfg.groupBase == "" || cfg.groupClass == "" || cfg.groupNameAttr == "" {
		x.step("groups", StepFail, "groups are not synchronized: groups.search_base, groups.object_class and groups.name_attribute must all be set",
			"groups.search_base", "groups.object_class", "groups.name_attribute")
		x.nextSync(OutcomeOutside, "nothing: no group is read")
		return nil
	}
	e, err := x.lookUp(cfg.groupBase, []string{cfg.groupNameAttr}, nil)
	if err != nil {
		return err
	}
	sg, link := x.findStoreGroup(e, q)
	inScope := false
	if e == nil {
		detail := "no entry in the directory has " + cfg.groupNameAttr + " " + fmt.Sprintf("%q", q)
		if sg != nil {
			detail += "; the store has group " + sg.Name
		}
		x.step("found", StepFail, detail, "groups.name_attribute")
	} else {
		x.out.Entry = explainedEntry(e, cfg.groupNameAttr)
		x.foundStep(e.DN, "", "groups.name_attribute")
		inScope = x.groupScopeSteps(e)
		x.groupNameStep(e)
		x.membersStep(e)
	}
	x.storeGroupStep(e, sg, link)
	x.pickGroupPlan(e, sg)
	switch {
	case e == nil && sg == nil:
		x.nextSync(OutcomeNotFound, "nothing: neither the directory nor the store has it")
	case e != nil && !inScope:
		x.nextSync(OutcomeOutside, "nothing: a sync does not read this group (see the failed step)")
	case e == nil:
		x.nextSync(OutcomeLeftAlone, "nothing: the store group stays as it is")
	default:
		x.nextSync(OutcomeNothing, "nothing: both sides agree")
	}
	return nil
}

// findStoreGroup finds the store group linked to the entry (by stable id)
// or named like it (or like the query).
func (x *explainer) findStoreGroup(e *ldap.Entry, q string) (*store.Group, *store.Link) {
	byID := func(id int64) *store.Group {
		for i := range x.st.Groups {
			if x.st.Groups[i].ID == id {
				return &x.st.Groups[i]
			}
		}
		return nil
	}
	if e != nil {
		if l := linkByStableID(x.st.GroupLinks, e.StableIDs(), func(id int64) bool { return byID(id) != nil }); l != nil {
			return byID(l.LocalID), l
		}
		q = e.First(x.cfg.groupNameAttr)
	}
	for i := range x.st.Groups {
		if g := &x.st.Groups[i]; q != "" && strings.EqualFold(g.Name, q) {
			return g, linkOf(x.st.GroupLinks, g.ID)
		}
	}
	return nil, nil
}

// groupScopeSteps checks what decides whether a sync reads the group.
func (x *explainer) groupScopeSteps(e *ldap.Entry) bool {
	cfg := x.cfg
	ok := x.baseStep(e.DN, cfg.groupBase, "groups", "groups.search_base")
	ok = x.classStep(e, cfg.groupClass, "groups.object_class") && ok
	ok = x.filterStep(e, cfg.scope.GroupExtraFilter, cfg.scope.GroupFilterErr, "groups.filter") && ok
	if len(cfg.syncOnly) == 0 {
		x.step("sync_only", StepPass, "groups.sync_only is empty: every group in scope is synchronized", "groups.sync_only")
		return ok
	}
	if g := x.dirGroup(e.DN); g != nil {
		if path := x.syncOnlyPath(g.DN, nil); path != nil {
			names := make([]string, len(path))
			for i, p := range path {
				names[len(path)-1-i] = p.Name
			}
			x.step("sync_only", StepPass, "nested in "+strings.Join(names, ", nested in ")+" (named in groups.sync_only)", "groups.sync_only")
		} else {
			x.step("sync_only", StepPass, g.Name+" is named in groups.sync_only", "groups.sync_only")
		}
		return ok
	}
	x.step("sync_only", StepFail, "neither named in groups.sync_only ("+strings.Join(cfg.syncOnly, ", ")+") nor nested in a group named there", "groups.sync_only")
	return false
}

// dirGroup returns the group the sync read at dn, or nil.
func (x *explainer) dirGroup(dn string) *DirGroup {
	if x.groups == nil {
		x.groups = newDNIndex(&x.dns, len(x.dir.Groups), func(i int) string { return x.dir.Groups[i].DN })
	}
	if i := x.groups.find(&x.dns, dn); i >= 0 {
		return &x.dir.Groups[i]
	}
	return nil
}

// groupNameStep checks the group's name: present, valid, unique.
func (x *explainer) groupNameStep(e *ldap.Entry) {
	attr := x.cfg.groupNameAttr
	const setting = "groups.name_attribute"
	if skip := x.dirSkip(store.KindGroup, e.DN); skip != nil {
		x.step("name", StepFail, skip.Reason+": "+skip.Detail, setting)
		return
	}
	name := e.First(attr)
	switch {
	case name == "":
		x.step("name", StepFail, "the entry has no "+attr+" (groups.name_attribute)", setting)
	case store.ValidateGroupName(name) != nil:
		x.step("name", StepFail, fmt.Sprintf("%s %q is not a valid group name: %v", attr, name, store.ValidateGroupName(name)), setting)
	default:
		x.step("name", StepPass, fmt.Sprintf("%s %q: present and valid", attr, name), setting)
	}
}

// membersStep sorts the group's member values: users a sync reads, nested
// groups, and the rest (outside the user scope, or dangling).
func (x *explainer) membersStep(e *ldap.Entry) {
	cfg := x.cfg
	if cfg.groupMemberAttr == "" {
		x.step("members", StepInfo, "groups.member_attribute is empty: memberships come from the users' "+cfg.userMemberAttr, "groups.member_attribute", "users.member_attribute")
		return
	}
	var users, groups, other []string
	for _, m := range e.Get(cfg.groupMemberAttr) {
		if u := x.dirUser(m); u != nil {
			users = append(users, u.Values[FieldUsername])
		} else if g := x.dirGroup(m); g != nil {
			groups = append(groups, g.Name)
		} else {
			other = append(other, m)
		}
	}
	detail := plural(len(users)+len(groups)+len(other), "member value", "member values") + ": " + plural(len(users), "user", "users") + " in scope"
	if len(users) > 0 {
		detail += " (" + firstFew(users) + ")"
	}
	if len(groups) > 0 {
		detail += ", " + plural(len(groups), "nested group", "nested groups") + " (" + firstFew(groups) + ")"
	}
	if len(other) > 0 {
		detail += ", " + plural(len(other), "other", "others") + " not synchronized (outside the user scope, skipped, or no such entry: " + firstFew(other) + ")"
	}
	x.step("members", StepInfo, detail, "groups.member_attribute", "users.search_base", "users.filter")
}

// firstFew lists up to five values.
func firstFew(list []string) string {
	if len(list) <= 5 {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:5], ", ") + fmt.Sprintf(" and %d more", len(list)-5)
}

// storeGroupStep says which store group the entry is linked to.
func (x *explainer) storeGroupStep(e *ldap.Entry, g *store.Group, l *store.Link) {
	if g == nil {
		x.step("store group", StepInfo, "the store has no group for it", "store.path")
		return
	}
	n := 0
	for _, m := range x.st.Memberships {
		if m.GroupID == g.ID {
			n++
		}
	}
	x.out.StoreGroup = &ExplainedStoreGroup{ID: g.ID, Name: g.Name, Members: n, Deleted: g.Deleted()}
	who := fmt.Sprintf("store group %s (id %d, %d members)", g.Name, g.ID, n)
	detail := who + " is not linked to any entry"
	if l != nil {
		x.out.Link = &ExplainedLink{StableID: l.StableID, DN: l.DN, SyncedAt: l.SyncedAt}
		switch {
		case e == nil:
			detail = fmt.Sprintf("%s is linked by stable id %s to %s, which the directory no longer has there", who, l.StableID, l.DN)
		case stableIDAttr(e, l.StableID) == "":
			detail = fmt.Sprintf("%s is linked to another entry: %s", who, l.DN)
		default:
			detail = fmt.Sprintf("linked to %s by %s %s", who, stableIDAttr(e, l.StableID), l.StableID)
		}
	}
	if g.Deleted() {
		detail += "; deleted in the store (the deletion waits for the next sync)"
	}
	x.step("store group", StepInfo, detail, "store.path")
}

// pickGroupPlan takes the plan's actions, skips and conflicts about the
// group (memberships included).
func (x *explainer) pickGroupPlan(e *ldap.Entry, g *store.Group) {
	names := map[string]bool{}
	dn := ""
	if e != nil {
		dn = e.DN
		if n := e.First(x.cfg.groupNameAttr); n != "" {
			names[strings.ToLower(n)] = true
		}
	}
	if g != nil {
		names[strings.ToLower(g.Name)] = true
	}
	if len(names) == 0 {
		names[strings.ToLower(x.out.Query)] = true
	}
	atDN := func(d string) bool { return dn != "" && d != "" && x.dns.equal(d, dn) }
	for a := range x.plan.Each("", "") {
		if a.Kind == store.KindGroup && (names[strings.ToLower(a.Name)] || atDN(a.DN) || atDN(a.OldDN())) {
			x.out.Actions = append(x.out.Actions, *a)
		}
	}
	for _, s := range x.plan.Skipped {
		if s.Kind == store.KindGroup && (atDN(s.DN) || names[strings.ToLower(s.Name)] && (s.DN == "" || e == nil)) {
			x.out.Skipped = append(x.out.Skipped, s)
		}
	}
	for _, c := range x.plan.Conflicts {
		if c.Kind == store.KindGroup && names[strings.ToLower(c.Name)] {
			x.out.Conflicts = append(x.out.Conflicts, c)
		}
	}
}
