package syncer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Buckets sort a plan's actions by kind; applyOrder orders them.
const (
	bucketUserCreate = iota
	bucketUserChange
	bucketGroupCreate
	bucketGroupChange
	bucketMemberAdd
	bucketMemberRemove
	bucketGroupDelete
	bucketUserDelete
	bucketCount
)

// applyOrder is the order a plan's buckets are applied in: users exist
// before groups name them, memberships are added before any are removed,
// deletions come last, and groups are renamed before users. A user's
// rename makes OpenLDAP's refint overlay rewrite, in the background, the
// member values naming the user's old DN: it finds the groups holding
// them, then modifies each by the DN it found, so a group renamed in
// between keeps the old, dangling value (TestRenamesLeaveNoDanglingMember
// fails with users renamed first). Renamed first, the groups are where
// refint finds them; among groups, parents go first (orderGroupRenames). The
// user creates stay first (see planStore).
func applyOrder() [bucketCount]int {
	return [bucketCount]int{
		bucketUserCreate, bucketGroupChange, bucketUserChange, bucketGroupCreate,
		bucketMemberAdd, bucketMemberRemove, bucketGroupDelete, bucketUserDelete,
	}
}

// userPair is one user as both sides know it: the store user, the directory
// entry and their link, any of them missing.
type userPair struct {
	st   *store.SyncUser
	dir  *DirUser
	link *store.Link
	// rawBase: the link's base values still encoded, when the snapshot left
	// them so (link.Base is then nil outside planUserWithBase).
	rawBase string
	// baseDir: the directory entry whose values the link's base holds
	// exactly, when the snapshot found so (StoreSnapshot.linkDir); link.Base
	// is then nil outside planUserWithBase.
	baseDir *DirUser

	// name is the username after the plan.
	name string

	// Filled as the plan is applied.
	localID int64
	// entry: the directory entry's stable id and DN, when they are not
	// what entryID and entryDN read from the link and the entry (see
	// setEntry); nil otherwise, as for most pairs.
	entry   *pairEntry
	created bool // created on either side by this run (for failures of dependents)
	failed  bool // an action creating it failed
	// restored: a store tombstone this run brings back because the
	// directory overruled the deletion; the memberships the deletion
	// dropped in the store are not removals to carry to the directory.
	restored bool
	// After the plan is applied, the user exists on both sides and is
	// linked. (Beside the other flags, so that they share a word:
	// TestUserPairSize holds a pair to 104 bytes.)
	bothAfter bool
	// marks: this user's memberships in the group being merged (see
	// memberAgreement).
	marks memberMarks
	// listed: the dirMembers call that last listed this user
	// (planner.listPass), so that it is listed once.
	listed uint32
	// adoptedBy: this directory-only entry sits where the create of that
	// store user goes, and is the one the create would write (an
	// interrupted run added it): the create adopts it (see adopt.go).
	adoptedBy *userPair
}

// groupPair is one group as both sides know it.
type groupPair struct {
	st   *store.Group
	dir  *DirGroup
	link *store.Link

	bothAfter bool
	name      string

	localID  int64
	stableID string
	dn       string
	failed   bool
}

// applyData is what the applier needs beyond an Action's public fields.
// A plan holds one per action (100,000 at a first import), so what only
// group and membership actions need is kept apart (grp), and so is what
// only some user actions need (more): 48 bytes (TestApplyDataSize).
type applyData struct {
	user *userPair

	// baseSet: values set in the link's base when the action is applied
	// (fields it wrote, and fields both sides already agree on).
	baseSet store.Values
	// values: for updates, field -> new value; for creates in the
	// directory, all values (a user create's base values are these, see
	// createBase). A store create of an entry has none: createUsers builds
	// them from the entry when its batch is applied.
	values map[string]string
	// entryValues, on a store create of a directory entry, lists the
	// action's diffs from the entry (see AttrDiffs); the action's Diffs
	// are then nil.
	entryValues *createFields

	// grp is what group and membership actions need; nil on a user's.
	grp *groupApply
	// more is what only some actions need; nil when they need none of it.
	more *applyMore
}

// applyMore is what only some actions need of the applier.
type applyMore struct {
	// missing: the user's entry is gone or back under sync.missing_users
	// (see planner_missing.go).
	missing *missingMark
	// pwVersion: the store password version written (set while applying),
	// cleared from the store's pending passwords with the change.
	pwVersion int64
	// purgeOnly: deleting a store tombstone whose entry is gone too (not a
	// deletion decided by this run; not counted by max_delete).
	purgeOnly bool
	// password: a store password waits to be written to the directory.
	password bool
}

// pendingPassword is the applyMore of a create that writes the store's
// pending password when pending; nil otherwise.
func pendingPassword(pending bool) *applyMore {
	if !pending {
		return nil
	}
	return &applyMore{password: true}
}

// missing is the action's missing_users mark, nil when it has none.
func (d *applyData) missing() *missingMark {
	if d.more == nil {
		return nil
	}
	return d.more.missing
}

// purgeOnly reports whether the action deletes a store tombstone whose
// entry is gone too (see applyMore).
func (d *applyData) purgeOnly() bool { return d.more != nil && d.more.purgeOnly }

// password reports whether a store password waits to be written to the
// directory with the action.
func (d *applyData) password() bool { return d.more != nil && d.more.password }

// pwVersion is the store password version the action wrote, 0 when none.
func (d *applyData) pwVersion() int64 {
	if d.more == nil {
		return 0
	}
	return d.more.pwVersion
}

// setPwVersion records the store password version the action writes.
func (d *applyData) setPwVersion(v int64) {
	if d.more == nil {
		if v == 0 {
			return
		}
		d.more = &applyMore{}
	}
	d.more.pwVersion = v
}

// groupApply is the part of applyData only group and membership actions
// have.
type groupApply struct {
	group  *groupPair
	member *userPair // membership actions
	// memberBase: group base membership of users after the action.
	memberBase map[*userPair]bool
	// members: for group creates, the users to add.
	members []*userPair
}

// groupPair is the action's group, nil on a user's action.
func (d *applyData) groupPair() *groupPair {
	if d.grp == nil {
		return nil
	}
	return d.grp.group
}

// memberList is, for group creates, the users to add.
func (d *applyData) memberList() []*userPair {
	if d.grp == nil {
		return nil
	}
	return d.grp.members
}

// planner builds a Plan from two snapshots.
type planner struct {
	cfg  syncConfig
	dir  *DirSnapshot
	st   *StoreSnapshot
	plan *Plan

	buckets [bucketCount][]Action

	users       []*userPair
	userByLocal map[int64]*userPair
	// userByEntryID: the pairs with a directory entry, by the entry's
	// stable id, built when first asked (userWithEntry): only group link
	// bases name users by id, and a first import has none.
	userByEntryID map[string]*userPair
	userByDN      map[string]*userPair // normalized directory DN -> pair
	groups        []*groupPair
	memberships   map[int64][]int64 // store group id -> user ids
	// dirNames and storeNames: the pairs by lower-case username on each
	// side, each built when first asked (dirName, storeName): a sync with
	// nothing to create or rename needs neither, and a first import only
	// the store's (empty). Planning changes no pair's usernames (a
	// tombstone restored is a copy of the same user), so they are what
	// pairing would have built.
	dirNames   map[string]*userPair
	storeNames map[string]*userPair
	// syncedMembers: with sync_only, the store users in synchronized store
	// groups (computed when first needed).
	syncedMembers map[int64]bool
	// nested: with groups.flatten_nested, each directory group's members
	// through nested groups (computed when first needed).
	nested map[*DirGroup]map[*userPair]string
	// members: each directory group's member values resolved
	// (resolveGroupMembers).
	members map[*DirGroup]*groupMembers
	dns     dnCache
	// markPass and metBuf: memberAgreement's pass counter and reused list.
	markPass uint32
	metBuf   []*userPair
	// listPass: dirMembers's pass counter (userPair.listed).
	listPass uint32
	// baseFieldsSynced: the fields of StoreSnapshot.linkDir's bases are
	// the ones this plan synchronizes (see unchanged).
	baseFieldsSynced bool
	// createFields: what creates list their values from (one for the
	// plan, shared by its actions; see AttrDiffs).
	createFields *createFields
	// err: a link base that could not be decoded (see StoreSnapshot.userBases).
	err error
}

// PlanSnapshots computes the plan for settings s from two snapshots. It
// reads nothing and writes nothing.
func PlanSnapshots(s wizard.Settings, dir *DirSnapshot, st *StoreSnapshot) *Plan {
	return planSnapshots(newSyncConfig(s), dir, st)
}

// planSnapshots is PlanSnapshots on a run's derived configuration.
func planSnapshots(cfg syncConfig, dir *DirSnapshot, st *StoreSnapshot) *Plan {
	plan, _ := planStore(cfg, dir, st) // no error without encoded bases
	return plan
}

// planStore plans; its error is a link base of st that cannot be decoded.
func planStore(cfg syncConfig, dir *DirSnapshot, st *StoreSnapshot) (*Plan, error) {
	return planReleasing(cfg, dir, st, false)
}

// planReleasing is planStore that, with release, drops the directory
// groups' member values from dir once it has resolved them (see
// resolveGroupMembers): for a sync, which reads nothing of dir's members
// after planning.
func planReleasing(cfg syncConfig, dir *DirSnapshot, st *StoreSnapshot, release bool) (*Plan, error) {
	cfg.adoptAccountState(dir.AccountState)
	pl := &planner{
		cfg: cfg, dir: dir, st: st, createFields: &createFields{fields: cfg.fields, attrOf: cfg.attrOf},
		plan: &Plan{
			Mode: cfg.mode, Authority: cfg.authority, AccountState: cfg.acct,
			Actions: []Action{}, Skipped: append([]Skip{}, dir.Skipped...), Conflicts: []Conflict{}, Referrals: dir.Referrals,
			DirectoryUsers: len(dir.Users), DirectoryGroups: len(dir.Groups),
			LinkedUsers: len(st.UserLinks), LinkedGroups: len(st.GroupLinks),
		},
	}
	// Sized up front: growing maps of 100,000 users rehashes them repeatedly.
	nu, nd := len(st.Users), len(dir.Users)
	pl.userByLocal, pl.userByDN = make(map[int64]*userPair, nu), make(map[string]*userPair, nd)
	pl.memberships = map[int64][]int64{}
	for _, u := range st.Users {
		if !u.Deleted() {
			pl.plan.StoreUsers++
		}
	}
	for _, g := range st.Groups {
		if !g.Deleted() {
			pl.plan.StoreGroups++
		}
	}
	pl.baseFieldsSynced = slices.Equal(cfg.baseFields(), st.baseFields)
	pl.pairUsers()
	pl.st.dirByID, pl.st.linkByLocal, pl.st.linkUser = nil, nil, nil // pairing was all they were for
	pl.resolveGroupMembers(release)
	if !pl.mayCreateInDirectory() {
		pl.userByDN = nil // nothing looks an entry up by DN any more (entryAt): 3 MB at 100,000 users
	}
	pl.buckets[bucketUserCreate] = make([]Action, 0, pl.createsAtMost())
	for _, p := range pl.users {
		pl.planUserWithBase(p)
	}
	if pl.err != nil {
		return nil, pl.err
	}
	pl.planGroups()
	pl.orderGroupRenames()
	n := 0
	for _, b := range pl.buckets {
		n += len(b)
	}
	// The user creates come first (see applyOrder):
	// when their list has room for the rest (it is sized for that, see
	// createsAtMost), the rest is added to it in place rather than
	// everything copied to a new list.
	acts := pl.buckets[bucketUserCreate]
	if cap(acts) < n {
		acts = append(make([]Action, 0, n), acts...)
	}
	order := applyOrder()
	for _, b := range order[1:] {
		acts = append(acts, pl.buckets[b]...)
	}
	pl.plan.Actions, pl.buckets = acts, [bucketCount][]Action{}
	sortSkips(pl.plan.Skipped)
	return pl.plan, nil
}

// planUserWithBase plans p with its link's base decoded, when the snapshot
// left it encoded, and drops the decoded base again afterwards (nothing
// after a user's own planning reads it).
func (pl *planner) planUserWithBase(p *userPair) {
	if p.baseDir != nil && p.link.Base == nil {
		if pl.unchanged(p) {
			p.bothAfter, p.name = true, p.st.Username // as planUser would, planning nothing
			return
		}
		p.link.Base = dirBase(pl.st.baseFields, p.baseDir)
		pl.planUser(p)
		p.link.Base = nil
		return
	}
	if p.rawBase == "" || p.link.Base != nil {
		pl.planUser(p)
		return
	}
	row := store.LinkRow{Link: store.Link{ID: p.link.ID}, BaseJSON: p.rawBase}
	base, err := row.DecodeBase()
	if err != nil {
		if pl.err == nil {
			pl.err = fmt.Errorf("read the store's links: %w", err)
		}
		return
	}
	p.link.Base = base
	pl.planUser(p)
	p.link.Base = nil
}

// userWithEntry returns the pair whose directory entry has the stable id
// id (the last such pair, as pairing met them: two links, one by each of
// a 389 DS entry's ids, may pair one entry twice), or nil. The index is
// one pass over the pairs, made at the first call.
func (pl *planner) userWithEntry(id string) *userPair {
	if pl.userByEntryID == nil {
		pl.userByEntryID = make(map[string]*userPair, len(pl.users))
		for _, p := range pl.users {
			if p.dir != nil {
				pl.userByEntryID[p.dir.StableID] = p
			}
		}
	}
	return pl.userByEntryID[id]
}

// storeName returns the pair whose store user has username name (ignoring
// case), or nil.
func (pl *planner) storeName(name string) *userPair {
	if pl.storeNames == nil {
		pl.storeNames = make(map[string]*userPair, len(pl.st.Users))
		for _, p := range pl.users {
			if p.st != nil {
				pl.storeNames[strings.ToLower(p.st.Username)] = p
			}
		}
	}
	return pl.storeNames[strings.ToLower(name)]
}

// dirName returns the pair whose directory entry has username name
// (ignoring case), or nil.
func (pl *planner) dirName(name string) *userPair {
	if pl.dirNames == nil {
		pl.dirNames = make(map[string]*userPair, len(pl.dir.Users))
		for _, p := range pl.users {
			if p.dir != nil {
				pl.dirNames[strings.ToLower(p.dir.username())] = p
			}
		}
	}
	return pl.dirNames[strings.ToLower(name)]
}

// createsAtMost counts the user creates pairing foresees, for sizing their
// list once (a first import plans one per directory user), plus room for a
// change to each group, which the plan's list of actions, built on it,
// then usually has. It is a size hint: a linked user written back to the
// directory after its entry went is a create it does not count, and the
// list grows for it.
func (pl *planner) createsAtMost() int {
	n := len(pl.dir.Groups) + len(pl.st.Groups)
	for _, p := range pl.users {
		switch {
		case p.dir != nil && p.st == nil && pl.cfg.writesStore():
			n++
		case p.st != nil && p.dir == nil && p.link == nil && pl.cfg.writesDir():
			n++
		}
	}
	return n
}

func (pl *planner) add(bucket int, a Action) { pl.buckets[bucket] = append(pl.buckets[bucket], a) }

func (pl *planner) skip(kind store.Kind, name, dn, reason, detail string) {
	pl.plan.Skipped = append(pl.plan.Skipped, Skip{Kind: kind, Name: name, DN: dn, Reason: reason, Detail: detail})
}

// pairUsers matches store users and directory entries: by link (stable id)
// first, then unlinked ones by username (ignoring case).
func (pl *planner) pairUsers() {
	linkByLocal := pl.st.linkByLocal // local id -> index
	if linkByLocal == nil {
		linkByLocal = make(map[int64]int, len(pl.st.UserLinks))
		for i := range pl.st.UserLinks {
			linkByLocal[pl.st.UserLinks[i].LocalID] = i
		}
	}
	dirByID := pl.st.dirByID // built when first needed: a first import has no link
	used := make(map[string]bool, min(len(pl.dir.Users), len(pl.st.UserLinks)))
	unlinkedStore := map[string]*userPair{}
	// missingStore: users marked missing whose entry is still not found by
	// its id; an entry of the same username that comes back (re-created,
	// with a new id) is theirs again.
	missingStore := map[string]*userPair{}
	// The pairs are allocated together, not one by one.
	storePairs := make([]userPair, len(pl.st.Users))
	pl.users = make([]*userPair, 0, len(pl.st.Users))
	for i := range pl.st.Users {
		u := &pl.st.Users[i]
		p := &storePairs[i]
		*p = userPair{st: u, localID: u.ID}
		li := -1 // the link's index
		if i, ok := linkByLocal[u.ID]; ok {
			li = i
			p.link = &pl.st.UserLinks[i]
			if i < len(pl.st.userBases) {
				p.rawBase = pl.st.userBases[i]
			}
			if i < len(pl.st.linkDir) {
				p.baseDir = pl.st.linkDir[i]
			}
		}
		if p.link != nil {
			var d *DirUser
			if li < len(pl.st.linkUser) {
				d = pl.st.linkUser[li] // what dirByID gave for this link's id as it was read
			} else {
				if dirByID == nil {
					dirByID = dirUsersByID(pl.dir.Users)
				}
				d = dirByID[p.link.StableID]
			}
			if d != nil {
				p.dir = d // entryID stays the link's: the id d was found by
				used[d.StableID] = true
			}
			if p.dir == nil && !u.MissingSince.IsZero() && !u.Deleted() {
				missingStore[strings.ToLower(u.Username)] = p
			}
		} else if !u.Deleted() {
			unlinkedStore[strings.ToLower(u.Username)] = p
		}
		pl.users = append(pl.users, p)
		pl.userByLocal[u.ID] = p
	}
	dirPairs := make([]userPair, 0, max(0, len(pl.dir.Users)-len(used))) // at most the entries not paired by link
	pl.users = slices.Grow(pl.users, cap(dirPairs))                      // grown once, not by every append
	for i := range pl.dir.Users {
		d := pl.dir.Users[i]
		if used[d.StableID] {
			continue
		}
		key := strings.ToLower(d.username())
		if p := unlinkedStore[key]; p != nil && p.dir == nil {
			p.dir = d
			continue
		}
		if p := missingStore[key]; p != nil && p.dir == nil {
			p.dir = d
			p.setEntry(d.StableID, d.DN) // the entry back, under a new id: not the link's
			continue
		}
		dirPairs = append(dirPairs, userPair{dir: d}) // within its capacity: p stays put
		p := &dirPairs[len(dirPairs)-1]
		pl.users = append(pl.users, p)
	}
	// Members are looked up as written first (dirMemberPairs): an entry's
	// DN already normal is not kept in the cache (normalizeEntry).
	for _, p := range pl.users {
		if p.dir != nil {
			if n, ok := pl.dns.normalizeEntry(p.dir.DN); ok {
				pl.userByDN[n] = p
			}
		}
	}
	// A group may still name a renamed or moved user by its old DN for a
	// while (OpenLDAP's refint overlay rewrites member values in the
	// background, and servers without it never do): the link's DN still
	// identifies the user, unless another entry now has that DN.
	for _, p := range pl.users {
		if p.link == nil || p.dir == nil || p.link.DN == p.dir.DN {
			continue // the same DN: already indexed
		}
		if n, ok := pl.dns.normalize(p.link.DN); ok && pl.userByDN[n] == nil {
			pl.userByDN[n] = p
		}
	}
	for _, m := range pl.st.Memberships {
		pl.memberships[m.GroupID] = append(pl.memberships[m.GroupID], m.UserID)
	}
}

// planUser decides what happens to one user.
func (pl *planner) planUser(p *userPair) {
	cfg := pl.cfg
	if p.adoptedBy != nil {
		return // planned with the store user whose create adopts it
	}
	switch {
	case p.link != nil && p.st.Deleted():
		pl.planTombstone(p)
	case p.link != nil && p.dir == nil:
		pl.planEntryGone(p)
	case p.st != nil && p.dir != nil:
		p.bothAfter, p.name = true, p.st.Username
		pl.planReturned(p)
		if p.link != nil && !pl.dns.equal(p.link.DN, p.dir.DN) {
			pl.add(bucketUserChange, Action{Side: SideStore, Op: OpRename, Kind: store.KindUser, Name: p.st.Username,
				DN: p.dir.DN, Reason: "renamed or moved in the directory; the link follows it",
				apply: &applyData{user: p, baseSet: store.Values{}}}.With(ActionDetail{OldDN: p.link.DN}))
		}
		pl.mergeUser(p)
	case p.dir != nil: // only in the directory
		name := p.dir.username()
		if !cfg.writesStore() {
			return
		}
		if other := pl.storeName(name); other != nil {
			pl.skip(store.KindUser, name, p.dir.DN, SkipNameTaken,
				"the store already has a user named "+other.st.Username+" linked to another entry; rename one of them")
			return
		}
		if err := validStoreValues(p.dir.value); err != nil {
			pl.skip(store.KindUser, name, p.dir.DN, SkipInvalidValue, err.Error())
			return
		}
		p.bothAfter, p.name = true, name
		// Values, base and diffs: built from the entry when asked (createUsers, AttrDiffs).
		d := &applyData{user: p, entryValues: pl.createFields}
		pl.add(bucketUserCreate, Action{Side: SideStore, Op: OpCreate, Kind: store.KindUser, Name: name, DN: p.dir.DN,
			Reason: "new in the directory", apply: d})
	case p.st != nil && !p.st.Deleted(): // only in the store, never linked
		if !cfg.writesDir() || !pl.storeOnlyInScope(p) {
			return
		}
		vals := cfg.storeValues(p.st)
		if other := pl.dirName(p.st.Username); other != nil {
			pl.skip(store.KindUser, p.st.Username, other.dir.DN, SkipNameTaken,
				"the directory already has an entry with this username, linked to another store user; rename one of them")
			return
		}
		pl.createUserInDir(p, vals, "", "new in the store")
	}
}

// createUserInDir plans creating the store user p in the directory with
// values vals (oldDN: the entry it replaces, when written back). On Active
// Directory a username that cannot be a sAMAccountName is skipped with the
// reason, and a user without a password waiting is created disabled, which
// the store follows.
func (pl *planner) createUserInDir(p *userPair, vals map[string]string, oldDN, reason string) {
	cfg := pl.cfg
	u := p.st
	dn := pl.createDN(vals)
	if cfg.ad {
		if err := ldap.ValidateSAMAccountName(u.Username); err != nil {
			pl.skip(store.KindUser, u.Username, dn, SkipInvalidUsername,
				err.Error()+"; the user is not created in Active Directory (its username becomes the sAMAccountName)")
			return
		}
	}
	if q := pl.entryAt(dn); q != nil && q != p {
		if !pl.adopt(p, q) {
			return
		}
		reason += "; the entry already at this DN, with this username and linked to no one (an interrupted sync added it), is taken over"
	}
	p.bothAfter, p.name = true, u.Username
	var disable *Action
	// One-way mode reads nothing back: there the base keeps the store's value.
	if cfg.ad && !u.PasswordPending && vals[FieldDisabled] != "true" && cfg.writesStore() {
		vals[FieldDisabled] = "true"
		disable = &Action{Side: SideStore, Op: OpDisable, Kind: store.KindUser, Name: u.Username, DN: dn,
			Reason: "created in Active Directory without a password, which leaves the account disabled there; " +
				"set a password (ldapwiz users passwd) and enable the user, and the next sync enables it in the directory",
			apply: &applyData{user: p, baseSet: store.Values{FieldDisabled: {"true"}}}}
	}
	pl.add(bucketUserCreate, Action{Side: SideLDAP, Op: OpCreate, Kind: store.KindUser, Name: u.Username, DN: dn,
		Diffs: pl.createFields.diffs(func(f string) string { return vals[f] }), Reason: reason,
		apply: &applyData{user: p, values: vals, more: pendingPassword(u.PasswordPending)}}.With(ActionDetail{OldDN: oldDN})) // base: createBase
	if disable != nil {
		pl.add(bucketUserChange, *disable)
	}
}

// storeOnlyInScope: with sync_only, a store user never linked is created in
// the directory only when it belongs to a synchronized store group.
func (pl *planner) storeOnlyInScope(p *userPair) bool {
	if len(pl.cfg.syncOnly) == 0 {
		return true
	}
	if pl.syncedMembers == nil {
		pl.syncedMembers = map[int64]bool{}
		for _, g := range pl.st.Groups {
			if !pl.groupInScopeByName(g.Name) {
				continue
			}
			for _, uid := range pl.memberships[g.ID] {
				pl.syncedMembers[uid] = true
			}
		}
	}
	return pl.syncedMembers[p.st.ID]
}

// planTombstone: the store user was deleted, its deletion not yet applied.
func (pl *planner) planTombstone(p *userPair) {
	u := p.st
	if p.dir == nil {
		pl.add(bucketUserDelete, Action{Side: SideStore, Op: OpDelete, Kind: store.KindUser, Name: u.Username, DN: p.link.DN,
			Reason: "deleted in the store and gone from the directory: the store record is purged",
			apply:  &applyData{user: p, more: &applyMore{purgeOnly: true}}})
		return
	}
	if pl.deletionOverruled(p, SideStore, p.dir.DN) {
		p.bothAfter, p.name, p.restored = true, u.Username, true
		pl.add(bucketUserChange, Action{Side: SideStore, Op: OpRestore, Kind: store.KindUser, Name: u.Username, DN: p.dir.DN,
			Reason: restoreReason(pl.cfg.mode), apply: &applyData{user: p, baseSet: store.Values{}}})
		tmp := *u
		tmp.DeletedAt = time.Time{}
		p.st = &tmp
		pl.mergeUser(p)
		return
	}
	pl.add(bucketUserDelete, Action{Side: SideLDAP, Op: OpDelete, Kind: store.KindUser, Name: u.Username, DN: p.dir.DN,
		Reason: "deleted in the store", apply: &applyData{user: p}})
}

func restoreReason(mode string) string {
	if mode == wizard.ModeImport {
		return "deleted in the store, but import copies the directory, which still has it"
	}
	return "deleted in the store, but changed in the directory, which has authority"
}

// planEntryGone: a linked store user whose entry left the directory (or
// the scope).
func (pl *planner) planEntryGone(p *userPair) {
	u := p.st
	if pl.dir.Kept[p.link.StableID] {
		return // still there, skipped for a reason of its own (listed in Skipped)
	}
	if !u.MissingSince.IsZero() && pl.cfg.writesStore() {
		pl.planStillMissing(p) // decided when it went missing
		return
	}
	if pl.deletionOverruled(p, SideLDAP, p.link.DN) {
		pl.createUserInDir(p, pl.cfg.storeValues(u), p.link.DN, "missing from the directory; the store's user is written back")
		return
	}
	if pl.cfg.missingUsers == wizard.MissingDisable {
		pl.planGoneMissing(p)
		return
	}
	pl.add(bucketUserDelete, Action{Side: SideStore, Op: OpDelete, Kind: store.KindUser, Name: u.Username, DN: p.link.DN,
		Reason: missingReason, apply: &applyData{user: p}})
}

// deletionOverruled decides whether a linked user deleted on one side
// (deletedOn, SideStore or SideLDAP) is written back from the other side
// instead of the deletion being carried over. It is when the mode copies
// only from the other side (import for a store deletion, one-way for a
// directory one), and in two-way mode when the other side has authority and
// changed the user since the link's base: a conflict, recorded at dn as won
// by that side.
func (pl *planner) deletionOverruled(p *userPair, deletedOn, dn string) bool {
	keepMode, authority, winner, changed := wizard.ModeImport, wizard.AuthorityLDAP, SideLDAP, dirChangedSinceBase
	storeValue, ldapValue := "deleted", "changed"
	if deletedOn == SideLDAP {
		keepMode, authority, winner, changed = wizard.ModeOneWay, wizard.AuthorityStore, SideStore, storeChangedSinceBase
		storeValue, ldapValue = "changed", "deleted"
	}
	switch pl.cfg.mode {
	case keepMode:
		return true
	case wizard.ModeTwoWay:
		if pl.cfg.authority == authority && changed(pl.cfg, p) {
			pl.plan.Conflicts = append(pl.plan.Conflicts, Conflict{Kind: store.KindUser, Name: p.st.Username, DN: dn,
				Field: "(deleted)", StoreValue: storeValue, LDAPValue: ldapValue, Winner: winner})
			return true
		}
	}
	return false
}

// dirChangedSinceBase reports whether any synced field of the entry differs
// from the link's base.
func dirChangedSinceBase(cfg syncConfig, p *userPair) bool {
	for _, f := range cfg.fields {
		if b, ok := baseValue(p.link.Base, f); ok && b != p.dir.value(f) {
			return true
		}
	}
	return false
}

// storeChangedSinceBase reports whether any synced field of the store user
// differs from the link's base.
func storeChangedSinceBase(cfg syncConfig, p *userPair) bool {
	s := cfg.storeValues(p.st)
	for _, f := range cfg.fields {
		if b, ok := baseValue(p.link.Base, f); ok && b != s[f] {
			return true
		}
	}
	return p.st.PasswordPending
}

// baseValue returns a field's base value and whether the base has it.
func baseValue(base store.Values, f string) (string, bool) {
	v, ok := base[f]
	if !ok {
		return "", false
	}
	if len(v) == 0 {
		return "", true
	}
	return v[0], true
}

// createBase is the link base of a user create with values: all of them.
// It is built when the create is applied, not kept for every planned create
// (a first import plans one per directory user).
func (d *applyData) createBase(values map[string]string) store.Values {
	return overlay(toBase(values), d.baseSet)
}

// toBase turns field values into base values.
func toBase(vals map[string]string) store.Values {
	b := store.Values{}
	for f, v := range vals {
		b[f] = []string{v}
	}
	return b
}

// createDN is the DN of the entry a create writes for vals.
func (pl *planner) createDN(vals map[string]string) string {
	return ldap.BuildDN(pl.cfg.rdnAttr, pl.rdnValue(vals), pl.cfg.userBase)
}

// rdnValue is the value of the RDN attribute of an entry created for vals.
func (pl *planner) rdnValue(vals map[string]string) string {
	for f, a := range pl.cfg.attrOf {
		if strings.EqualFold(a, pl.cfg.rdnAttr) && vals[f] != "" {
			return vals[f]
		}
	}
	if strings.EqualFold(pl.cfg.rdnAttr, "cn") {
		if n := strings.TrimSpace(vals[FieldFirstName] + " " + vals[FieldLastName]); n != "" {
			return n
		}
	}
	return vals[FieldUsername]
}

// validStoreValues checks directory values the store must accept, each
// field's as value returns it.
func validStoreValues(value func(field string) string) error {
	if err := store.ValidateEmail(value(FieldEmail)); err != nil {
		return err
	}
	for _, f := range []string{FieldFirstName, FieldLastName, FieldPhone} {
		if v := value(f); strings.IndexFunc(v, isControl) >= 0 {
			return fmt.Errorf("the %s %q contains a control character the store does not accept", f, v)
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
