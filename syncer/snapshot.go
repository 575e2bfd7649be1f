package syncer

import (
	"context"
	"fmt"
	"slices"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// DirUser is one user entry of the directory, in scope and usable, as the
// planner sees it. A sync holds one per user, so what only some entries
// have is kept apart (dirUserMore): 112 bytes a user, not 176.
type DirUser struct {
	StableID string // objectGUID (as a GUID string), nsUniqueId or entryUUID
	DN       string // as the server returned it
	// Values maps each synced store field to the entry's (first) value;
	// FieldUsername is always set. A sync's own read leaves it nil and
	// keeps the values in vals instead (see dirValues): use value.
	Values map[string]string

	vals dirValues    // the values when Values is nil
	more *dirUserMore // nil when the entry has none of it (setMore)
}

// dirUserMore is what only some user entries have.
type dirUserMore struct {
	otherIDs []string // the entry's other stable ids (389 DS: entryUUID beside nsUniqueId)
	// account holds the account-state attributes as read (users.account_state:
	// userAccountControl, nsAccountLock, ...); nil when none is synchronized.
	account  []ldap.Attribute
	memberOf []string // group DNs from users.member_attribute, when memberships come from it
}

// setMore keeps the entry's other stable ids, account-state attributes
// and memberOf values; nothing when there are no other ids and the other
// two are nil.
func (u *DirUser) setMore(otherIDs []string, account []ldap.Attribute, memberOf []string) {
	if len(otherIDs) == 0 {
		otherIDs = nil // not the empty end of the entry's list of ids
	}
	if otherIDs == nil && account == nil && memberOf == nil {
		u.more = nil
		return
	}
	u.more = &dirUserMore{otherIDs: otherIDs, account: account, memberOf: memberOf}
}

// otherIDs returns the entry's other stable ids (389 DS: entryUUID beside
// nsUniqueId).
func (u *DirUser) otherIDs() []string {
	if u.more == nil {
		return nil
	}
	return u.more.otherIDs
}

// account returns the account-state attributes as read; nil when none is
// synchronized.
func (u *DirUser) account() []ldap.Attribute {
	if u.more == nil {
		return nil
	}
	return u.more.account
}

// memberOf returns the group DNs of users.member_attribute, when
// memberships come from it.
func (u *DirUser) memberOf() []string {
	if u.more == nil {
		return nil
	}
	return u.more.memberOf
}

// DirGroup is one group entry of the directory, in scope.
type DirGroup struct {
	StableID string
	OtherIDs []string // the entry's other stable ids
	DN       string
	Name     string
	Members  []string // member DNs as read (users, nested groups, dangling references)
}

// DirSnapshot is what the directory holds for a sync.
type DirSnapshot struct {
	Users   []*DirUser
	Groups  []DirGroup
	Skipped []Skip
	// Kept holds the stable ids of user and group entries read but skipped
	// for a reason of their own (invalid or duplicate name, ...): a store
	// user or group linked to one of them is left alone rather than deleted.
	Kept map[string]bool
	// MembersFromUsers: group memberships come from DirUser.MemberOf, since
	// groups.member_attribute is empty.
	MembersFromUsers bool
	// Referrals are the search result references met while reading,
	// skipped (never chased).
	Referrals []Referral
	// AccountState is how the directory read marks a disabled account
	// (users.account_state, or what "auto" found on the server).
	AccountState ldap.AccountState
}

// StoreSnapshot is what the store holds for a sync.
type StoreSnapshot struct {
	Users       []store.SyncUser // tombstones included
	Groups      []store.Group
	Memberships []store.Membership
	UserLinks   []store.Link
	GroupLinks  []store.Link

	// userBases, when set, are the encoded base values of UserLinks (in the
	// same order), whose Base is then nil: the planner decodes each one
	// while it plans that user, so the decoded bases are never all held at
	// once.
	userBases []string
	// linkDir, when set (readStoreFor), holds for each of UserLinks the
	// directory entry whose values its base holds exactly, with
	// userBases[i] then empty, or nil where the base is something else.
	linkDir []*DirUser
	// baseFields are the fields of the bases linkDir stands for, sorted.
	baseFields []string
	// dirByID and linkByLocal, when set (readStoreFor; dirByID only when
	// there are user links), index the directory's users by every stable
	// id and UserLinks by local id, as the planner would.
	dirByID     map[string]*DirUser
	linkByLocal map[int64]int
	// linkUser, when set (readStoreFor), holds for each of UserLinks the
	// directory entry its stable id finds in dirByID, or nil.
	linkUser []*DirUser
}

// ReadStore reads everything the planner needs from the store.
func ReadStore(ctx context.Context, db *store.DB) (*StoreSnapshot, error) {
	return readStore(ctx, db)
}

// readStore is ReadStore, every link's base decoded (a sync reads the
// store with readStoreFor instead).
func readStore(ctx context.Context, db *store.DB) (*StoreSnapshot, error) {
	var s StoreSnapshot
	var err error
	if s.Users, err = db.ListUsersForSync(ctx, nil); err != nil {
		return nil, fmt.Errorf("read the store's users: %w", err)
	}
	if s.Groups, err = db.ListGroups(ctx, true); err != nil {
		return nil, fmt.Errorf("read the store's groups: %w", err)
	}
	if s.Memberships, err = db.Memberships(ctx); err != nil {
		return nil, fmt.Errorf("read the store's memberships: %w", err)
	}
	if s.UserLinks, err = db.ListLinks(ctx, store.KindUser); err != nil {
		return nil, fmt.Errorf("read the store's links: %w", err)
	}
	if s.GroupLinks, err = db.ListLinks(ctx, store.KindGroup); err != nil {
		return nil, fmt.Errorf("read the store's links: %w", err)
	}
	return &s, nil
}

// ids returns the user's stable ids, the preferred one first.
func (u *DirUser) ids() []string { return append([]string{u.StableID}, u.otherIDs()...) }

// ownStrings copies the group's DN, name and stable ids out of the entry
// they were sliced from, into one string of their own, so that the entry's
// text (most of it the member values) is held only by Members: it can go
// once planning has resolved the members (DirSnapshot.dropGroupMembers). OtherIDs
// becomes a list of its own.
func (g *DirGroup) ownStrings() {
	if len(g.OtherIDs) == 0 {
		g.OtherIDs = nil
	} else {
		g.OtherIDs = slices.Clone(g.OtherIDs)
	}
	packStrings(func(fn func(*string)) {
		fn(&g.DN)
		fn(&g.Name)
		fn(&g.StableID)
		for i := range g.OtherIDs {
			fn(&g.OtherIDs[i])
		}
	})
}

// dropGroupMembers lets the groups' member values go. A sync's planning
// calls it once it has resolved them (resolveGroupMembers): the plan's
// actions hold what applying them and the report need (the members as
// users), and at a first import the member values are most of the groups'
// text (120,000 DNs in the benchmark's directory, about 9 MB with their
// list).
func (s *DirSnapshot) dropGroupMembers() {
	for i := range s.Groups {
		s.Groups[i].Members = nil
	}
}

// ids returns the group's stable ids, the preferred one first.
func (g DirGroup) ids() []string { return append([]string{g.StableID}, g.OtherIDs...) }

// keep records the ids of an entry that was read but skipped.
func (s *DirSnapshot) keep(ids []string) {
	for _, id := range ids {
		s.Kept[id] = true
	}
}
