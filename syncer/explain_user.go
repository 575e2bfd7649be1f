package syncer

import (
	"context"
	"fmt"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// ExplainUser says where one user stands, step by step: the directory
// entry named by who (a username, a DN or an e-mail address) and the store
// user, whether a sync reads the entry (search base, object class, each
// clause of users.filter, groups.sync_only through nested groups), whether
// its username is present, valid and unique, which store user it is linked
// to by which stable id, and what the next sync does to it and why, taken
// from the plan of the whole directory that "ldapwiz preview" shows. It
// changes nothing; the store should be opened read-only
// (OpenStoreForPreview).
func ExplainUser(ctx context.Context, s wizard.Settings, db *store.DB, who string, opts Options) (*Explanation, error) {
	return explain(ctx, s, db, opts, store.KindUser, who, (*explainer).explainUser)
}

// userSubject is the user an explanation is about, as both sides know it.
type userSubject struct {
	entry *ldap.Entry
	read  bool // a sync reads the entry (in scope, usable or skipped for a reason of its own)
	su    *store.User
	link  *store.Link
}

func (x *explainer) explainUser() error {
	cfg, q := x.cfg, x.out.Query
	unAttr := cfg.attrOf[FieldUsername]
	var u userSubject
	var err error
	if u.entry, err = x.lookUp(cfg.userBase, x.userLookupAttrs(), x.readsUser); err != nil {
		return err
	}
	u.read = u.entry != nil && x.readsUser(u.entry.DN)
	su, link := x.findStoreUser(u.entry, q)
	u.link = link
	if su != nil {
		// The snapshot holds what a plan reads; the explanation shows the
		// user whole (enrollment, origin).
		if u.su, err = x.db.GetUser(x.ctx, su.ID); err != nil {
			return err
		}
	}
	x.foundUserStep(u)
	inScope := true
	if u.entry != nil {
		x.out.Entry = explainedEntry(u.entry, unAttr)
		inScope = x.userScopeSteps(u.entry)
		x.usernameStep(u)
	}
	x.storeUserStep(u)
	x.pickUserPlan(u)
	outcome, idle := x.userIdle(u, inScope)
	x.nextSync(outcome, idle)
	return nil
}

// userLookupAttrs are the attributes a user is looked up by: the username
// and e-mail attributes, and on Active Directory the userPrincipalName
// people sign in with.
func (x *explainer) userLookupAttrs() []string {
	attrs := nonEmptyStrings([]string{x.cfg.attrOf[FieldUsername], x.cfg.attrOf[FieldEmail]})
	if x.cfg.ad && !strings.EqualFold(x.cfg.attrOf[FieldUsername], "userPrincipalName") {
		attrs = append(attrs, "userPrincipalName")
	}
	return attrs
}

// readsUser reports whether a sync reads the user entry at dn: in scope,
// usable or skipped for a reason of its own.
func (x *explainer) readsUser(dn string) bool {
	return x.dirUser(dn) != nil || x.dirSkip(store.KindUser, dn) != nil
}

// dirUser returns the user the sync read at dn, or nil.
func (x *explainer) dirUser(dn string) *DirUser {
	if x.users == nil {
		x.users = newDNIndex(&x.dns, len(x.dir.Users), func(i int) string { return x.dir.Users[i].DN })
	}
	if i := x.users.find(&x.dns, dn); i >= 0 {
		return x.dir.Users[i]
	}
	return nil
}

// dirSkip returns the read's skip of the entry at dn, or nil.
func (x *explainer) dirSkip(kind store.Kind, dn string) *Skip {
	for i := range x.dir.Skipped {
		if s := &x.dir.Skipped[i]; s.Kind == kind && x.dns.equal(s.DN, dn) {
			return s
		}
	}
	return nil
}

// findStoreUser finds the store user of the entry (by the link holding one
// of its stable ids, else by username, as the planner pairs them) or, with
// no entry, the one the query names (username, e-mail or linked DN).
func (x *explainer) findStoreUser(e *ldap.Entry, q string) (*store.SyncUser, *store.Link) {
	byID := func(id int64) *store.SyncUser {
		for i := range x.st.Users {
			if x.st.Users[i].ID == id {
				return &x.st.Users[i]
			}
		}
		return nil
	}
	if e != nil {
		if l := linkByStableID(x.st.UserLinks, e.StableIDs(), func(id int64) bool { return byID(id) != nil }); l != nil {
			return byID(l.LocalID), l
		}
		q = e.First(x.cfg.attrOf[FieldUsername])
	}
	if looksLikeDN(q) {
		for i := range x.st.UserLinks {
			if l := &x.st.UserLinks[i]; x.dns.equal(l.DN, q) {
				if u := byID(l.LocalID); u != nil {
					return u, l
				}
			}
		}
		return nil, nil
	}
	for _, match := range []func(*store.SyncUser) bool{
		func(u *store.SyncUser) bool { return strings.EqualFold(u.Username, q) },
		func(u *store.SyncUser) bool { return e == nil && u.Email != "" && strings.EqualFold(u.Email, q) },
	} {
		for i := range x.st.Users {
			if u := &x.st.Users[i]; q != "" && match(u) {
				return u, linkOf(x.st.UserLinks, u.ID)
			}
		}
	}
	return nil, nil
}

// linkByStableID returns the first link holding one of ids, in the order
// of ids, whose local object exists (has), or nil.
func linkByStableID(links []store.Link, ids []string, has func(localID int64) bool) *store.Link {
	for _, id := range ids {
		for i := range links {
			if l := &links[i]; l.StableID == id && has(l.LocalID) {
				return l
			}
		}
	}
	return nil
}

// linkOf returns the first link of the local object id, or nil.
func linkOf(links []store.Link, id int64) *store.Link {
	for i := range links {
		if links[i].LocalID == id {
			return &links[i]
		}
	}
	return nil
}

// foundUserStep says what the query found on each side.
func (x *explainer) foundUserStep(u userSubject) {
	q := x.out.Query
	attrs := x.userLookupAttrs()
	settings := []string{"users.username_attribute", "users.attributes.email"}
	if u.entry == nil {
		how := fmt.Sprintf("no entry in the directory has %s %q", strings.Join(attrs, " or "), q)
		if looksLikeDN(q) {
			how = "no entry exists at " + q
		}
		switch {
		case u.su != nil:
			how += "; the store has user " + u.su.Username
		default:
			how += "; the store has no such user either"
		}
		x.step("found", StepFail, how, settings...)
		return
	}
	by := "by its DN"
	for _, a := range attrs {
		if strings.EqualFold(u.entry.First(a), q) {
			by = "by its " + a
			break
		}
	}
	x.foundStep(u.entry.DN, " "+by, settings...)
}

// userScopeSteps checks, clause by clause, what decides whether a sync
// reads the entry; it reports whether every check passed.
func (x *explainer) userScopeSteps(e *ldap.Entry) bool {
	cfg := x.cfg
	ok := x.baseStep(e.DN, cfg.userBase, "users", "users.search_base")
	ok = x.classStep(e, cfg.userClass, "users.object_class") && ok
	ok = x.filterStep(e, cfg.userFilter, cfg.scope.UserFilterErr, "users.filter") && ok
	ok = x.syncOnlyUserStep(e) && ok
	return ok
}

// usernameStep checks the username attribute: present, valid, unique, and
// a stable id to link by.
func (x *explainer) usernameStep(u userSubject) {
	attr := x.cfg.attrOf[FieldUsername]
	e, skip := u.entry, x.dirSkip(store.KindUser, u.entry.DN)
	name := e.First(attr)
	const setting = "users.username_attribute"
	switch {
	case !e.Has(attr):
		x.step("username", StepFail, "the entry has no "+attr+" (users.username_attribute): it cannot become a store user", setting)
	case store.ValidateUsername(name) != nil:
		x.step("username", StepFail, fmt.Sprintf("%s %q is not a valid username: %v", attr, name, store.ValidateUsername(name)), setting)
	case skip != nil && skip.Reason == SkipDuplicate:
		x.step("username", StepFail, fmt.Sprintf("%s %q is not unique: %s", attr, name, skip.Detail), setting)
	case skip != nil && skip.Reason == SkipNoStableID:
		x.step("stable id", StepFail, skip.Detail, "connection.bind_dn")
	case u.read:
		x.step("username", StepPass, fmt.Sprintf("%s %q: present, valid, and no other user entry in scope carries it", attr, name), setting)
	default:
		x.step("username", StepPass, fmt.Sprintf("%s %q: present and valid (uniqueness counts among the entries a sync reads, which this one is not)", attr, name), setting)
	}
}

// storeUserStep says which store user the entry is linked to, by which
// stable id, and the store user's state.
func (x *explainer) storeUserStep(u userSubject) {
	su, l, e := u.su, u.link, u.entry
	if su == nil {
		x.step("store user", StepInfo, "the store has no user for it", "store.path")
		return
	}
	x.out.StoreUser = &ExplainedStoreUser{ID: su.ID, Username: su.Username, Email: su.Email, Disabled: su.Disabled,
		EnrollmentPending: su.EnrollmentPending, PasswordPending: su.PasswordPending, FromLDAP: su.FromLDAP, Deleted: su.Deleted()}
	who := fmt.Sprintf("store user %s (id %d)", su.Username, su.ID)
	var detail string
	switch {
	case l == nil && e != nil:
		detail = who + " is not linked to any entry yet: the next sync pairs it with this entry by username"
	case l == nil:
		detail = who + " is not linked to any directory entry"
	default:
		x.out.Link = &ExplainedLink{StableID: l.StableID, DN: l.DN, SyncedAt: l.SyncedAt}
		attr := ""
		if e != nil {
			attr = stableIDAttr(e, l.StableID)
		}
		switch {
		case e == nil:
			detail = fmt.Sprintf("%s is linked by stable id %s to %s, which the directory no longer has there (deleted, or moved or renamed out of scope)", who, l.StableID, l.DN)
		case attr == "" && x.dns.equal(l.DN, e.DN):
			detail = fmt.Sprintf("%s is linked by stable id %s to the entry that was at this DN before; this entry is another one (%s %s): deleted and added again?",
				who, l.StableID, x.out.Entry.StableIDAttr, x.out.Entry.StableID)
		case attr == "":
			detail = fmt.Sprintf("%s is linked to another entry: %s (stable id %s)", who, l.DN, l.StableID)
		default:
			detail = fmt.Sprintf("linked to %s by %s %s", who, attr, l.StableID)
			if !l.SyncedAt.IsZero() {
				detail += ", last synchronized " + l.SyncedAt.UTC().Format("2006-01-02 15:04 UTC")
			}
			if !x.dns.equal(l.DN, e.DN) {
				detail += "; the link still holds the DN " + l.DN + ": the entry was moved or renamed, and the link follows it by its stable id"
			}
		}
	}
	var state []string
	if su.Deleted() {
		state = append(state, "deleted in the store (the deletion waits for the next sync)")
	}
	if su.Disabled {
		state = append(state, "disabled")
	}
	if su.EnrollmentPending {
		state = append(state, "enrollment pending")
	}
	if su.PasswordPending {
		state = append(state, "a new password waits to be written to the directory")
	}
	if !su.MissingSince.IsZero() {
		state = append(state, "missing from the directory since "+su.MissingSince.UTC().Format("2006-01-02 15:04 UTC")+" (sync.missing_users)")
	}
	if len(state) > 0 {
		detail += "; the store user is " + strings.Join(state, ", ")
	}
	x.step("store user", StepInfo, detail, "store.path")
}

// pickUserPlan takes the plan's actions, skips and conflicts about the user.
func (x *explainer) pickUserPlan(u userSubject) {
	names := map[string]bool{}
	var dns []string
	if u.entry != nil {
		dns = append(dns, u.entry.DN)
		if n := u.entry.First(x.cfg.attrOf[FieldUsername]); n != "" {
			names[strings.ToLower(n)] = true
		}
	}
	linkedHere := u.link == nil || u.entry == nil || stableIDAttr(u.entry, u.link.StableID) != ""
	if u.su != nil && linkedHere {
		names[strings.ToLower(u.su.Username)] = true
		if u.link != nil {
			dns = append(dns, u.link.DN)
		}
	}
	atDN := func(dn string) bool {
		for _, d := range dns {
			if dn != "" && x.dns.equal(d, dn) {
				return true
			}
		}
		return false
	}
	for a := range x.plan.Each("", "") {
		switch {
		case a.Kind == store.KindUser && (atDN(a.DN) || atDN(a.OldDN()) || names[strings.ToLower(a.Name)]):
			x.out.Actions = append(x.out.Actions, *a)
		case a.Kind == store.KindGroup && a.Member() != "" && names[strings.ToLower(a.Member())]:
			x.out.Actions = append(x.out.Actions, *a)
		}
	}
	for _, s := range x.plan.Skipped {
		if s.Kind != store.KindUser {
			continue
		}
		byName := names[strings.ToLower(s.Name)] && (u.entry == nil || s.DN == "" || s.Reason == SkipNameTaken && u.link == nil)
		if atDN(s.DN) || byName {
			x.out.Skipped = append(x.out.Skipped, s)
		}
	}
	for _, c := range x.plan.Conflicts {
		if c.Kind == store.KindUser && names[strings.ToLower(c.Name)] {
			x.out.Conflicts = append(x.out.Conflicts, c)
		}
	}
}

// userIdle says why the next sync does nothing, when the plan has nothing
// for the user.
func (x *explainer) userIdle(u userSubject, inScope bool) (string, string) {
	cfg := x.cfg
	switch {
	case u.entry == nil && u.su == nil:
		return OutcomeNotFound, "nothing: neither the directory nor the store has it"
	case u.entry != nil && !inScope && u.su == nil:
		return OutcomeOutside, "nothing: a sync does not read this entry (see the failed step)"
	case u.entry != nil && !inScope:
		return OutcomeOutside, "nothing: a sync does not read this entry, and the store user stays as it is"
	case u.su != nil && u.link != nil && x.dir.Kept[u.link.StableID]:
		return OutcomeSkipped, "nothing: the linked entry is skipped for a reason of its own, so the store user is left alone"
	case u.entry == nil && !cfg.writesDir():
		return OutcomeLeftAlone, "nothing: sync.mode import never writes to the directory, so the store user stays in the store only"
	case u.entry == nil && len(cfg.syncOnly) > 0:
		return OutcomeLeftAlone, "nothing: the store user is in no store group named in groups.sync_only, so it is not written to the directory"
	case u.entry == nil:
		return OutcomeLeftAlone, "nothing: the store user stays as it is"
	case u.su == nil && !cfg.writesStore():
		return OutcomeUnlinked, "nothing: sync.mode one-way writes the store's users to the directory and never creates store users from it"
	}
	return OutcomeNothing, "nothing: both sides agree"
}
