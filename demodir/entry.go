package demodir

import (
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// attribute is one stored attribute of an entry.
type attribute struct {
	t    *attrType
	vals []string // binary values are kept as Go strings of their bytes
}

// entry is one node of the in-memory tree. Entries are copied on write: a
// reader holding an *entry under the read lock never sees it change.
type entry struct {
	dn    *goldap.DN
	key   string
	seq   uint64 // insertion order; search results and paging cookies follow it
	attrs []*attribute
	// members holds the normalized member DNs of a group (nil otherwise).
	members map[string]bool
}

// get returns the stored attribute of type t, or nil.
func (e *entry) get(t *attrType) *attribute {
	for _, a := range e.attrs {
		if a.t == t {
			return a
		}
	}
	return nil
}

// first returns the first value of t, or "".
func (e *entry) first(t *attrType) string {
	if a := e.get(t); a != nil && len(a.vals) > 0 {
		return a.vals[0]
	}
	return ""
}

// clone returns a deep copy that can be modified.
func (e *entry) clone() *entry {
	c := *e
	c.attrs = make([]*attribute, len(e.attrs))
	for i, a := range e.attrs {
		c.attrs[i] = &attribute{t: a.t, vals: append([]string(nil), a.vals...)}
	}
	c.members = nil
	return &c
}

// set replaces the values of t (removing the attribute when vals is empty).
func (e *entry) set(t *attrType, vals []string) {
	for i, a := range e.attrs {
		if a.t == t {
			if len(vals) == 0 {
				e.attrs = append(e.attrs[:i], e.attrs[i+1:]...)
			} else {
				a.vals = vals
			}
			return
		}
	}
	if len(vals) > 0 {
		e.attrs = append(e.attrs, &attribute{t: t, vals: vals})
	}
}

// hasValue reports whether t holds a value equal to v under t's equality rule.
func (e *entry) hasValue(t *attrType, v string) bool {
	a := e.get(t)
	if a == nil {
		return false
	}
	n := t.normalize(v)
	for _, x := range a.vals {
		if t.normalize(x) == n {
			return true
		}
	}
	return false
}

// hasClass reports whether the entry's objectClass holds name.
func (e *entry) hasClass(s *schema, name string) bool {
	oc := s.attr("objectClass")
	a := e.get(oc)
	if a == nil {
		return false
	}
	for _, v := range a.vals {
		if strings.EqualFold(v, name) {
			return true
		}
	}
	return false
}

// indexMembers rebuilds the member set of a group entry.
func (e *entry) indexMembers(s *schema) {
	e.members = nil
	a := e.get(s.attr("member"))
	if a == nil {
		return
	}
	e.members = make(map[string]bool, len(a.vals))
	for _, v := range a.vals {
		e.members[a.t.normalize(v)] = true
	}
}
