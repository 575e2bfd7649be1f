package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// LDAP result codes the applier tolerates when a rerun finds its change
// already made by an interrupted run.
const (
	codeNoSuchAttribute = 16
	codeNoSuchObject    = 32
	codeValueExists     = 20
	codeEntryExists     = 68
)

func resultCode(err error) int { return ldap.Explain(err).Code }

// ldapSide writes a directory-side action and updates the pair's DN and
// stable id. The store is not touched here (see recordLDAP).
func (ap *applier) ldapSide(ctx context.Context, a *Action) error {
	if ap.conn == nil {
		return errors.New("internal error: a directory change was planned in import mode")
	}
	if a.Kind == store.KindGroup {
		return ap.ldapGroup(ctx, a)
	}
	d := a.apply
	p := d.user
	switch a.Op {
	case OpCreate:
		return ap.createUserEntry(ctx, a)
	case OpUpdate:
		return ap.modifyUserEntry(ctx, a, p)
	case OpDisable, OpEnable:
		return ap.setLocked(ctx, p, a.Op == OpDisable)
	case OpPassword:
		pw, version, ok, err := ap.db.PendingPassword(ctx, p.localID)
		if err != nil || !ok {
			return err // nothing pending any more: done
		}
		if ap.cfg.ad && !ap.conn.Encrypted() {
			return &refusedError{msg: "Active Directory accepts passwords (unicodePwd) only over an encrypted connection, and this one is plain LDAP; " +
				"use an ldaps:// URL in connection.url or set connection.start_tls = true (nothing was sent; the password stays pending)"}
		}
		d.setPwVersion(version)
		if err := ap.conn.SetPassword(ctx, p.entryDN(), pw, ap.cfg.ad); err != nil {
			return err
		}
		return ap.keepLock(ctx, p)
	case OpDelete:
		err := ap.conn.Delete(ctx, p.entryDN())
		if resultCode(err) == codeNoSuchObject {
			return nil // an interrupted run deleted it already
		}
		return err
	}
	return fmt.Errorf("internal error: no directory action %q for users", a.Op)
}

// recordLDAP records an applied directory-side action in the store.
func (ap *applier) recordLDAP(ctx context.Context, tx *store.Tx, a *Action) error {
	d := a.apply
	if a.Kind == store.KindGroup {
		p := d.groupPair()
		if a.Op == OpDelete {
			if err := tx.PurgeGroup(ctx, p.localID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			return ap.addChange(ctx, tx, a)
		}
		if err := upsertGroupLink(ctx, tx, p, d.baseSet, d.grp.memberBase); err != nil {
			return err
		}
		return ap.addChange(ctx, tx, a)
	}
	p := d.user
	if a.Op == OpDelete {
		if err := tx.PurgeUser(ctx, p.localID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return ap.addChange(ctx, tx, a)
	}
	if d.pwVersion() > 0 {
		if _, err := tx.ClearPendingPassword(ctx, p.localID, d.pwVersion()); err != nil {
			return err
		}
	}
	base := d.baseSet
	if a.Op == OpCreate {
		base = d.createBase(d.values)
	}
	if err := upsertUserLink(ctx, tx, p, base); err != nil {
		return err
	}
	return ap.addChange(ctx, tx, a)
}

// createUserEntry adds the directory entry of a store user, reads back its
// stable id and sets its password when one waits. An entry already at the
// DN is adopted when it is the one this create would have written (see
// adoptUserEntry): an interrupted run added it. The values the entry
// carries only because the schema needs them are recorded as placeholders
// in the link's base, so they are never read back as data.
func (ap *applier) createUserEntry(ctx context.Context, a *Action) error {
	cfg := ap.cfg
	d := a.apply
	p := d.user
	attrs, err := cfg.userEntryAttrs(a.DN, d.values)
	if err != nil {
		return err
	}
	var pw string
	if d.password() {
		var ok bool
		var version int64
		pw, version, ok, err = ap.db.PendingPassword(ctx, p.localID)
		d.setPwVersion(version)
		switch {
		case errors.Is(err, store.ErrPasswordKey):
			// The entry is created without it; the password action of the
			// next runs reports the lost password until it is set again.
			ok, err = false, nil
		case err != nil:
			return err
		}
		if !ok {
			d.setPwVersion(0)
		}
	}
	if cfg.ad {
		uac := ldap.UACEnabledUser
		if d.values[FieldDisabled] == "true" {
			uac |= ldap.UACAccountDisable
		}
		if pw != "" && !ap.conn.Encrypted() {
			d.setPwVersion(0)
			return &refusedError{msg: "Active Directory accepts passwords (unicodePwd) only over an encrypted connection, and this one is plain LDAP; " +
				"use an ldaps:// URL in connection.url or set connection.start_tls = true (nothing was sent)"}
		}
		if pw != "" {
			// One add with the password: the account is never enabled without one.
			attrs.set("unicodePwd", string(ldap.EncodeADPassword(pw)))
		} else {
			uac |= ldap.UACAccountDisable | 0x20 // no password yet: disabled, password not required
		}
		attrs.set("userAccountControl", ldap.FormatUAC(uac))
	}
	err = ap.conn.Add(ctx, a.DN, attrs.m)
	if resultCode(err) == codeEntryExists {
		err = ap.adoptUserEntry(ctx, a, attrs, pw)
	}
	if err != nil {
		return err
	}
	ap.faultPoint("add", a)
	e, err := ap.conn.Entry(ctx, a.DN)
	if err != nil {
		return err
	}
	p.setEntry(e.StableID(), e.DN)
	p.created = true
	if p.entryID() == "" {
		return fmt.Errorf("created %s, but cannot read its entryUUID/objectGUID/nsUniqueId to link it", a.DN)
	}
	d.baseSet = overlay(d.baseSet, placeholderBase(cfg.placeholders(attrs, d.values)))
	if pw != "" && !cfg.ad {
		if err := ap.conn.SetPassword(ctx, a.DN, pw, false); err != nil {
			d.setPwVersion(0)
			return err
		}
	}
	if !cfg.ad && d.values[FieldDisabled] == "true" {
		// Locked after the password is set: a password change may lift a
		// lock on some servers.
		return ap.setLocked(ctx, p, true)
	}
	return nil
}

// keepLock locks p's entry again after its password was set, when it was
// locked as read and a password change lifts locks on this directory
// (ppolicy): a password change leaves the lock as it was, and a disable or
// enable of the same run is its own action.
func (ap *applier) keepLock(ctx context.Context, p *userPair) error {
	if !ap.cfg.acct.PasswordChangeUnlocks() || p.dir == nil {
		return nil
	}
	if locked, err := ap.cfg.acct.Locked(p.dir.accountEntry()); err != nil || !locked {
		return err
	}
	changes, err := ap.cfg.acct.Changes(&ldap.Entry{DN: p.entryDN()}, true)
	if err != nil || len(changes) == 0 {
		return err
	}
	return ap.conn.Modify(ctx, p.entryDN(), changes)
}

// setLocked locks (or unlocks) the directory account of p the way the
// directory marks it (users.account_state), from the account-state values
// read with the entry: nothing is sent when it already is so, and the
// entry is never deleted.
func (ap *applier) setLocked(ctx context.Context, p *userPair, locked bool) error {
	e := &ldap.Entry{DN: p.entryDN()}
	if p.dir != nil {
		e = p.dir.accountEntry()
	}
	changes, err := ap.cfg.acct.Changes(e, locked)
	if err != nil || len(changes) == 0 {
		return err
	}
	err = ap.conn.Modify(ctx, p.entryDN(), changes)
	switch resultCode(err) {
	case codeValueExists, codeNoSuchAttribute:
		return nil // already so: an interrupted run got this far
	}
	return err
}

// modifyUserEntry is modifyEntry on the entry of the user pair p, which
// then knows the entry at its new DN when the change renamed it.
func (ap *applier) modifyUserEntry(ctx context.Context, a *Action, p *userPair) error {
	dn := p.entryDN()
	err := ap.modifyEntry(ctx, a, &dn)
	if dn != p.entryDN() {
		p.setEntry(p.entryID(), dn)
	}
	return err
}

// modifyEntry writes an update's values to the entry at *dn, renaming it
// first when a changed value is its RDN, and updates *dn.
func (ap *applier) modifyEntry(ctx context.Context, a *Action, dn *string) error {
	cfg := ap.cfg
	parsed, err := ldap.ParseDN(*dn)
	if err != nil {
		return err
	}
	rdnType := ""
	if len(parsed.RDNs) > 0 && len(parsed.RDNs[0]) == 1 {
		rdnType = parsed.RDNs[0][0].Type
	}
	var changes []ldap.Change
	for _, diff := range a.AttrDiffs() {
		attr := diff.Attr
		if a.Kind == store.KindGroup {
			attr = cfg.groupNameAttr
		}
		if rdnType != "" && strings.EqualFold(attr, rdnType) && diff.New != "" {
			newDN, err := ap.conn.Rename(ctx, *dn, ldap.BuildDN(rdnType, diff.New, ""), "")
			if err != nil {
				return err
			}
			*dn = newDN
			ap.faultPoint("modrdn", a)
			continue
		}
		var vals []string
		if diff.New != "" {
			vals = []string{diff.New}
		}
		changes = append(changes, ldap.Change{Op: ldap.ModReplace, Attr: attr, Values: vals})
	}
	return ap.conn.Modify(ctx, *dn, changes)
}

// ldapGroup writes a directory-side group action.
func (ap *applier) ldapGroup(ctx context.Context, a *Action) error {
	cfg := ap.cfg
	d := a.apply
	p := d.groupPair()
	if cfg.groupMemberAttr == "" && (a.Op == OpCreate || a.Op == OpAddMember || a.Op == OpRemoveMember) {
		return &prereqError{msg: "groups.member_attribute is empty, so memberships cannot be written to the directory; set it (e.g. member)"}
	}
	switch a.Op {
	case OpCreate:
		attrs := newAttrSet()
		attrs.set("objectClass", cfg.groupClass)
		attrs.set(cfg.groupNameAttr, p.name)
		if cfg.ad {
			if err := ldap.ValidateGroupSAMAccountName(p.name); err != nil {
				return &refusedError{msg: err.Error()}
			}
			attrs.setDefault("sAMAccountName", p.name)
			attrs.set("groupType", ldap.FormatGroupType(ldap.GroupTypeGlobalSecurity))
		}
		members := map[*userPair]bool{}
		var dns []string
		for _, u := range d.grp.members {
			if u.failed || u.entryDN() == "" || u.entryID() == "" {
				continue
			}
			dns = append(dns, u.entryDN())
			members[u] = true
		}
		if len(dns) == 0 && cfg.membersRequired() {
			return &prereqError{msg: fmt.Sprintf("group %q has no member the directory knows yet, and a %s needs one", p.name, cfg.groupClass)}
		}
		if len(dns) > 0 {
			attrs.set(cfg.groupMemberAttr, dns...)
		}
		dn, err := ldap.ParseDN(a.DN)
		if err != nil {
			return err
		}
		for _, ava := range dn.RDNs[0] {
			attrs.set(ava.Type, ava.Value)
		}
		err = ap.conn.Add(ctx, a.DN, attrs.m)
		if resultCode(err) == codeEntryExists {
			err = ap.adoptGroupEntry(ctx, a, attrs)
		}
		if err != nil {
			return err
		}
		ap.faultPoint("add", a)
		e, err := ap.conn.Entry(ctx, a.DN)
		if err != nil {
			return err
		}
		p.stableID, p.dn = e.StableID(), e.DN
		d.baseSet = store.Values{FieldName: {p.name}, baseMembers: {}}
		d.grp.memberBase = members
		return nil
	case OpUpdate:
		return ap.modifyEntry(ctx, a, &p.dn)
	case OpAddMember, OpRemoveMember:
		u := d.grp.member
		if u.failed || u.entryDN() == "" {
			return &prereqError{msg: fmt.Sprintf("user %q has no directory entry, so it cannot join group %q", u.name, p.name)}
		}
		op := ldap.ModAdd
		if a.Op == OpRemoveMember {
			op = ldap.ModDelete
		}
		err := ap.conn.Modify(ctx, p.dn, []ldap.Change{{Op: op, Attr: cfg.groupMemberAttr, Values: []string{u.entryDN()}}})
		switch resultCode(err) {
		case codeValueExists, codeNoSuchAttribute:
			return nil // already so: an interrupted run got this far
		}
		return err
	case OpDelete:
		err := ap.conn.Delete(ctx, p.dn)
		if resultCode(err) == codeNoSuchObject {
			return nil
		}
		return err
	}
	return fmt.Errorf("internal error: no directory action %q for groups", a.Op)
}

// attrSet builds an entry's attributes with case-insensitive names.
type attrSet struct {
	m     map[string][]string
	names map[string]string // lower-case -> name used in m
}

func newAttrSet() *attrSet { return &attrSet{m: map[string][]string{}, names: map[string]string{}} }

// set replaces the values of attribute name.
func (s *attrSet) set(name string, values ...string) {
	key := strings.ToLower(name)
	if prev, ok := s.names[key]; ok {
		name = prev
	}
	s.names[key] = name
	s.m[name] = values
}

// get returns the values of attribute name, nil when not set.
func (s *attrSet) get(name string) []string {
	if key, ok := s.names[strings.ToLower(name)]; ok {
		return s.m[key]
	}
	return nil
}

// setDefault sets name when the entry does not have it yet.
func (s *attrSet) setDefault(name, value string) {
	if _, ok := s.names[strings.ToLower(name)]; !ok && value != "" {
		s.set(name, value)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
