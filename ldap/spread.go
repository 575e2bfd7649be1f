package ldap

import (
	"context"
	"slices"
	"sort"
	"strings"
)

// Spread says how one attribute's values are spread over a sample of
// entries: whether it can serve as a name (present once on every entry,
// never shared).
type Spread struct {
	Sampled     int      // entries looked at
	Missing     int      // entries without a value
	MultiValued int      // entries with more than one value
	Binary      bool     // values are binary
	Repeats     int      // entries sharing a value with another entry
	Repeated    []string // the shared values, sorted, as first spelled (case-insensitive)
}

// AttributeSpread samples up to sample entries under base matching filter
// and reports how attr's values are spread over them. Values compare
// case-insensitively (binary ones byte for byte). An attribute asked by an
// alias (userid) is found under the name the server answers with (uid).
func (c *Conn) AttributeSpread(ctx context.Context, base, filter, attr string, sample int) (*Spread, error) {
	if sample <= 0 {
		sample = 200
	}
	sp := &Spread{}
	var perEntry [][]string     // each entry's distinct values, folded
	holders := map[string]int{} // folded value -> entries carrying it
	spelling := map[string]string{}
	req := SearchRequest{Base: base, Filter: filter, Attributes: []string{attr}, PageSize: min(c.PageSize(), sample)}
	err := c.Search(ctx, req, func(e *Entry) error {
		sp.Sampled++
		a := e.Attr(attr)
		if a == nil && len(e.Attributes) == 1 {
			a = &e.Attributes[0] // asked by an alias, answered by its name
		}
		var mine []string
		if a == nil || len(a.Values) == 0 {
			sp.Missing++
		} else {
			sp.Binary = sp.Binary || a.Binary
			if len(a.Values) > 1 {
				sp.MultiValued++
			}
			for i, v := range a.Values {
				k := strings.ToLower(v)
				if a.Binary {
					k = string(a.raw[i])
				}
				if slices.Contains(mine, k) {
					continue
				}
				mine = append(mine, k)
				holders[k]++
				if _, ok := spelling[k]; !ok {
					spelling[k] = v
				}
			}
		}
		perEntry = append(perEntry, mine)
		if sp.Sampled >= sample {
			return ErrStopSearch
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, vs := range perEntry {
		shared := false
		for _, k := range vs {
			if holders[k] > 1 {
				shared = true
				if !slices.Contains(sp.Repeated, spelling[k]) {
					sp.Repeated = append(sp.Repeated, spelling[k])
				}
			}
		}
		if shared {
			sp.Repeats++
		}
	}
	sort.Strings(sp.Repeated)
	return sp, nil
}
