package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// valueRange is the range option of an attribute description as Active
// Directory returns it: "member;range=0-1499" (Low 0, High 1499) or
// "member;range=1500-*" (the last chunk, Last true).
type valueRange struct {
	Base string // the attribute description without the range option
	Low  int
	High int // meaningless when Last
	Last bool
}

// parseRange parses an attribute description carrying a range option. ok is
// false when the description has no (well-formed) range option.
func parseRange(desc string) (r valueRange, ok bool) {
	if strings.IndexByte(desc, ';') < 0 {
		return valueRange{}, false // no option at all: the common case, without splitting
	}
	parts := strings.Split(desc, ";")
	kept := parts[:1]
	found := false
	for _, p := range parts[1:] {
		if len(p) > 6 && strings.EqualFold(p[:6], "range=") && !found {
			lo, hi, okSpec := strings.Cut(p[6:], "-")
			if !okSpec {
				return valueRange{}, false
			}
			low, err := strconv.Atoi(lo)
			if err != nil || low < 0 {
				return valueRange{}, false
			}
			r.Low = low
			if hi == "*" {
				r.Last = true
			} else {
				high, err := strconv.Atoi(hi)
				if err != nil || high < low-1 {
					return valueRange{}, false
				}
				r.High = high
			}
			found = true
			continue
		}
		kept = append(kept, p)
	}
	if !found {
		return valueRange{}, false
	}
	r.Base = strings.Join(kept, ";")
	return r, true
}

// rangeFetcher asks the server for one more chunk of a ranged attribute: it
// runs a base search of dn for the attribute description request (such as
// "member;range=1500-*") and returns the description that came back and its
// values. An empty name means the server returned no such attribute.
type rangeFetcher func(ctx context.Context, dn, request string) (name string, values [][]byte, err error)

// maxRangeRounds bounds the follow-up requests for one attribute, so a server
// that never ends a range cannot loop us forever (at 1,500 values a chunk,
// this is 15 million values).
const maxRangeRounds = 10000

// reassembleRanges replaces every ranged attribute of e (b not "*") by the
// whole attribute under its plain name, fetching the remaining chunks with
// fetch. Attributes already ending in "*" are just renamed. An entry
// without one (every entry but Active Directory's large groups) is left
// as it is.
func reassembleRanges(ctx context.Context, e *Entry, fetch rangeFetcher) error {
	hasRange := false
	for i := range e.Attributes {
		if _, ok := parseRange(e.Attributes[i].Name); ok {
			hasRange = true
			break
		}
	}
	if !hasRange {
		return nil
	}
	type values struct {
		name string
		raw  [][]byte
	}
	var out []*values
	index := map[string]*values{} // lower-case name -> attribute in out
	add := func(name string, raw [][]byte) {
		key := strings.ToLower(name)
		if a, ok := index[key]; ok {
			a.raw = append(a.raw, raw...)
			return
		}
		a := &values{name: name, raw: append([][]byte(nil), raw...)}
		index[key] = a
		out = append(out, a)
	}
	for _, a := range e.Attributes {
		r, ok := parseRange(a.Name)
		if !ok {
			add(a.Name, a.Raw())
			continue
		}
		add(r.Base, a.Raw())
		for rounds := 0; !r.Last; rounds++ {
			if rounds >= maxRangeRounds {
				return fmt.Errorf("attribute %s of %s: the server kept returning ranges after %d requests; giving up", r.Base, e.DN, rounds)
			}
			next := r.High + 1
			name, values, err := fetch(ctx, e.DN, fmt.Sprintf("%s;range=%d-*", r.Base, next))
			if err != nil {
				return fmt.Errorf("read the rest of ranged attribute %s of %s (from value %d): %w", r.Base, e.DN, next, err)
			}
			if name == "" {
				// The attribute shrank or vanished between requests: what we
				// have is all there is.
				break
			}
			nr, ok := parseRange(name)
			if !ok {
				// The server sent the remainder without a range option.
				add(r.Base, values)
				break
			}
			if nr.Low != next {
				return fmt.Errorf("attribute %s of %s: asked for values from %d, the server answered range %d; the attribute changed while it was read, try again", r.Base, e.DN, next, nr.Low)
			}
			add(r.Base, values)
			r = nr
		}
	}
	e.Attributes = make([]Attribute, len(out))
	for i, a := range out {
		e.Attributes[i] = newAttribute(a.name, a.raw, nil)
	}
	return nil
}

// completeRanges fetches the rest of any ranged attribute of e from the
// server.
func (c *Conn) completeRanges(ctx context.Context, e *Entry) error {
	return reassembleRanges(ctx, e, c.fetchRange)
}

// fetchRange is the rangeFetcher talking to the server.
func (c *Conn) fetchRange(ctx context.Context, dn, request string) (string, [][]byte, error) {
	entries, err := c.searchAll(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{request}, nil))
	if err != nil {
		return "", nil, err
	}
	want := baseAttrName(request)
	for _, e := range entries {
		for _, a := range e.Attributes {
			if baseAttrName(a.Name) == want {
				return a.Name, a.Raw(), nil
			}
		}
	}
	return "", nil, nil
}
