package syncer

import (
	"strings"

	"ldapwiz/store"
)

// A user entry created for a store user with an empty field may still
// need a value there: inetOrgPerson must have an sn, so a user without a
// last name gets sn=<username>. Such a placeholder is not data. The link's
// base records it under placeholderKey(field), beside the field's base
// value (the store's empty one), and the merge takes a directory value
// equal to it for "no change" while the store's value is empty. Any other
// directory value is data again, and so is a placeholder once the field's
// base is written without one.

// placeholderPrefix starts the base keys of placeholders.
const placeholderPrefix = "placeholder:"

// placeholderKey is the link base key of field f's placeholder.
func placeholderKey(f string) string { return placeholderPrefix + f }

// placeholderBase turns placeholders (field -> directory value) into base
// values.
func placeholderBase(ph map[string]string) store.Values {
	b := store.Values{}
	for f, v := range ph {
		b[placeholderKey(f)] = []string{v}
	}
	return b
}

// dropStalePlaceholders removes from base the placeholder of every field
// baseSet writes without one.
func dropStalePlaceholders(base, baseSet store.Values) {
	for k := range baseSet {
		if strings.HasPrefix(k, placeholderPrefix) {
			continue
		}
		if _, ok := baseSet[placeholderKey(k)]; !ok {
			delete(base, placeholderKey(k))
		}
	}
}

// placeholder returns the directory value of field f of p that is a
// placeholder rather than data, or "" when there is none: the one the
// link's base records; for a link written before placeholders were
// recorded, with an empty base value, the one a create would write now;
// for a pair not linked yet whose entry is at the DN a create would use
// (an interrupted run added it), the one that create would write.
func (pl *planner) placeholder(p *userPair, f string, storeVals map[string]string) string {
	if p.link != nil {
		if v, ok := baseValue(p.link.Base, placeholderKey(f)); ok {
			return v
		}
		if bv, ok := baseValue(p.link.Base, f); !ok || bv != "" {
			return ""
		}
	}
	dn := pl.createDN(storeVals)
	if p.link == nil && !pl.dns.equal(p.dir.DN, dn) {
		return ""
	}
	attrs, err := pl.cfg.userEntryAttrs(dn, storeVals)
	if err != nil {
		return ""
	}
	return pl.cfg.placeholders(attrs, storeVals)[f]
}
