package demodir

import (
	"sort"
	"sync"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// directory is the in-memory tree: entries keyed by normalized DN, guarded
// by one RWMutex (searches share it, writes hold it alone).
type directory struct {
	fl  *flavourConfig
	sch *schema
	now func() time.Time

	mu       sync.RWMutex
	entries  map[string]*entry
	children map[string]int    // parent key -> number of children
	groups   map[string]*entry // entries with member values, for memberOf
	seq      uint64
}

func newDirectory(fl *flavourConfig, sch *schema) *directory {
	return &directory{
		fl: fl, sch: sch, now: time.Now,
		entries:  map[string]*entry{},
		children: map[string]int{},
		groups:   map[string]*entry{},
	}
}

// lookup returns the entry with DN dn, or nil. Callers hold the lock.
func (d *directory) lookup(dn *goldap.DN) *entry {
	return d.entries[dnKey(dn)]
}

// matchedDN returns the DN of the deepest existing ancestor of dn, for the
// matchedDN field of a noSuchObject result.
func (d *directory) matchedDN(dn *goldap.DN) string {
	for p := parentOf(dn); len(p.RDNs) > 0; p = parentOf(p) {
		if e := d.lookup(p); e != nil {
			return formatDN(e.dn)
		}
	}
	return ""
}

// inNamingContext reports whether dn is the suffix or below it.
func (d *directory) inNamingContext(dn *goldap.DN) bool {
	return isUnder(dn, d.fl.suffixDN)
}

// put stores e (new or replacing the entry with the same key) and keeps the
// child counts and the group index current. Callers hold the write lock.
func (d *directory) put(e *entry) {
	old := d.entries[e.key]
	if old == nil {
		d.children[dnKey(parentOf(e.dn))]++
	}
	e.indexMembers(d.sch)
	d.entries[e.key] = e
	if e.members != nil {
		d.groups[e.key] = e
	} else {
		delete(d.groups, e.key)
	}
}

// remove deletes the entry with key from the tree.
func (d *directory) remove(e *entry) {
	delete(d.entries, e.key)
	delete(d.groups, e.key)
	pk := dnKey(parentOf(e.dn))
	if d.children[pk]--; d.children[pk] <= 0 {
		delete(d.children, pk)
	}
}

// nextSeq returns a new insertion sequence number.
func (d *directory) nextSeq() uint64 {
	d.seq++
	return d.seq
}

// memberOf returns the DNs of the groups whose member attribute names e.
func (d *directory) memberOf(e *entry) []string {
	var gs []*entry
	for _, g := range d.groups {
		if g.members[e.key] {
			gs = append(gs, g)
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].seq < gs[j].seq })
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = formatDN(g.dn)
	}
	return out
}

// values returns the values of attribute t on e, stored or computed
// (entryDN, hasSubordinates, memberOf and the like).
func (d *directory) values(e *entry, t *attrType) []string {
	switch t.name() {
	case "memberOf":
		return d.memberOf(e)
	case "entryDN":
		return []string{formatDN(e.dn)}
	case "distinguishedName":
		if d.fl.ad {
			return []string{formatDN(e.dn)}
		}
	case "name":
		if d.fl.ad && len(e.dn.RDNs) > 0 {
			return []string{e.dn.RDNs[0].Attributes[0].Value}
		}
	case "hasSubordinates":
		if d.children[e.key] > 0 {
			return []string{"TRUE"}
		}
		return []string{"FALSE"}
	case "subschemaSubentry":
		return []string{d.fl.schemaDN}
	case "structuralObjectClass":
		if oc := d.structuralClass(e); oc != nil {
			return []string{oc.name()}
		}
		return nil
	}
	if a := e.get(t); a != nil {
		return a.vals
	}
	return nil
}

// computedAttrs lists the computed attributes values() knows, by flavour.
func (d *directory) computedAttrs() []string {
	if d.fl.ad {
		return []string{"distinguishedName", "name", "memberOf", "entryDN", "hasSubordinates", "subschemaSubentry"}
	}
	// Like slapd (without back-monitor), no numSubordinates: OpenLDAP says
	// whether an entry has children, never how many.
	return []string{"structuralObjectClass", "entryDN", "subschemaSubentry", "hasSubordinates", "memberOf"}
}

// structuralClass returns the most specific structural class of e.
func (d *directory) structuralClass(e *entry) *objectClass {
	var best *objectClass
	depth := -1
	for _, v := range d.values(e, d.sch.attr("objectClass")) {
		oc := d.sch.class(v)
		if oc == nil || oc.kind != "STRUCTURAL" {
			continue
		}
		if n := len(d.sch.superClasses(oc)); n > depth {
			best, depth = oc, n
		}
	}
	return best
}
