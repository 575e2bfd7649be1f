package wizard

import (
	"fmt"
	"strings"

	"ldapwiz/ldap"
)

// RebaseOnNamingContext moves the users and groups search bases under the
// directory's naming context (on Active Directory its defaultNamingContext):
// a base's trailing dc= components, the preset's placeholder domain
// (dc=example,dc=com), are replaced by namingContext, keeping the RDNs in
// front ("cn=Users,dc=example,dc=com" becomes "cn=Users,DC=corp,DC=local").
// A base already at or under namingContext is left alone; an empty base, or
// one with no dc= suffix to replace, becomes namingContext itself. It
// returns the new settings and one line per changed setting ("users.search_base:
// old → new"); with nothing to change the settings come back as they were.
func RebaseOnNamingContext(s Settings, namingContext string) (Settings, []string) {
	nc := strings.TrimSpace(namingContext)
	if nc == "" {
		return s, nil
	}
	if _, err := ldap.ParseDN(nc); err != nil {
		return s, nil
	}
	var changed []string
	for _, b := range []struct {
		key string
		dn  *string
	}{{"users.search_base", &s.Users.SearchBase}, {"groups.search_base", &s.Groups.SearchBase}} {
		old := strings.TrimSpace(*b.dn)
		if old != "" && ldap.InSubtree(old, nc) {
			continue
		}
		nw := rebaseDN(old, nc)
		if nw == old {
			continue
		}
		*b.dn = nw
		from := old
		if from == "" {
			from = `""`
		}
		changed = append(changed, fmt.Sprintf("%s: %s → %s", b.key, from, nw))
	}
	return s, changed
}

// rebaseDN replaces the trailing dc= RDNs of dn by nc. DNs are parsed per
// RFC 4514, never split on commas by hand.
func rebaseDN(dn, nc string) string {
	if dn == "" {
		return nc
	}
	d, err := ldap.ParseDN(dn)
	if err != nil {
		return nc
	}
	keep := len(d.RDNs)
	for keep > 0 && len(d.RDNs[keep-1]) == 1 && strings.EqualFold(d.RDNs[keep-1][0].Type, "dc") {
		keep--
	}
	if keep == 0 || keep == len(d.RDNs) {
		return nc
	}
	return ldap.DN{RDNs: d.RDNs[:keep]}.String() + "," + nc
}

// HasPlaceholderBases reports whether the users and groups search bases are
// still exactly those of one of the presets (the placeholders under
// example.com a new configuration starts from): the wizard may then move
// them under the directory's naming context on its own after a connection
// test, since nobody has chosen them yet.
func HasPlaceholderBases(s Settings) bool {
	for _, p := range Presets() {
		ps, ok := Preset(p.Name)
		if !ok {
			continue
		}
		if sameDN(s.Users.SearchBase, ps.Users.SearchBase) && sameDN(s.Groups.SearchBase, ps.Groups.SearchBase) {
			return true
		}
	}
	return false
}

// sameDN compares two DNs per RFC 4514 (case, spaces, escapes).
func sameDN(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return a == b
	}
	return ldap.DNEqual(a, b)
}
