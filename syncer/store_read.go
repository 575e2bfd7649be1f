package syncer

import (
	"context"
	"fmt"
	"strconv"

	"ldapwiz/store"
)

// readStoreFor is readStore for a sync that has read dir already: each
// user link's base is left encoded (StoreSnapshot.userBases), or not kept
// at all when it holds exactly the values of the directory entry the link
// points to (StoreSnapshot.linkDir), as it does for every user a previous
// sync left unchanged; and the strings read that equal ones dir holds (ids,
// DNs, values) are replaced by those, so that the store's copies are freed
// as they are read rather than held beside the directory's.
func readStoreFor(ctx context.Context, db *store.DB, cfg syncConfig, dir *DirSnapshot) (*StoreSnapshot, error) {
	cfg.adoptAccountState(dir.AccountState) // the fields the planner syncs
	s := &StoreSnapshot{baseFields: cfg.baseFields()}
	var buf []byte
	err := db.EachLinkRow(ctx, store.KindUser, func(n int) {
		s.UserLinks, s.userBases, s.linkDir, s.linkUser = make([]store.Link, 0, n), make([]string, 0, n), make([]*DirUser, 0, n), make([]*DirUser, 0, n)
		s.linkByLocal = make(map[int64]int, n)
	}, func(r store.LinkRow) error {
		if s.dirByID == nil {
			s.dirByID = dirUsersByID(dir.Users) // at the first link: a first import has none
		}
		buf = s.addUserLink(r, buf)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the store's links: %w", err)
	}
	if s.Users, err = db.ListUsersForSync(ctx, s.shareDirStrings); err != nil {
		return nil, fmt.Errorf("read the store's users: %w", err)
	}
	if s.Groups, err = db.ListGroups(ctx, true); err != nil {
		return nil, fmt.Errorf("read the store's groups: %w", err)
	}
	if s.Memberships, err = db.Memberships(ctx); err != nil {
		return nil, fmt.Errorf("read the store's memberships: %w", err)
	}
	// Group bases list member ids: the fast decoder slices them out of the
	// text read rather than copying each.
	if s.GroupLinks, err = db.ListLinks(ctx, store.KindGroup); err != nil {
		return nil, fmt.Errorf("read the store's links: %w", err)
	}
	return s, nil
}

// addUserLink adds the user link r, read after the directory (s.dirByID)
// and with s.baseFields set, to s: its strings shared with the entry it
// points to when equal, its base dropped when it is that entry's values
// (linkDir). buf is scratch space, returned for reuse.
func (s *StoreSnapshot) addUserLink(r store.LinkRow, buf []byte) []byte {
	if s.linkByLocal == nil {
		s.linkByLocal = map[int64]int{}
	}
	var same *DirUser
	d := s.dirByID[r.StableID]
	if d != nil {
		r.StableID = d.sameID(r.StableID)
		if r.DN == d.DN {
			r.DN = d.DN
		}
		var ok bool
		if buf, ok = appendDirBase(buf[:0], s.baseFields, d); ok && string(buf) == r.BaseJSON {
			same, r.BaseJSON = d, ""
		}
	}
	s.linkByLocal[r.LocalID] = len(s.UserLinks)
	s.UserLinks = append(s.UserLinks, r.Link)
	s.userBases = append(s.userBases, r.BaseJSON)
	s.linkDir = append(s.linkDir, same)
	s.linkUser = append(s.linkUser, d)
	return buf
}

// shareDirStrings replaces the values of store user u that equal those of
// the directory entry its link points to by the entry's strings.
func (s *StoreSnapshot) shareDirStrings(u *store.SyncUser) {
	i, ok := s.linkByLocal[u.ID]
	if !ok {
		return
	}
	d := s.linkUser[i]
	if d == nil {
		return
	}
	share := func(v *string, field string) {
		if dv := d.value(field); *v == dv {
			*v = dv
		}
	}
	share(&u.Username, FieldUsername)
	share(&u.Email, FieldEmail)
	share(&u.FirstName, FieldFirstName)
	share(&u.LastName, FieldLastName)
	share(&u.Phone, FieldPhone)
}

// dirUsersByID indexes users by every stable id each carries: a link made
// with entryUUID or nsUniqueId still pairs after 389 DS's fix-up adds the
// other.
func dirUsersByID(users []*DirUser) map[string]*DirUser {
	m := make(map[string]*DirUser, len(users))
	for _, u := range users {
		for _, id := range u.ids() {
			m[id] = u
		}
	}
	return m
}

// sameID returns the id of the entry's equal to id (which it carries).
func (u *DirUser) sameID(id string) string {
	if u.StableID == id {
		return u.StableID
	}
	for _, o := range u.otherIDs() {
		if o == id {
			return o
		}
	}
	return id
}

// appendDirBase appends to buf the link base a sync records for entry d
// when both sides hold its values, {"field":["value"],...}, exactly as
// json.Marshal encodes it, fields sorted. ok is false when a value holds a
// character json.Marshal escapes: the base is then compared decoded.
func appendDirBase(buf []byte, sortedFields []string, d *DirUser) ([]byte, bool) {
	buf = append(buf, '{')
	for i, f := range sortedFields {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, f...)
		buf = append(buf, `":[`...)
		v := d.value(f)
		if !plainJSON(v) {
			return buf, false
		}
		buf = append(buf, '"')
		buf = append(buf, v...)
		buf = append(buf, `"]`...)
	}
	return append(buf, '}'), true
}

// dirBase is the base appendDirBase encodes, decoded: each of fields with
// d's value.
func dirBase(fields []string, d *DirUser) store.Values {
	b := make(store.Values, len(fields))
	for _, f := range fields {
		b[f] = []string{d.value(f)}
	}
	return b
}

// storeField is store user u's value of synced field f.
func storeField(u *store.SyncUser, f string) string {
	switch f {
	case FieldUsername:
		return u.Username
	case FieldEmail:
		return u.Email
	case FieldFirstName:
		return u.FirstName
	case FieldLastName:
		return u.LastName
	case FieldPhone:
		return u.Phone
	case FieldDisabled:
		return strconv.FormatBool(u.Disabled)
	}
	return ""
}

// unchanged reports whether the linked user p is the same on both sides
// and in its link's base, which is the directory entry's values (linkDir):
// planUser would then plan nothing for it, so the base is not even built.
// Anything else (a rename, a tombstone, a missing mark, a password
// waiting, a value that differs) is planned the long way.
func (pl *planner) unchanged(p *userPair) bool {
	u, d := p.st, p.dir
	if !pl.baseFieldsSynced || p.adoptedBy != nil || u == nil || d == nil || d != p.baseDir || u.Deleted() || !u.MissingSince.IsZero() ||
		p.link.DN != d.DN || u.PasswordPending && pl.cfg.writesDir() {
		return false
	}
	for _, f := range pl.cfg.fields {
		if storeField(u, f) != d.value(f) {
			return false
		}
	}
	return true
}
