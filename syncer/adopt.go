package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// A create that finds its DN taken (LDAP result 68) was usually interrupted
// before: a run added the entry and was stopped before the store recorded
// it. Such an entry is adopted when it is the one the create would have
// written: in scope, with the same username or group name, and linked to
// no other store user or group. It is then given the values the create
// would have written, and the create goes on as if it had added it. Any
// other entry at the DN is a conflict, refused with a message naming both.

// adoptUserEntry adopts the entry at a.DN for the user create a, whose add
// found the DN taken; want holds the attributes the add wrote and pw the
// password it carried (Active Directory; set here after the values).
func (ap *applier) adoptUserEntry(ctx context.Context, a *Action, want *attrSet, pw string) error {
	cfg := ap.cfg
	p := a.apply.user
	name := a.apply.values[FieldUsername]
	e, err := ap.entryInScope(ctx, a.DN, cfg.userSearchFilter(), want)
	if err != nil {
		return err
	}
	if e == nil {
		return &refusedError{msg: fmt.Sprintf("cannot create user %q: the directory already has an entry at %s, outside the users this sync reads "+
			"(users.search_base, users.object_class %s, users.filter); it is not taken over: remove or rename it, or change users.rdn_attribute",
			name, a.DN, cfg.userClass)}
	}
	if got := e.First(cfg.attrOf[FieldUsername]); !strings.EqualFold(got, name) {
		return &refusedError{msg: fmt.Sprintf("cannot create user %q: the directory already has an entry at %s for %s=%s; "+
			"rename one of them, or change users.rdn_attribute", name, a.DN, cfg.attrOf[FieldUsername], got)}
	}
	if err := ap.linkedElsewhere(ctx, store.KindUser, e, p.localID, name); err != nil {
		return err
	}
	mapped := make([]string, 0, len(cfg.fields))
	for _, f := range cfg.fields {
		if f != FieldDisabled {
			mapped = append(mapped, cfg.attrOf[f])
		}
	}
	changes := matchChanges(e, want, mapped, nil, "unicodePwd", "userAccountControl")
	if len(changes) > 0 {
		if err := ap.conn.Modify(ctx, a.DN, changes); err != nil {
			return err
		}
	}
	if !cfg.ad {
		return nil // the password, if any, is set by the create
	}
	if pw != "" {
		if err := ap.conn.SetPassword(ctx, a.DN, pw, true); err != nil {
			return err
		}
	}
	if uac := want.get("userAccountControl"); len(uac) > 0 && e.First("userAccountControl") != uac[0] {
		return ap.conn.Modify(ctx, a.DN, []ldap.Change{{Op: ldap.ModReplace, Attr: "userAccountControl", Values: uac}})
	}
	return nil
}

// adoptGroupEntry adopts the entry at a.DN for the group create a, whose
// add found the DN taken; want holds the attributes the add wrote, members
// included.
func (ap *applier) adoptGroupEntry(ctx context.Context, a *Action, want *attrSet) error {
	cfg := ap.cfg
	p := a.apply.groupPair()
	e, err := ap.entryInScope(ctx, a.DN, cfg.scope.GroupFilter, want)
	if err != nil {
		return err
	}
	if e == nil {
		return &refusedError{msg: fmt.Sprintf("cannot create group %q: the directory already has an entry at %s, outside the groups this sync reads "+
			"(groups.search_base, groups.object_class %s); it is not taken over: remove or rename it", p.name, a.DN, cfg.groupClass)}
	}
	if got := e.First(cfg.groupNameAttr); !strings.EqualFold(got, p.name) {
		return &refusedError{msg: fmt.Sprintf("cannot create group %q: the directory already has an entry at %s for %s=%s; rename one of them",
			p.name, a.DN, cfg.groupNameAttr, got)}
	}
	if err := ap.linkedElsewhere(ctx, store.KindGroup, e, p.localID, p.name); err != nil {
		return err
	}
	dnValued := map[string]bool{strings.ToLower(cfg.groupMemberAttr): true}
	changes := matchChanges(e, want, []string{cfg.groupMemberAttr}, dnValued)
	if len(changes) == 0 {
		return nil
	}
	return ap.conn.Modify(ctx, a.DN, changes)
}

// entryInScope reads the entry at dn when it matches filter (the users' or
// groups' filter), with the attributes of want; nil when it does not match.
func (ap *applier) entryInScope(ctx context.Context, dn, filter string, want *attrSet) (*ldap.Entry, error) {
	attrs := append(ldap.StableIDAttributes(), "objectClass")
	for name := range want.m {
		attrs = append(attrs, name)
	}
	for _, a := range ap.cfg.attrOf {
		attrs = append(attrs, a)
	}
	var found *ldap.Entry
	err := ap.conn.Search(ctx, ldap.SearchRequest{Base: dn, Scope: ldap.ScopeBase, Filter: filter, Attributes: attrs, PageSize: -1},
		func(e *ldap.Entry) error {
			found = e
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("the directory already has an entry at %s, and reading it failed: %w", dn, err)
	}
	return found, nil
}

// linkedElsewhere refuses to adopt entry e for the store user or group
// localID (named name) when e is linked to another one, or cannot be linked.
func (ap *applier) linkedElsewhere(ctx context.Context, kind store.Kind, e *ldap.Entry, localID int64, name string) error {
	id := e.StableID()
	if id == "" {
		return &refusedError{msg: fmt.Sprintf("cannot create %s %q: the directory already has an entry at %s, and it has no entryUUID, objectGUID or nsUniqueId "+
			"the bind account may read, so it cannot be taken over", kind, name, e.DN)}
	}
	l, err := ap.db.LinkByStableID(ctx, kind, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case l.LocalID == localID:
		return nil
	}
	other := fmt.Sprintf("store %s %d", kind, l.LocalID)
	if kind == store.KindUser {
		if u, err := ap.db.GetUser(ctx, l.LocalID); err == nil {
			other = fmt.Sprintf("store user %q", u.Username)
		}
	} else if g, err := ap.db.GetGroup(ctx, l.LocalID); err == nil {
		other = fmt.Sprintf("store group %q", g.Name)
	}
	return &refusedError{msg: fmt.Sprintf("cannot create %s %q: the directory already has an entry at %s, linked to %s; rename one of them",
		kind, name, e.DN, other)}
}

// matchChanges returns the modifications that give entry e the attributes
// of want: the object classes it lacks, every other attribute of want
// whose values differ (compared as DNs for the attributes in dnValued),
// and no value for the attributes of mapped that want does not have.
// Attributes named in skip are left alone.
func matchChanges(e *ldap.Entry, want *attrSet, mapped []string, dnValued map[string]bool, skip ...string) []ldap.Change {
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[strings.ToLower(s)] = true
	}
	var changes []ldap.Change
	for name, vals := range want.m {
		key := strings.ToLower(name)
		switch {
		case skipped[key]:
		case key == "objectclass":
			var missing []string
			for _, v := range vals {
				if !containsFold(e.Get(name), v) {
					missing = append(missing, v)
				}
			}
			if len(missing) > 0 {
				changes = append(changes, ldap.Change{Op: ldap.ModAdd, Attr: name, Values: missing})
			}
		case !sameValueSet(e.Get(name), vals, dnValued[key]):
			changes = append(changes, ldap.Change{Op: ldap.ModReplace, Attr: name, Values: vals})
		}
	}
	for _, name := range mapped {
		if name != "" && want.get(name) == nil && e.Has(name) && !skipped[strings.ToLower(name)] {
			changes = append(changes, ldap.Change{Op: ldap.ModReplace, Attr: name})
		}
	}
	return changes
}

// sameValueSet reports whether a and b hold the same values, in any order
// (as DNs when dn is set).
func sameValueSet(a, b []string, dn bool) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y || dn && ldap.DNEqual(x, y) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func containsFold(vals []string, v string) bool {
	for _, x := range vals {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
