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

// compactStrings copies the entry's id, other ids, DN, values, account
// state and memberOf values out of the message they were sliced from, into
// one allocation: the whole message (attribute names, encoding) is then
// free to go once read. Its lists must be its own (not the message's).
func (u *DirUser) compactStrings() {
	if len(u.OtherIDs) == 0 {
		u.OtherIDs = nil
	}
	n := 0
	u.eachString(func(v *string) { n += len(*v) })
	var b strings.Builder
	b.Grow(n)
	u.eachString(func(v *string) { b.WriteString(*v) })
	s := b.String()
	u.eachString(func(v *string) {
		*v, s = s[:len(*v)], s[len(*v):]
	})
}

// eachString calls fn with each string the entry holds, always in the
// same order.
func (u *DirUser) eachString(fn func(*string)) {
	fn(&u.StableID)
	fn(&u.DN)
	for i := range u.OtherIDs {
		fn(&u.OtherIDs[i])
	}
	for i := range u.vals {
		fn(&u.vals[i])
	}
	for i := range u.Account {
		a := &u.Account[i]
		fn(&a.Name)
		for j := range a.Values {
			fn(&a.Values[j])
		}
	}
	for i := range u.MemberOf {
		fn(&u.MemberOf[i])
	}
}
