package ldap

import (
	"fmt"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// ScopeFilter combines an object class and an optional extra filter (written
// with or without its outer parentheses) into the one LDAP filter that
// selects entries: "(&(objectClass=inetOrgPerson)(mail=*))". An empty class
// and no extra filter give "(objectClass=*)". The filter is returned even
// when the extra filter does not compile; the error then says why.
//
// Every search for "the users" or "the groups" builds its filter here, so
// the connection test, the live counts and the sync send the same one.
func ScopeFilter(objectClass, extra string) (string, error) {
	var parts []string
	if oc := strings.TrimSpace(objectClass); oc != "" {
		parts = append(parts, "(objectClass="+goldap.EscapeFilter(oc)+")")
	}
	var err error
	if x := strings.TrimSpace(extra); x != "" {
		x, _, err = compileFilterText(x)
		parts = append(parts, x)
	}
	switch len(parts) {
	case 0:
		return "(objectClass=*)", err
	case 1:
		return parts[0], err
	}
	return "(&" + strings.Join(parts, "") + ")", err
}

// FilterInParens returns a filter setting as it is compiled: trimmed, and
// with its outer parentheses added when it was written without them
// (added reports that); "" stays "".
func FilterInParens(filter string) (f string, added bool) {
	f = strings.TrimSpace(filter)
	if f != "" && !strings.HasPrefix(f, "(") {
		return "(" + f + ")", true
	}
	return f, false
}

// compileFilterText compiles a filter written with or without its outer
// parentheses: the filter with them, and its packet; the error says why the
// filter does not compile.
func compileFilterText(filter string) (string, *ber.Packet, error) {
	f, _ := FilterInParens(filter)
	p, err := CompileFilter(f)
	if err != nil {
		return f, nil, fmt.Errorf("%s is not a valid LDAP filter: %v", f, err)
	}
	return f, p, nil
}

// StableIDAttributes returns the attributes that identify an entry across
// renames and moves, in the order they are preferred: objectGUID (Active
// Directory), nsUniqueId (389 Directory Server), entryUUID (OpenLDAP and
// most servers). A server's own id comes first where it has one from the
// start: 389 DS gives every entry nsUniqueId, but entryUUID only to entries
// added over LDAP until its fix-up task adds it to the others, so
// preferring entryUUID would change an entry's id under its link. Ask for
// all three; a server returns what it has. The slice is new on every call.
func StableIDAttributes() []string {
	return []string{"objectGUID", "nsUniqueId", "entryUUID"}
}

// StableID returns the entry's stable identifier (the first of
// StableIDAttributes it carries), or "".
func (e *Entry) StableID() string {
	for _, a := range StableIDAttributes() {
		if v := e.First(a); v != "" {
			return v
		}
	}
	return ""
}

// StableIDs returns every stable identifier the entry carries, the
// preferred one (StableID) first. A link made with any of them still finds
// the entry after the directory adds another.
func (e *Entry) StableIDs() []string {
	var ids []string
	for _, a := range StableIDAttributes() {
		if v := e.First(a); v != "" {
			ids = append(ids, v)
		}
	}
	return ids
}
