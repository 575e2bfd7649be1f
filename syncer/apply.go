package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// storeBatch is how many store-only actions share one transaction. Each is
// still atomic with its link and change row; batching only saves commits.
const storeBatch = 1024

// applier applies a plan: each directory write first, then, in one store
// transaction, the store side of the change, its link with the new base
// values and its row in the changes table.
type applier struct {
	cfg   syncConfig
	db    *store.DB
	conn  *ldap.Conn // nil in import mode
	runID int64
	tr    *tracker
	fault func(point string) // Options.faultHook

	applied, failed int
	done            int
	firstFailure    string

	// pending, while a batch of store-side actions is written, collects
	// their change rows, recorded together before the batch commits.
	pending *[]store.Change
	// batchChanges and linkedUsers are reused from batch to batch: the
	// change rows pending points at, and a batch's users to create
	// (createUsers).
	batchChanges []store.Change
	linkedUsers  []store.LinkedUser
	// diffs is reused to list each change row's diffs (AppendAttrDiffs).
	diffs []AttrDiff
	// baseFields are cfg.fields sorted, as a link's base lists them;
	// baseBuf is reused to encode a base (linkedUser).
	baseFields []string
	baseBuf    []byte
	// detail is reused to encode a change row's detail, which details
	// then keeps while a batch collects its rows (addChange).
	detail  []byte
	details textArena
}

// fatal reports whether err means the run cannot go on (the directory or
// the store is gone, or the run was cancelled), as opposed to the server
// refusing one change.
func fatal(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if isStoreRefusal(err) {
		return false
	}
	code := ldap.Explain(err).Code
	switch {
	case code == 51 || code == 52: // busy, unavailable
		return true
	case code > 0 && code < 200: // the server refused this one change
		return false
	}
	return true
}

// isStoreRefusal reports store errors about one change (a value the store
// does not accept, a name taken) rather than the database.
func isStoreRefusal(err error) bool {
	for _, s := range []error{store.ErrInvalid, store.ErrExists, store.ErrNotFound, store.ErrDeleted, store.ErrLinkConflict, store.ErrPasswordKey} {
		if errors.Is(err, s) {
			return true
		}
	}
	var pe *prereqError
	var re *refusedError
	return errors.As(err, &pe) || errors.As(err, &re)
}

// refusedError: ldapwiz refuses one change before sending it (a value the
// directory would refuse, a password over a plain connection); the run
// goes on.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }

// prereqError: an action depends on one that failed earlier in the run.
type prereqError struct{ msg string }

func (e *prereqError) Error() string { return e.msg }

// apply runs every action of plan in order. It returns an error that stops
// the run (directory unreachable, store failure, cancellation); refusals of
// single changes are recorded on the actions and counted.
func (ap *applier) apply(ctx context.Context, plan *Plan) error {
	ap.cfg.adoptAccountState(plan.AccountState)
	ap.tr.begin(PhaseApply, len(plan.Actions), false, "applying changes")
	var batch []*Action
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := ap.db.WithTx(ctx, func(tx *store.Tx) error { return ap.storeBatch(ctx, tx, batch) })
		if err == nil {
			for _, a := range batch {
				ap.succeed(a)
			}
			batch = batch[:0]
			return nil
		}
		if fatal(err) {
			return err
		}
		// One of them was refused: apply them one by one to find which.
		for _, a := range batch {
			err := ap.db.WithTx(ctx, func(tx *store.Tx) error { return ap.storeBatch(ctx, tx, []*Action{a}) })
			if fatal(err) {
				return err
			}
			ap.finish(a, err)
		}
		batch = batch[:0]
		return nil
	}
	for i := range plan.Actions {
		a := &plan.Actions[i]
		if a.Side == SideStore {
			batch = append(batch, a)
			if len(batch) >= storeBatch {
				if err := flush(); err != nil {
					return err
				}
			}
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := ap.ldapSide(ctx, a)
		if fatal(err) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s %s %s %q: %w (the directory stopped answering: check that it is up and reachable)", a.Side, a.Op, a.Kind, a.Name, err)
		}
		if err == nil {
			ap.faultPoint("write", a)
			err = ap.db.WithTx(ctx, func(tx *store.Tx) error { return ap.recordLDAP(ctx, tx, a) })
			if fatal(err) {
				return fmt.Errorf("record %s %s %s %q in the store: %w", a.Side, a.Op, a.Kind, a.Name, err)
			}
		}
		ap.finish(a, err)
	}
	return flush()
}

// finish records the outcome of one action.
func (ap *applier) finish(a *Action, err error) {
	if err == nil {
		ap.succeed(a)
		return
	}
	a.Failed = true
	a.editDetail(func(d *ActionDetail) {
		d.Error = err.Error()
		if a.Side == SideLDAP {
			d.ResultCode = ldap.Explain(err).Code
		}
	})
	ap.failed++
	if ap.firstFailure == "" {
		ap.firstFailure = fmt.Sprintf("%s %s of %s %q: %v", a.Side, a.Op, a.Kind, a.Name, err)
	}
	if a.apply != nil {
		if a.apply.user != nil && a.Op == OpCreate && a.Kind == store.KindUser {
			a.apply.user.failed = true
		}
		if g := a.apply.groupPair(); g != nil && a.Op == OpCreate && a.Kind == store.KindGroup {
			g.failed = true
		}
	}
	ap.done++
	ap.tr.step(ap.done, a)
}

func (ap *applier) succeed(a *Action) {
	a.Done = true
	if !a.Hidden {
		ap.applied++
	}
	ap.done++
	ap.tr.step(ap.done, a)
}

// addChange writes the changes-table row of an applied action (or, inside
// storeBatch, adds it to the batch's rows).
func (ap *applier) addChange(ctx context.Context, tx *store.Tx, a *Action) error {
	if a.Hidden {
		return nil
	}
	ap.diffs = a.AppendAttrDiffs(ap.diffs[:0])
	ap.detail = appendChangeDetail(ap.detail[:0], a, ap.diffs)
	c := store.Change{RunID: ap.runID, Side: a.Side, Op: a.Op, Kind: a.Kind, Name: a.Name, DN: a.DN, Detail: ap.detail}
	if ap.pending != nil {
		c.Detail = ap.details.keep(ap.detail) // held until the batch's rows are written
		*ap.pending = append(*ap.pending, c)
		return nil
	}
	_, err := tx.AddChange(ctx, c) // written now: ap.detail is not kept past the call
	return err
}

// linkBase is the base a link write starts from: the current link's base
// of that kind and local id (empty when it has none yet) with baseSet laid
// over it.
func linkBase(ctx context.Context, tx *store.Tx, kind store.Kind, localID int64, baseSet store.Values) (store.Values, error) {
	base := store.Values{}
	cur, err := tx.LinkByLocalID(ctx, kind, localID)
	if err == nil {
		base = cur.Base
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	for k, v := range baseSet {
		base[k] = v
	}
	return base, nil
}

// upsertUserLink writes a user's link: its stable id and DN, with baseSet
// laid over the base it has now (a field baseSet writes without a
// placeholder loses the one it had).
func upsertUserLink(ctx context.Context, tx *store.Tx, p *userPair, baseSet store.Values) error {
	base, err := linkBase(ctx, tx, store.KindUser, p.localID, baseSet)
	if err != nil {
		return err
	}
	dropStalePlaceholders(base, baseSet)
	return tx.SaveLink(ctx, store.Link{Kind: store.KindUser, LocalID: p.localID, StableID: p.entryID(), DN: p.entryDN(), Base: base})
}

// upsertGroupLink writes a group's link, laying baseSet and the member
// changes over its current base.
func upsertGroupLink(ctx context.Context, tx *store.Tx, p *groupPair, baseSet store.Values, members map[*userPair]bool) error {
	base, err := linkBase(ctx, tx, store.KindGroup, p.localID, baseSet)
	if err != nil {
		return err
	}
	return saveGroupLink(ctx, tx, p, base, members)
}

// saveGroupLink writes a group's link with base and the member changes
// laid over it: the members it had, in their order, then those added, by
// stable id.
func saveGroupLink(ctx context.Context, tx *store.Tx, p *groupPair, base store.Values, members map[*userPair]bool) error {
	if members != nil {
		set := map[string]bool{}
		var order []string
		for _, id := range base[baseMembers] {
			if !set[id] {
				set[id] = true
				order = append(order, id)
			}
		}
		var added []string
		for u, in := range members {
			id := u.entryID()
			if id == "" {
				continue
			}
			if in && !set[id] {
				set[id] = true
				added = append(added, id)
			} else if !in && set[id] {
				delete(set, id)
			}
		}
		// The members added come after the ones kept, sorted, so that the
		// same sync writes the same link (members is a map).
		slices.Sort(added)
		order = append(order, added...)
		ids := []string{}
		for _, id := range order {
			if set[id] {
				ids = append(ids, id)
			}
		}
		base[baseMembers] = ids
	}
	return tx.SaveLink(ctx, store.Link{Kind: store.KindGroup, LocalID: p.localID, StableID: p.stableID, DN: p.dn, Base: base})
}
