package syncer

import (
	"fmt"
	"strings"

	"ldapwiz/ldap"
)

// classStep asks the server whether the entry has the object class the
// setting names.
func (x *explainer) classStep(e *ldap.Entry, class, setting string) bool {
	if class == "" {
		x.step("object class", StepPass, setting+" is empty: entries of any class", setting)
		return true
	}
	ok, err := x.matches(e.DN, "(objectClass="+ldap.EscapeFilter(class)+")")
	switch {
	case err != nil:
		x.step("object class", StepFail, "cannot ask the directory: "+err.Error(), setting)
		return false
	case ok:
		x.step("object class", StepPass, "has object class "+class, setting)
		return true
	}
	x.step("object class", StepFail, fmt.Sprintf("lacks object class %s (its object classes: %s)", class, strings.Join(e.Get("objectClass"), ", ")), setting)
	return false
}

// filterStep asks the server whether the entry matches the extra filter
// of setting and, when it does not, which of its clauses remove it: each
// clause is asked on its own, down to the assertions, with the entry's
// values of their attributes.
func (x *explainer) filterStep(e *ldap.Entry, filter string, compileErr error, setting string) bool {
	if strings.TrimSpace(filter) == "" {
		x.step(setting, StepPass, setting+" is empty: no extra filter", setting)
		return true
	}
	tree, err := ldap.ParseFilterTree(filter)
	if err == nil {
		err = compileErr
	}
	if err != nil {
		x.step(setting, StepFail, err.Error(), setting)
		return false
	}
	ok, err := x.matches(e.DN, tree.Text)
	switch {
	case err != nil:
		x.step(setting, StepFail, "cannot ask the directory: "+err.Error(), setting)
		return false
	case ok:
		x.step(setting, StepPass, "matches "+tree.Text, setting)
		return true
	}
	why, err := x.blame(e, tree)
	if err != nil {
		why = []string{"cannot ask the directory about its clauses: " + err.Error()}
	}
	x.step(setting, StepFail, tree.Text+" removes it: "+strings.Join(why, "; "), setting)
	return false
}

// blame says why the entry does not match n (which it does not).
func (x *explainer) blame(e *ldap.Entry, n ldap.FilterNode) ([]string, error) {
	switch n.Op {
	case ldap.FilterOpAnd:
		var out []string
		for _, c := range n.Clauses {
			ok, err := x.matches(e.DN, c.Text)
			if err != nil {
				return nil, err
			}
			if !ok {
				why, err := x.blame(e, c)
				if err != nil {
					return nil, err
				}
				out = append(out, why...)
			}
		}
		return out, nil
	case ldap.FilterOpOr:
		var parts []string
		for _, c := range n.Clauses {
			why, err := x.blame(e, c)
			if err != nil {
				return nil, err
			}
			parts = append(parts, why...)
		}
		return []string{"none of the alternatives of " + n.Text + " holds (" + strings.Join(parts, "; ") + ")"}, nil
	case ldap.FilterOpNot:
		inner := n.Clauses[0]
		return []string{n.Text + " excludes it because " + inner.Text + " holds" + valuesOf(e, inner.Attr)}, nil
	}
	return []string{n.Text + " does not hold" + valuesOf(e, n.Attr)}, nil
}

// valuesOf shows the entry's values of attr, for a clause about it.
func valuesOf(e *ldap.Entry, attr string) string {
	if attr == "" {
		return ""
	}
	vals := e.Get(attr)
	if len(vals) == 0 {
		return ": the entry has no " + attr
	}
	more := ""
	if len(vals) > 5 {
		vals, more = vals[:5], fmt.Sprintf(" and %d more", len(vals)-5)
	}
	return fmt.Sprintf(": its %s is %s%s", attr, quoteAll(vals), more)
}

func quoteAll(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// syncOnlyUserStep says whether the entry is a member of the groups named
// in groups.sync_only, and through which nested groups.
func (x *explainer) syncOnlyUserStep(e *ldap.Entry) bool {
	cfg := x.cfg
	const setting = "groups.sync_only"
	if len(cfg.syncOnly) == 0 {
		x.step("sync_only", StepPass, "groups.sync_only is empty: users are synchronized whatever their groups", setting)
		return true
	}
	if path := x.syncOnlyPath(e.DN, e.Get(cfg.userMemberAttr)); path != nil {
		x.step("sync_only", StepPass, "member of "+describePath(path), setting, "groups.search_base", "groups.member_attribute")
		return true
	}
	detail := "not a member, directly or through nested groups, of " + strings.Join(cfg.syncOnly, ", ")
	if cfg.userMemberAttr != "" {
		if groups := e.Get(cfg.userMemberAttr); len(groups) > 0 {
			detail += "; its own groups (" + cfg.userMemberAttr + "): " + strings.Join(groups, "; ")
		}
	}
	x.step("sync_only", StepFail, detail, setting, "groups.search_base", "groups.member_attribute")
	return false
}

// syncOnlyPath finds the groups through which dn belongs to a group named
// in groups.sync_only: the named group first, the group holding dn last;
// nil when it does not. It walks the groups the read kept in scope (the
// named ones and those nested in them) by their member values, and by the
// user's own memberOf values when memberships come from the users.
func (x *explainer) syncOnlyPath(dn string, memberOf []string) []*DirGroup {
	byDN := map[string]*DirGroup{}
	for i := range x.dir.Groups {
		if n, ok := x.dns.normalize(x.dir.Groups[i].DN); ok {
			byDN[n] = &x.dir.Groups[i]
		}
	}
	parent := map[*DirGroup]*DirGroup{}
	var queue []*DirGroup
	for i := range x.dir.Groups {
		g := &x.dir.Groups[i]
		for _, name := range x.cfg.syncOnly {
			if strings.EqualFold(g.Name, name) {
				queue = append(queue, g)
				parent[g] = nil
			}
		}
	}
	holds := func(g *DirGroup) bool {
		for _, m := range g.Members {
			if x.dns.equal(m, dn) {
				return true
			}
		}
		if x.dir.MembersFromUsers {
			for _, m := range memberOf {
				if x.dns.equal(m, g.DN) {
					return true
				}
			}
		}
		return false
	}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if holds(g) {
			var path []*DirGroup
			for p := g; p != nil; p = parent[p] {
				path = append([]*DirGroup{p}, path...)
			}
			return path
		}
		for _, m := range g.Members {
			n, ok := x.dns.normalize(m)
			if !ok {
				continue
			}
			if sub := byDN[n]; sub != nil {
				if _, seen := parent[sub]; !seen {
					parent[sub] = g
					queue = append(queue, sub)
				}
			}
		}
	}
	return nil
}

// describePath words a sync_only path: "platform, nested in engineering,
// nested in staff (named in groups.sync_only)".
func describePath(path []*DirGroup) string {
	parts := make([]string, 0, len(path))
	for i := len(path) - 1; i >= 0; i-- {
		parts = append(parts, path[i].Name)
	}
	if len(parts) == 1 {
		return parts[0] + " (named in groups.sync_only), directly"
	}
	return parts[0] + ", nested in " + strings.Join(parts[1:], ", nested in ") + " (named in groups.sync_only)"
}
