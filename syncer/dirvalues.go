package syncer

import "strings"

// userFieldCount is how many store fields a user entry can map: username,
// email, first and last name, phone and the account state.
const userFieldCount = 6

// dirValues holds a directory user's field values in a fixed array, one
// slot per store field (see fieldSlot): a sync of 100,000 users would hold
// a map per user otherwise, three times the size.
type dirValues [userFieldCount]string

// fieldSlot is the slot of store field f in dirValues, or -1 for a field
// users do not map.
func fieldSlot(f string) int {
	switch f {
	case FieldUsername:
		return 0
	case FieldEmail:
		return 1
	case FieldFirstName:
		return 2
	case FieldLastName:
		return 3
	case FieldPhone:
		return 4
	case FieldDisabled:
		return 5
	}
	return -1
}

// value is the entry's value of store field f: from Values when it is
// set (ReadDirectory, tests), from the compact slots otherwise.
func (u *DirUser) value(f string) string {
	if u.Values != nil {
		return u.Values[f]
	}
	if i := fieldSlot(f); i >= 0 {
		return u.vals[i]
	}
	return ""
}

// username is the entry's username.
func (u *DirUser) username() string { return u.value(FieldUsername) }

// valueMap returns the entry's values as a map of the synced fields: Values
// itself when set, otherwise a new map holding each of fields, as the
// directory read fills Values.
func (u *DirUser) valueMap(fields []string) map[string]string {
	if u.Values != nil {
		return u.Values
	}
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		m[f] = u.value(f)
	}
	return m
}

// compactStrings copies the entry's id, other ids, DN and values out of
// the message they were sliced from, into one allocation: the whole
// message (attribute names, encoding) is then free to go once read.
func (u *DirUser) compactStrings() {
	n := len(u.StableID) + len(u.DN)
	for _, id := range u.OtherIDs {
		n += len(id)
	}
	for _, v := range u.vals {
		n += len(v)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(u.StableID)
	b.WriteString(u.DN)
	for _, id := range u.OtherIDs {
		b.WriteString(id)
	}
	for _, v := range u.vals {
		b.WriteString(v)
	}
	s := b.String()
	take := func(v string) string {
		out := s[:len(v)]
		s = s[len(v):]
		return out
	}
	u.StableID, u.DN = take(u.StableID), take(u.DN)
	if len(u.OtherIDs) == 0 {
		u.OtherIDs = nil
	} else {
		ids := make([]string, len(u.OtherIDs))
		for i, id := range u.OtherIDs {
			ids[i] = take(id)
		}
		u.OtherIDs = ids
	}
	for i := range u.vals {
		u.vals[i] = take(u.vals[i])
	}
}
