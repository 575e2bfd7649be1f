package ldap

import "slices"

// EntryRecord is an Entry in a form that can be kept between runs (as
// JSON) and turned back into the same Entry: the DN and each attribute's
// values as the server sent them.
type EntryRecord struct {
	DN    string       `json:"dn"`
	Attrs []AttrRecord `json:"a"`
}

// AttrRecord is one attribute of an EntryRecord: text values as strings,
// binary ones (objectGUID, ...) as bytes.
type AttrRecord struct {
	Name string   `json:"n"`
	Text []string `json:"t,omitempty"`
	Raw  [][]byte `json:"b,omitempty"`
}

// Record returns e as an EntryRecord.
func (e *Entry) Record() EntryRecord {
	r := EntryRecord{DN: e.DN, Attrs: make([]AttrRecord, len(e.Attributes))}
	for i, a := range e.Attributes {
		r.Attrs[i].Name = a.Name
		if a.Binary {
			r.Attrs[i].Raw = a.raw
			continue
		}
		r.Attrs[i].Text = a.Values
		if r.Attrs[i].Text == nil {
			r.Attrs[i].Text = []string{}
		}
	}
	return r
}

// Entry turns the record back into the Entry it was made from.
func (r EntryRecord) Entry() *Entry { return r.EntryInto(nil) }

// EntryInto is Entry, built into e when e is not nil, reusing e's list of
// attributes: nothing e held before may be used after but its strings. It
// is for a reader that keeps nothing of an entry but its strings, as a
// search with SearchRequest.ReuseEntries hands entries over.
func (r EntryRecord) EntryInto(e *Entry) *Entry {
	if e == nil {
		e = &Entry{}
	}
	e.DN, e.text = r.DN, ""
	e.Attributes = slices.Grow(e.Attributes[:0], len(r.Attrs))[:len(r.Attrs)]
	for i, a := range r.Attrs {
		if a.Raw != nil {
			e.Attributes[i] = newAttribute(a.Name, a.Raw, nil)
			continue
		}
		if isBinaryAttr(a.Name, nil) { // by its name: binary whatever it holds
			raw := make([][]byte, len(a.Text))
			for j, v := range a.Text {
				raw[j] = []byte(v)
			}
			e.Attributes[i] = newAttribute(a.Name, raw, nil)
			continue
		}
		// Recorded as text, so its values were text (Record): they stand
		// for the raw values too (Attribute.Raw).
		e.Attributes[i] = Attribute{Name: a.Name, Values: a.Text}
	}
	return e
}
