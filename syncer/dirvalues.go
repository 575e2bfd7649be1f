package syncer

import (
	"math"
	"strings"
	"unsafe"
)

// userFieldCount is how many store fields a user entry can map: username,
// email, first and last name, phone and the account state.
const userFieldCount = 6

// dirValues holds a directory user's field values, one slot per store
// field (see fieldSlot): each text slot's as where it lies in one string,
// the account state's as a flag. A sync of 100,000 users would hold a map
// per user otherwise, three times the size; a string per slot takes 96
// bytes a user, this 40, and gives the garbage collector one pointer to
// follow rather than six. Its offsets are 16 bits: a user's values lie
// in the first 64 KiB of its text (an entry's text beyond that keeps its
// values in a copy of their own, and values larger than that in
// DirUser.Values; see setValues).
type dirValues struct {
	text       string
	start, end [textSlots]uint16
	state      accountFlag
}

// textSlots is how many slots hold text: all but the account state's
// (slotDisabled), "true", "false" or "" (not read), kept as a flag.
const (
	slotDisabled = userFieldCount - 1
	textSlots    = slotDisabled
)

// accountFlag is the account state's slot: not read, or the value.
type accountFlag uint8

const (
	accountUnread accountFlag = iota
	accountEnabled
	accountDisabled
)

// packValues returns the dirValues of the text slots' values vals and
// the account state's flag, when each value lies within text (is a
// substring of that very string) and ends within its first 64 KiB; ok is
// false otherwise.
func packValues(text string, vals *[textSlots]string, state accountFlag) (d dirValues, ok bool) {
	d.text, d.state = text, state
	for i, v := range vals {
		start, ok := offsetIn(text, v)
		if !ok || start+len(v) > math.MaxUint16 {
			return dirValues{}, false
		}
		d.start[i], d.end[i] = uint16(start), uint16(start+len(v))
	}
	return d, true
}

// flagOf is the account state's slot for whether the account is locked.
func flagOf(locked bool) accountFlag {
	if locked {
		return accountDisabled
	}
	return accountEnabled
}

// offsetIn returns where v lies in text, when it is a substring of that
// very string (its bytes are text's); an empty v lies anywhere.
func offsetIn(text, v string) (int, bool) {
	if v == "" {
		return 0, true
	}
	if len(v) > len(text) || len(text) > math.MaxUint32 {
		return 0, false
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(v)))
	if p < base || p-base > uintptr(len(text)-len(v)) {
		return 0, false
	}
	return int(p - base), true
}

// slot is the value of slot i.
func (d *dirValues) slot(i int) string {
	if i == slotDisabled {
		switch d.state {
		case accountEnabled:
			return "false"
		case accountDisabled:
			return "true"
		}
		return ""
	}
	return d.text[d.start[i]:d.end[i]]
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

// setValues sets the entry's compact values: the text slots' vals (by
// slot, see fieldSlot), sliced from text, the entry's Text
// (ldap.Entry.Text), and the account state's flag. The entry then keeps
// that text, which holds nothing but its DN and values. When a value does
// not lie within text (there is none: the entry was not decoded by the
// search reader; a binary value, rendered; a value beyond the text's
// first 64 KiB), the entry's strings are copied instead (compactStrings).
// fields are the store fields the read synchronizes.
func (u *DirUser) setValues(text string, vals *[textSlots]string, state accountFlag, fields []string) {
	if d, ok := packValues(text, vals, state); ok {
		u.vals = d
		return
	}
	u.compactStrings(vals, state, fields)
}

// compactStrings sets the entry's compact values, the text slots' vals
// (by slot, see fieldSlot) and the account state's flag, and copies the
// values with its id, other ids, DN, account state and memberOf values
// out of the message they were sliced from, into one allocation: the
// whole message (attribute names, encoding) is then free to go once read.
// Its lists must be its own (not the message's). Values longer than 64
// KiB in all go to Values instead, which the slots cannot address, as a
// read that keeps Values fills it: each of fields, the store fields the
// read synchronizes.
func (u *DirUser) compactStrings(vals *[textSlots]string, state accountFlag, fields []string) {
	packed := *vals // the values, to be sliced from the copy
	s := packStrings(func(fn func(*string)) {
		u.eachString(fn)
		for i := range packed {
			fn(&packed[i])
		}
	})
	n := 0
	for _, v := range packed {
		n += len(v)
	}
	text := s[len(s)-n:] // the values, which come last
	var ok bool
	if u.vals, ok = packValues(text, &packed, state); !ok {
		u.Values = slotMap(&packed, state, fields)
	}
}

// slotMap returns, of the text slots' values vals and the account state's
// flag, those of fields as a map by field (as Values holds them).
func slotMap(vals *[textSlots]string, state accountFlag, fields []string) map[string]string {
	d := dirValues{state: state}
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		switch i := fieldSlot(f); {
		case i == slotDisabled:
			m[f] = d.slot(i)
		case i >= 0:
			m[f] = vals[i]
		}
	}
	return m
}

// packStrings copies the strings each lists (calling fn with each, always
// in the same order) into one allocation, points each at its copy, and
// returns that allocation: what they were sliced from can then go.
func packStrings(each func(fn func(*string))) string {
	n := 0
	each(func(v *string) { n += len(*v) })
	var b strings.Builder
	b.Grow(n)
	each(func(v *string) { b.WriteString(*v) })
	s := b.String()
	rest := s
	each(func(v *string) { *v, rest = rest[:len(*v)], rest[len(*v):] })
	return s
}

// eachString calls fn with each string the entry holds but its values'
// (vals), always in the same order.
func (u *DirUser) eachString(fn func(*string)) {
	fn(&u.StableID)
	fn(&u.DN)
	if u.more == nil {
		return
	}
	m := u.more
	for i := range m.otherIDs {
		fn(&m.otherIDs[i])
	}
	for i := range m.account {
		a := &m.account[i]
		fn(&a.Name)
		for j := range a.Values {
			fn(&a.Values[j])
		}
	}
	for i := range m.memberOf {
		fn(&m.memberOf[i])
	}
}
