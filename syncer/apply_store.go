package syncer

import (
	"context"
	"fmt"

	"ldapwiz/store"
)

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
	if d.missing != nil {
		if err := ap.storeMissing(ctx, tx, p, d); err != nil {
			return err
		}
		return ap.addChange(ctx, tx, a)
	}
	switch a.Op {
	case OpCreate:
		v := d.values
		id, err := tx.CreateUserID(ctx, store.NewUser{
			Username: v[FieldUsername], Email: v[FieldEmail], FirstName: v[FieldFirstName], LastName: v[FieldLastName],
			Phone: v[FieldPhone], Disabled: v[FieldDisabled] == "true", EnrollmentPending: ap.cfg.enrollment, FromLDAP: true,
		})
		if err != nil {
			return err
		}
		p.localID, p.created = id, true
		p.stableID, p.dn = p.dir.StableID, p.dir.DN
		// The user is new in this transaction: its link has no base yet.
		if err := tx.SaveLink(ctx, store.Link{Kind: store.KindUser, LocalID: id, StableID: p.stableID, DN: p.dn, Base: d.createBase()}); err != nil {
			return err
		}
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
	if p.dir != nil && p.stableID == "" {
		p.stableID = p.dir.StableID
	}
	return upsertUserLink(ctx, tx, p, baseSet)
}

// storeGroup applies a store-side group action.
func (ap *applier) storeGroup(ctx context.Context, tx *store.Tx, a *Action) error {
	d := a.apply
	p := d.group
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
		ids := make([]int64, 0, len(d.members))
		for _, u := range d.members {
			if u.failed || u.localID == 0 {
				continue
			}
			ids = append(ids, u.localID)
			members[u] = true
		}
		if _, err := tx.AddMembers(ctx, g.ID, ids); err != nil {
			return err
		}
		return upsertGroupLink(ctx, tx, p, store.Values{FieldName: {p.dir.Name}, baseMembers: {}}, members)
	case OpUpdate:
		name := d.values[FieldName]
		if _, err := tx.UpdateGroup(ctx, p.localID, &name, nil); err != nil {
			return err
		}
	case OpAddMember, OpRemoveMember:
		u := d.member
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
	return upsertGroupLink(ctx, tx, p, d.baseSet, d.memberBase)
}
