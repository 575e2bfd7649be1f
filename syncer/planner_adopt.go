package syncer

import (
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// mayCreateInDirectory reports whether planning may create a store user
// in the directory: whether a store user has no directory entry. Only
// such a create looks an entry up by DN (entryAt) once the groups'
// members are resolved, so without one the index by DN can go before the
// users are planned (a first import has no such user).
func (pl *planner) mayCreateInDirectory() bool {
	for _, p := range pl.users {
		if p.st != nil && p.dir == nil {
			return true
		}
	}
	return false
}

// entryAt returns the pair whose directory entry is at dn, or nil.
func (pl *planner) entryAt(dn string) *userPair {
	n, ok := pl.dns.normalize(dn)
	if !ok {
		return nil
	}
	q := pl.userByDN[n]
	if q == nil || q.dir == nil || !pl.dns.equal(q.dir.DN, dn) {
		return nil
	}
	return q
}

// adopt decides about the entry of q, found at the DN where the store user
// p is to be created. The create adopts it (and true is returned) when it
// is the one the create would write: with p's username and linked to no
// store user. Otherwise p is skipped with a conflict naming both, and
// false is returned.
func (pl *planner) adopt(p, q *userPair) bool {
	u, name := p.st, q.dir.username()
	switch {
	case q.st != nil:
		pl.skip(store.KindUser, u.Username, q.dir.DN, SkipNameTaken,
			"the directory already has an entry at this DN, for "+name+", linked to the store user "+q.st.Username+"; rename one of them")
		return false
	case !strings.EqualFold(name, u.Username):
		pl.skip(store.KindUser, u.Username, q.dir.DN, SkipNameTaken,
			"the directory already has an entry at this DN, for "+pl.cfg.attrOf[FieldUsername]+"="+name+
				"; rename one of them, or change users.rdn_attribute")
		return false
	}
	q.adoptedBy = p
	if n, err := ldap.NormalizeDN(q.dir.DN); err == nil {
		pl.userByDN[n] = p // groups naming the entry name p
	}
	return true
}

// adopter returns the store user whose create adopts u's entry, or u.
func adopter(u *userPair) *userPair {
	if u.adoptedBy != nil {
		return u.adoptedBy
	}
	return u
}

// eachBaseMember calls fn with each user the last run recorded in group
// p's link base as a member (pl.baseUser: a user whose entry this run
// (re)creates has a new identity, so the base's reference is to the old
// entry, and is skipped), and reports whether the base records members.
func (pl *planner) eachBaseMember(p *groupPair, fn func(*userPair)) (hasBase bool) {
	if p.link == nil {
		return false
	}
	ids, ok := p.link.Base[baseMembers]
	for _, id := range ids {
		if u := pl.baseUser(id); u != nil {
			fn(u)
		}
	}
	return ok
}

// baseUser returns the user a group link's base member id refers to, when
// that user exists on both sides after the plan with that same entry: a
// user whose entry this run (re)creates or adopts has a new identity, and
// the base's reference is to the old one.
func (pl *planner) baseUser(id string) *userPair {
	u := pl.userWithEntry(id)
	if u == nil || !u.bothAfter {
		return nil
	}
	return u
}
