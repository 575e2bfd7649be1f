package demodir

import (
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// session is what the server knows about a connection's client.
type session struct {
	bindDN *goldap.DN // nil: anonymous
	admin  bool
	tls    bool
}

func (s *session) name() string {
	if s == nil || s.bindDN == nil {
		return ""
	}
	return formatDN(s.bindDN)
}

// mayWrite checks that the client is allowed to change the directory: only
// the administrator is. Anonymous clients get strongAuthRequired and
// ordinary users insufficientAccessRights, as from OpenLDAP.
func mayWrite(who *session) result {
	if who == nil || who.bindDN == nil {
		return fail(goldap.LDAPResultStrongAuthRequired, "modifications require authentication: bind as the administrator first")
	}
	if !who.admin {
		return fail(goldap.LDAPResultInsufficientAccessRights, "no write access to the entry: only the administrator may change the demo directory")
	}
	return success
}

func (d *directory) noSuchObject(dn *goldap.DN) result {
	r := fail(goldap.LDAPResultNoSuchObject, "no such object")
	r.matched = d.matchedDN(dn)
	return r
}

// writeTarget is the opening of the operations that change an existing
// entry (modify, delete, modify DN): it checks that who may write, takes
// the write lock and finds the entry dn names. On success the lock is held
// and the caller releases it with unlock; on failure nothing is held. The
// caller parses dn first, so that a malformed request is refused before
// access is checked, as by OpenLDAP.
func (d *directory) writeTarget(dn *goldap.DN, who *session) (e *entry, unlock func(), r result) {
	if r = mayWrite(who); r.code != 0 {
		return nil, nil, r
	}
	return d.lockEntry(dn)
}

// lockEntry takes the write lock and finds the entry dn names, refusing a
// missing one with noSuchObject. On success the lock is held and the caller
// releases it with unlock; on failure nothing is held.
func (d *directory) lockEntry(dn *goldap.DN) (e *entry, unlock func(), r result) {
	d.mu.Lock()
	if e = d.lookup(dn); e == nil {
		r = d.noSuchObject(dn)
		d.mu.Unlock()
		return nil, nil, r
	}
	return e, d.mu.Unlock, success
}

// add creates an entry. load is true while reading the embedded data: it
// permits operational attributes (as slapadd does) and skips access control.
func (d *directory) add(dnStr string, in []ldifAttr, who *session, load bool) result {
	dn, err := parseDN(dnStr)
	if err != nil || len(dn.RDNs) == 0 {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", dnStr)
	}
	dn = d.sch.canonicalDN(dn)
	if !load {
		if r := mayWrite(who); r.code != 0 {
			return r
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.inNamingContext(dn) {
		return fail(goldap.LDAPResultNoSuchObject, "no global superior knowledge: %s is outside the naming context %s", formatDN(dn), d.fl.suffix)
	}
	e := &entry{dn: dn, key: dnKey(dn)}
	if d.entries[e.key] != nil {
		return fail(goldap.LDAPResultEntryAlreadyExists, "entry already exists")
	}
	if !dn.EqualFold(d.fl.suffixDN) && d.lookup(parentOf(dn)) == nil {
		return d.noSuchObject(dn)
	}
	seen := map[string]bool{}
	for _, a := range in {
		t := d.sch.attr(a.name)
		if t == nil {
			return fail(goldap.LDAPResultUndefinedAttributeType, "%s: attribute type undefined", a.name)
		}
		if d.isComputed(t) {
			if load {
				continue
			}
			return fail(goldap.LDAPResultConstraintViolation, "%s: no user modification allowed", t.name())
		}
		if t.noUserMod && !load {
			return fail(goldap.LDAPResultConstraintViolation, "%s: no user modification allowed", t.name())
		}
		nv := t.name() + "\x00" + t.normalize(a.value)
		if seen[nv] {
			return fail(goldap.LDAPResultAttributeOrValueExists, "%s: value #%d provided more than once", t.name(), len(e.get(t).vals))
		}
		seen[nv] = true
		if at := e.get(t); at != nil {
			at.vals = append(at.vals, a.value)
		} else {
			e.attrs = append(e.attrs, &attribute{t: t, vals: []string{a.value}})
		}
	}
	for _, ava := range dn.RDNs[0].Attributes {
		t := d.sch.attr(ava.Type)
		if t == nil {
			return fail(goldap.LDAPResultUndefinedAttributeType, "%s: attribute type undefined (in the RDN)", ava.Type)
		}
		if !e.hasValue(t, ava.Value) { // both OpenLDAP and AD add the RDN value
			e.set(t, append(append([]string{}, d.values(e, t)...), ava.Value))
		}
	}
	if d.fl.ad {
		if r := d.adDefaults(e); r.code != 0 {
			return r
		}
	}
	d.stamp(e, who, true)
	if r := d.checkSchema(e); r.code != 0 {
		return r
	}
	e.seq = d.nextSeq()
	d.put(e)
	return success
}

// change is one modification of a modify request.
type change struct {
	op   int // 0 add, 1 delete, 2 replace, 3 increment
	name string
	vals []string
}

// modify applies changes to one entry, all or nothing.
func (d *directory) modify(dnStr string, changes []change, who *session) result {
	dn, err := parseDN(dnStr)
	if err != nil {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", dnStr)
	}
	old, unlock, r := d.writeTarget(dn, who)
	if r.code != 0 {
		return r
	}
	defer unlock()
	e := old.clone()
	for _, c := range changes {
		t := d.sch.attr(c.name)
		if t == nil {
			return fail(goldap.LDAPResultUndefinedAttributeType, "%s: attribute type undefined", c.name)
		}
		if t.noUserMod || d.isComputed(t) {
			return fail(goldap.LDAPResultConstraintViolation, "%s: no user modification allowed", t.name())
		}
		if t.name() == "unicodePwd" && !who.tls {
			return fail(goldap.LDAPResultUnwillingToPerform, "0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0: unicodePwd can only be set over TLS (ldaps:// or StartTLS)")
		}
		if r := applyChange(e, t, c); r.code != 0 {
			return r
		}
	}
	for _, ava := range e.dn.RDNs[0].Attributes {
		if t := d.sch.attr(ava.Type); t != nil && !e.hasValue(t, ava.Value) {
			return fail(goldap.LDAPResultNamingViolation, "naming attribute '%s' is not present in entry (rename the entry to change its RDN value)", t.name())
		}
	}
	if r := d.checkSchema(e); r.code != 0 {
		return r
	}
	d.stamp(e, who, false)
	d.put(e)
	return success
}

func applyChange(e *entry, t *attrType, c change) result {
	cur := append([]string(nil), func() []string {
		if a := e.get(t); a != nil {
			return a.vals
		}
		return nil
	}()...)
	norm := make([]string, len(cur))
	for i, x := range cur {
		norm[i] = t.normalize(x)
	}
	indexOf := func(v string) int {
		n := t.normalize(v)
		for i, x := range norm {
			if x == n {
				return i
			}
		}
		return -1
	}
	push := func(v string) {
		cur = append(cur, v)
		norm = append(norm, t.normalize(v))
	}
	drop := func(j int) {
		cur = append(cur[:j], cur[j+1:]...)
		norm = append(norm[:j], norm[j+1:]...)
	}
	switch c.op {
	case 0: // add
		if len(c.vals) == 0 {
			return fail(goldap.LDAPResultProtocolError, "modify/add: %s: no values given", t.name())
		}
		for i, v := range c.vals {
			if indexOf(v) >= 0 {
				return fail(goldap.LDAPResultAttributeOrValueExists, "modify/add: %s: value #%d already exists", t.name(), i)
			}
			push(v)
		}
	case 1: // delete
		if len(c.vals) == 0 {
			if len(cur) == 0 {
				return fail(goldap.LDAPResultNoSuchAttribute, "modify/delete: %s: no such attribute", t.name())
			}
			cur = nil
			break
		}
		for i, v := range c.vals {
			j := indexOf(v)
			if j < 0 {
				return fail(goldap.LDAPResultNoSuchAttribute, "modify/delete: %s: no such value (value #%d)", t.name(), i)
			}
			drop(j)
		}
	case 2: // replace
		cur, norm = nil, nil
		seen := map[string]bool{}
		for i, v := range c.vals {
			n := t.normalize(v)
			if seen[n] {
				return fail(goldap.LDAPResultAttributeOrValueExists, "modify/replace: %s: value #%d provided more than once", t.name(), i)
			}
			seen[n] = true
			cur = append(cur, v)
		}
	case 3: // increment
		if len(cur) == 0 {
			return fail(goldap.LDAPResultNoSuchAttribute, "modify/increment: %s: no such attribute", t.name())
		}
		if !strings.Contains(strings.ToLower(t.equality), "integer") || len(c.vals) != 1 {
			return fail(goldap.LDAPResultConstraintViolation, "modify/increment: %s: not an integer attribute or not one value", t.name())
		}
		for i, v := range cur {
			s, ok := addIntegers(v, c.vals[0])
			if !ok {
				return fail(goldap.LDAPResultInvalidAttributeSyntax, "modify/increment: %s: value #%d is not an integer", t.name(), i)
			}
			cur[i] = s
		}
	default:
		return fail(goldap.LDAPResultProtocolError, "unknown modify operation %d", c.op)
	}
	e.set(t, cur)
	return success
}

// delete removes a leaf entry and, like OpenLDAP's refint overlay, the
// member values that named it (a group's last member is left dangling,
// since groupOfNames requires one).
func (d *directory) delete(dnStr string, who *session) result {
	dn, err := parseDN(dnStr)
	if err != nil {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", dnStr)
	}
	e, unlock, r := d.writeTarget(dn, who)
	if r.code != 0 {
		return r
	}
	defer unlock()
	if d.children[e.key] > 0 {
		return fail(goldap.LDAPResultNotAllowedOnNonLeaf, "subordinate objects must be deleted first")
	}
	d.remove(e)
	d.rewriteMembers(map[string]*goldap.DN{e.key: nil}, who)
	return success
}

// rewriteMembers updates the member values of every group naming one of
// the keys: renamed to the new DN, or removed when the new DN is nil.
func (d *directory) rewriteMembers(moved map[string]*goldap.DN, who *session) {
	mt := d.sch.attr("member")
	for _, g := range d.groups {
		hit := false
		for k := range moved {
			if g.members[k] {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		c := g.clone()
		var vals []string
		for _, v := range c.get(mt).vals {
			to, ok := moved[mt.normalize(v)]
			switch {
			case !ok:
				vals = append(vals, v)
			case to != nil:
				vals = append(vals, formatDN(to))
			}
		}
		if len(vals) == 0 {
			continue // keep the dangling last member
		}
		c.set(mt, vals)
		d.stamp(c, who, false)
		d.put(c)
	}
}

// modifyDN renames and/or moves an entry with its subtree.
func (d *directory) modifyDN(dnStr, newRDNStr string, deleteOld bool, newSup *string, who *session) result {
	dn, err := parseDN(dnStr)
	if err != nil || len(dn.RDNs) == 0 {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", dnStr)
	}
	rdnDN, err := parseDN(newRDNStr)
	if err != nil || len(rdnDN.RDNs) != 1 {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid new RDN %q", newRDNStr)
	}
	rdnDN = d.sch.canonicalDN(rdnDN)
	old, unlock, r := d.writeTarget(dn, who)
	if r.code != 0 {
		return r
	}
	defer unlock()
	parent := parentOf(old.dn)
	if newSup != nil {
		if parent, err = parseDN(*newSup); err != nil {
			return fail(goldap.LDAPResultInvalidDNSyntax, "invalid new superior %q", *newSup)
		}
		parent = d.sch.canonicalDN(parent)
		if isUnder(parent, old.dn) {
			return fail(goldap.LDAPResultUnwillingToPerform, "cannot move an entry below itself")
		}
		if d.lookup(parent) == nil {
			r := fail(goldap.LDAPResultNoSuchObject, "new superior %s does not exist", formatDN(parent))
			r.matched = d.matchedDN(childDN(rdnDN.RDNs[0], parent))
			return r
		}
	}
	newDN := childDN(rdnDN.RDNs[0], parent)
	if other := d.lookup(newDN); other != nil && other != old {
		return fail(goldap.LDAPResultEntryAlreadyExists, "entry already exists")
	}
	e := old.clone()
	e.dn, e.key = newDN, dnKey(newDN)
	if deleteOld {
		for _, ava := range old.dn.RDNs[0].Attributes {
			t := d.sch.attr(ava.Type)
			if a := e.get(t); a != nil {
				var keep []string
				for _, v := range a.vals {
					if t.normalize(v) != t.normalize(ava.Value) {
						keep = append(keep, v)
					}
				}
				e.set(t, keep)
			}
		}
	}
	for _, ava := range newDN.RDNs[0].Attributes {
		t := d.sch.attr(ava.Type)
		if t == nil {
			return fail(goldap.LDAPResultUndefinedAttributeType, "%s: attribute type undefined (in the new RDN)", ava.Type)
		}
		if !e.hasValue(t, ava.Value) {
			e.set(t, append(append([]string{}, d.values(e, t)...), ava.Value))
		}
	}
	if r := d.checkSchema(e); r.code != 0 {
		return r
	}
	d.stamp(e, who, false)
	// Move the subtree: descendants keep their own RDNs under the new DN.
	moved := map[string]*goldap.DN{old.key: newDN}
	var desc []*entry
	for _, x := range d.entries {
		if x != old && isUnder(x.dn, old.dn) {
			desc = append(desc, x)
		}
	}
	d.remove(old)
	for _, x := range desc {
		d.remove(x)
	}
	d.put(e)
	for _, x := range desc {
		c := x.clone()
		depth := len(x.dn.RDNs) - len(old.dn.RDNs)
		c.dn = &goldap.DN{RDNs: append(append([]*goldap.RelativeDN{}, x.dn.RDNs[:depth]...), newDN.RDNs...)}
		c.key = dnKey(c.dn)
		moved[x.key] = c.dn
		d.put(c)
	}
	d.rewriteMembers(moved, who)
	return success
}
