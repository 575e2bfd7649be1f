package syncer

import "strings"

// userFieldCount is how many store fields a user entry can map: username,
// email, first and last name, phone and the account state.
const userFieldCount = 6

// dirValues holds a directory user's field values, one slot per store
// field (see fieldSlot), as one string and where each slot's value ends in
// it. A sync of 100,000 users would hold a map per user otherwise, three
// times the size; a string per slot takes 96 bytes a user, this 40, and
// gives the garbage collector one pointer to follow rather than six.
type dirValues struct {
	text string
	end  [userFieldCount]uint32
}

// packedValues is the dirValues of vals, whose values text holds one
// after the other, in slot order.
func packedValues(text string, vals *[userFieldCount]string) dirValues {
	d := dirValues{text: text}
	n := 0
	for i, v := range vals {
		n += len(v)
		d.end[i] = uint32(n)
	}
	return d
}

// slot is the value of slot i.
func (d *dirValues) slot(i int) string {
	start := uint32(0)
	if i > 0 {
		start = d.end[i-1]
	}
	return d.text[start:d.end[i]]
}

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
		return u.vals.slot(i)
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

// compactStrings sets the entry's compact values to vals (by slot, see
// fieldSlot) and copies them with its id, other ids, DN, account state and
// memberOf values out of the message they were sliced from, into one
// allocation: the whole message (attribute names, encoding) is then free
// to go once read. Its lists must be its own (not the message's).
func (u *DirUser) compactStrings(vals *[userFieldCount]string) {
	if len(u.OtherIDs) == 0 {
		u.OtherIDs = nil
	}
	u.vals = dirValues{}
	n := 0
	u.eachString(func(v *string) { n += len(*v) })
	for _, v := range vals {
		n += len(v)
	}
	var b strings.Builder
	b.Grow(n)
	u.eachString(func(v *string) { b.WriteString(*v) })
	for _, v := range vals {
		b.WriteString(v)
	}
	s := b.String()
	u.eachString(func(v *string) {
		*v, s = s[:len(*v)], s[len(*v):]
	})
	u.vals = packedValues(s, vals) // what is left: the values
}

// eachString calls fn with each string the entry holds, always in the
// same order.
func (u *DirUser) eachString(fn func(*string)) {
	fn(&u.StableID)
	fn(&u.DN)
	for i := range u.OtherIDs {
		fn(&u.OtherIDs[i])
	}
	fn(&u.vals.text)
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
