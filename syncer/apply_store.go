package syncer

import (
	"context"
	"fmt"
	"slices"

	"ldapwiz/store"
)

// storeBatch applies store-side actions in order inside tx, with their
// change rows: consecutive user creates together (CreateLinkedUsers), the
// change rows all at the end (AddChanges), so that a first import writes a
// few multi-row statements per batch rather than several per user. The
// batch commits or rolls back as a whole, as before.
func (ap *applier) storeBatch(ctx context.Context, tx *store.Tx, batch []*Action) error {
	changes := ap.batchChanges[:0]
	ap.pending = &changes
	defer func() {
		clear(changes) // let the rows' texts go; keep the array for the next batch
		ap.batchChanges, ap.pending = changes[:0], nil
	}()
	var creates []*Action
	for _, a := range batch {
		if a.Kind == store.KindUser && a.Op == OpCreate && a.apply.missing() == nil {
			creates = append(creates, a)
			continue
		}
		if err := ap.createUsers(ctx, tx, creates); err != nil {
			return err
		}
		creates = creates[:0]
		if err := ap.storeSide(ctx, tx, a); err != nil {
			return err
		}
	}
	if err := ap.createUsers(ctx, tx, creates); err != nil {
		return err
	}
	return tx.AddChanges(ctx, changes)
}

// createUsers creates the store users of user create actions, each linked
// to its entry with the create's values as base, and adds their change
// rows.
func (ap *applier) createUsers(ctx context.Context, tx *store.Tx, creates []*Action) error {
	if len(creates) == 0 {
		return nil
	}
	us := slices.Grow(ap.linkedUsers[:0], len(creates))[:len(creates)]
	defer func() {
		clear(us)
		ap.linkedUsers = us[:0]
	}()
	for i, a := range creates {
		us[i] = ap.linkedUser(a.apply)
	}
	ids, err := tx.CreateLinkedUsers(ctx, us)
	if err != nil {
		return err
	}
	for i, a := range creates {
		p := a.apply.user
		p.localID, p.created = ids[i], true
		p.setEntry(p.dir.StableID, p.dir.DN)
		if err := ap.addChange(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

// linkedUser is the store user a create from the entry d.user.dir writes,
// linked to the entry with the create's values as base (the user is new:
// its link has no base yet). A create from the directory keeps no values
// from planning (a first import plans one per user): they are read from
// the entry here. The base is encoded straight from the entry as the
// store read compares bases (appendDirBase), rather than through a map,
// when the create sets nothing else in it and every value encodes plainly.
func (ap *applier) linkedUser(d *applyData) store.LinkedUser {
	dir := d.user.dir
	u := store.LinkedUser{StableID: dir.StableID, DN: dir.DN}
	if dir.Values == nil && len(d.baseSet) == 0 {
		if ap.baseFields == nil {
			ap.baseFields = ap.cfg.baseFields()
		}
		if buf, ok := appendDirBase(ap.baseBuf[:0], ap.baseFields, dir); ok {
			ap.baseBuf = buf
			value := func(f string) string {
				if slices.Contains(ap.baseFields, f) {
					return dir.value(f)
				}
				return ""
			}
			u.NewUser = ap.newUser(value)
			u.BaseJSON = string(buf)
			return u
		}
	}
	v := dir.valueMap(ap.cfg.fields)
	u.NewUser = ap.newUser(func(f string) string { return v[f] })
	u.Base = d.createBase(v)
	return u
}

// newUser is the store user a create from an entry writes, value giving
// each synced field's value ("" for a field not synced).
func (ap *applier) newUser(value func(field string) string) store.NewUser {
	return store.NewUser{
		Username: value(FieldUsername), Email: value(FieldEmail), FirstName: value(FieldFirstName), LastName: value(FieldLastName),
		Phone: value(FieldPhone), Disabled: value(FieldDisabled) == "true", EnrollmentPending: ap.cfg.enrollment, FromLDAP: true,
	}
}

// storeSide applies a store-side action inside tx: the store change, the
// link with its new base values and the change row.
func (ap *applier) storeSide(ctx context.Context, tx *store.Tx, a *Action) error {
	d := a.apply
	if a.Kind == store.KindGroup {
		if err := ap.storeGroup(ctx, tx, a); err != nil {
			return err
		}
		return ap.addChange(ctx, tx, a)
	}
	p := d.user
	if p.failed && a.Op != OpCreate {
		return &prereqError{msg: fmt.Sprintf("user %q was not created in the directory, so this change waits for the next sync", p.name)}
	}
	if d.missing() != nil {
		if err := ap.storeMissing(ctx, tx, p, d); err != nil {
			return err
		}
		return ap.addChange(ctx, tx, a)
	}
	switch a.Op {
	case OpCreate:
		return ap.createUsers(ctx, tx, []*Action{a})
	case OpUpdate:
		var up store.UserUpdate
		for f, v := range d.values {
			v := v
			switch f {
			case FieldUsername:
				up.Username = &v
			case FieldEmail:
				up.Email = &v
			case FieldFirstName:
				up.FirstName = &v
			case FieldLastName:
				up.LastName = &v
			case FieldPhone:
				up.Phone = &v
			}
		}
		if _, err := tx.UpdateUser(ctx, p.localID, up); err != nil {
			return err
		}
		if err := ap.linkUser(ctx, tx, p, d.baseSet); err != nil {
			return err
		}
	case OpDisable, OpEnable:
		if _, err := tx.SetUserDisabled(ctx, p.localID, a.Op == OpDisable); err != nil {
			return err
		}
		if err := ap.linkUser(ctx, tx, p, d.baseSet); err != nil {
			return err
		}
	case OpRestore:
		if err := tx.RestoreUser(ctx, p.localID); err != nil {
			return err
		}
		if err := ap.linkUser(ctx, tx, p, d.baseSet); err != nil {
			return err
		}
	case OpRename, OpLink:
		if err := ap.linkUser(ctx, tx, p, d.baseSet); err != nil {
			return err
		}
	case OpDelete:
		if err := tx.PurgeUser(ctx, p.localID); err != nil {
			return err
		}
	default:
		return fmt.Errorf("internal error: no store action %q for users", a.Op)
	}
	return ap.addChange(ctx, tx, a)
}

// linkUser points the link of an existing pair at the entry's current DN.
func (ap *applier) linkUser(ctx context.Context, tx *store.Tx, p *userPair, baseSet store.Values) error {
	if p.dir != nil && p.entryID() == "" {
		p.setEntry(p.dir.StableID, p.entryDN())
	}
	return upsertUserLink(ctx, tx, p, baseSet)
}

// storeGroup applies a store-side group action.
func (ap *applier) storeGroup(ctx context.Context, tx *store.Tx, a *Action) error {
	d := a.apply
	p := d.groupPair()
	switch a.Op {
	case OpCreate, OpRestore:
		if a.Op == OpRestore {
			if err := tx.PurgeGroup(ctx, p.localID); err != nil {
				return err
			}
		}
		g, err := tx.CreateGroup(ctx, p.dir.Name, "", true)
		if err != nil {
			return err
		}
		p.localID, p.stableID, p.dn = g.ID, p.dir.StableID, p.dir.DN
		members := map[*userPair]bool{}
		ids := make([]int64, 0, len(d.grp.members))
		for _, u := range d.grp.members {
			if u.failed || u.localID == 0 {
				continue
			}
			ids = append(ids, u.localID)
			members[u] = true
		}
		if _, err := tx.AddMembers(ctx, g.ID, ids); err != nil {
			return err
		}
		// The group is new in this transaction: its link has no base yet.
		return saveGroupLink(ctx, tx, p, store.Values{FieldName: {p.dir.Name}, baseMembers: {}}, members)
	case OpUpdate:
		name := d.values[FieldName]
		if _, err := tx.UpdateGroup(ctx, p.localID, &name, nil); err != nil {
			return err
		}
	case OpAddMember, OpRemoveMember:
		u := d.grp.member
		if u.failed || u.localID == 0 {
			return &prereqError{msg: fmt.Sprintf("user %q was not created, so it cannot join group %q", u.name, p.name)}
		}
		var err error
		if a.Op == OpAddMember {
			_, err = tx.AddMember(ctx, u.localID, p.localID)
		} else {
			_, err = tx.RemoveMember(ctx, u.localID, p.localID)
		}
		if err != nil {
			return err
		}
	case OpRename, OpLink:
	case OpDelete:
		return tx.PurgeGroup(ctx, p.localID)
	default:
		return fmt.Errorf("internal error: no store action %q for groups", a.Op)
	}
	return upsertGroupLink(ctx, tx, p, d.baseSet, d.grp.memberBase)
}
