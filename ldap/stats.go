package ldap

import (
	"context"
	"sort"
	"strings"
)

// Stats describes the attributes found on a sample of entries: what the
// wizard's attribute pickers are built from.
type Stats struct {
	Sampled    int        // entries looked at
	Attributes []AttrStat // by Count, most common first, then by name
}

// AttrStat describes one attribute over the sample.
type AttrStat struct {
	Name        string   // as the first entry carrying it spelled it
	Count       int      // entries carrying it
	Unique      bool     // no value appears twice across the sample (case-insensitive)
	MultiValued bool     // some entry carries more than one value
	Binary      bool     // values are binary (examples are rendered)
	Examples    []string // up to 3 distinct values, readable
}

// Find returns the statistics of attribute name (case-insensitive), or nil.
func (s *Stats) Find(name string) *AttrStat {
	for i := range s.Attributes {
		if strings.EqualFold(s.Attributes[i].Name, name) {
			return &s.Attributes[i]
		}
	}
	return nil
}

// statsAttrs asks for the user attributes plus the operational ones a sync
// needs to see (memberOf is operational on OpenLDAP; entryUUID, nsUniqueId
// are the stable identifiers).
var statsAttrs = []string{"*", "memberOf", "isMemberOf", "entryUUID", "nsUniqueId", "objectGUID"}

// AttributeStats samples up to sample entries under base matching filter
// (subtree, paged) and reports, per attribute, how many entries carry it,
// whether its values are unique across the sample, and up to 3 examples.
func (c *Conn) AttributeStats(ctx context.Context, base, filter string, sample int) (*Stats, error) {
	if sample <= 0 {
		sample = 200
	}
	type acc struct {
		stat AttrStat
		seen map[string]bool
	}
	byName := map[string]*acc{}
	var order []*acc
	st := &Stats{}
	pageSize := c.PageSize()
	if sample < pageSize {
		pageSize = sample
	}
	err := c.Search(ctx, SearchRequest{Base: base, Filter: filter, Attributes: statsAttrs, PageSize: pageSize}, func(e *Entry) error {
		st.Sampled++
		for _, a := range e.Attributes {
			key := strings.ToLower(a.Name)
			s := byName[key]
			if s == nil {
				s = &acc{stat: AttrStat{Name: a.Name, Unique: true}, seen: map[string]bool{}}
				byName[key] = s
				order = append(order, s)
			}
			s.stat.Count++
			if len(a.Values) > 1 {
				s.stat.MultiValued = true
			}
			if a.Binary {
				s.stat.Binary = true
			}
			for i, v := range a.Values {
				k := strings.ToLower(v)
				if a.Binary {
					k = string(a.raw[i])
				}
				if s.seen[k] {
					s.stat.Unique = false
					continue
				}
				s.seen[k] = true
				if len(s.stat.Examples) < 3 {
					s.stat.Examples = append(s.stat.Examples, v)
				}
			}
		}
		if st.Sampled >= sample {
			return ErrStopSearch
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range order {
		st.Attributes = append(st.Attributes, s.stat)
	}
	sort.SliceStable(st.Attributes, func(i, j int) bool {
		a, b := st.Attributes[i], st.Attributes[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	return st, nil
}

// Count returns how many entries under base (subtree, base included) match
// filter, with a paged search asking for no attributes ("1.1").
func (c *Conn) Count(ctx context.Context, base, filter string) (int, error) {
	n := 0
	err := c.Search(ctx, SearchRequest{Base: base, Filter: filter, Attributes: []string{"1.1"}}, func(*Entry) error {
		n++
		return nil
	})
	return n, err
}
