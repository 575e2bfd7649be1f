package syncer

import "ldapwiz/ldap"

// viewSlot is one entry of a view part while a refresh patches it: the
// kept record, until the refresh puts a fresh entry in its place or finds
// it gone.
type viewSlot struct {
	rec   viewRecord
	fresh *ldap.EntryRecord
	gone  bool
}

// viewSlots are the entries of a view part while a refresh patches them.
// Only the entries the refresh changes are decoded and kept as entries;
// the others stay records.
type viewSlots []viewSlot

// newViewSlots returns the entries of part p as slots, calling each with
// every entry decoded (to index it) and its position.
func newViewSlots(p *viewPart, each func(i int, e ldap.EntryRecord)) (viewSlots, error) {
	s := make(viewSlots, len(p.Entries))
	for i, r := range p.Entries {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		s[i].rec = r
		each(i, e)
	}
	return s, nil
}

// entry is the entry in slot i, decoded from its record unless fresh.
func (s viewSlots) entry(i int) (*ldap.EntryRecord, error) {
	if s[i].fresh != nil {
		return s[i].fresh, nil
	}
	e, err := s[i].rec.entry()
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// record is the record of slot i, encoded from its entry when fresh.
func (s viewSlots) record(i int) viewRecord {
	if s[i].fresh != nil {
		return recordOf(s[i].fresh)
	}
	return s[i].rec
}
