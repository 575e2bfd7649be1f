package ldap_test

import (
	"sort"
	"strings"
	"testing"
	"unicode"

	"ldapwiz/demodir"
	"ldapwiz/ldap"
)

// filterCases are the two-server cases for search filters.
func filterCases() []twoServerCase {
	return []twoServerCase{
		{"filters of every kind match a full read", caseFilters},
		{"DN-valued filters match as DNs", caseDNFilters},
	}
}

// pred decides, from an entry read in full, whether a filter matches it.
type pred func(e *ldap.Entry) bool

// vals returns the entry's values of attr, lower-cased.
func vals(e *ldap.Entry, attr string) []string {
	var out []string
	for _, v := range e.Get(attr) {
		out = append(out, strings.ToLower(v))
	}
	return out
}

func eq(attr, value string) pred {
	return func(e *ldap.Entry) bool {
		for _, v := range vals(e, attr) {
			if v == strings.ToLower(value) {
				return true
			}
		}
		return false
	}
}

func present(attr string) pred { return func(e *ldap.Entry) bool { return e.Has(attr) } }

// substr matches initial*any*…*final, case-insensitively.
func substr(attr, initial string, final string, anys ...string) pred {
	return func(e *ldap.Entry) bool {
		for _, v := range vals(e, attr) {
			if !strings.HasPrefix(v, strings.ToLower(initial)) {
				continue
			}
			rest := v[len(initial):]
			ok := true
			for _, a := range anys {
				i := strings.Index(rest, strings.ToLower(a))
				if i < 0 {
					ok = false
					break
				}
				rest = rest[i+len(a):]
			}
			if ok && strings.HasSuffix(rest, strings.ToLower(final)) {
				return true
			}
		}
		return false
	}
}

// ordered compares values as lower-case strings (right for UUIDs and
// generalized times): sign +1 for >=, -1 for <=.
func ordered(attr, value string, sign int) pred {
	return func(e *ldap.Entry) bool {
		for _, v := range vals(e, attr) {
			if c := strings.Compare(v, strings.ToLower(value)); c == 0 || c == sign {
				return true
			}
		}
		return false
	}
}

// approx is OpenLDAP's approximate match, as the demo directory reproduces
// it; running the same expectation against slapd keeps that honest.
func approx(attr, value string) pred {
	return func(e *ldap.Entry) bool {
		for _, v := range e.Get(attr) {
			if demodir.ApproxMatch(v, value) {
				return true
			}
		}
		return false
	}
}

func and(ps ...pred) pred {
	return func(e *ldap.Entry) bool {
		for _, p := range ps {
			if !p(e) {
				return false
			}
		}
		return true
	}
}

func or(ps ...pred) pred {
	return func(e *ldap.Entry) bool {
		for _, p := range ps {
			if p(e) {
				return true
			}
		}
		return false
	}
}

func not(p pred) pred { return func(e *ldap.Entry) bool { return !p(e) } }

func none(*ldap.Entry) bool { return false }

func caseFilters(t *testing.T, s server) {
	c := dial(t, s.reader)
	all := readAll(t, c, s.people, "", "objectClass", "uid", "cn", "sn", "givenName", "mail", "entryUUID", "telephoneNumber")
	// A value in the middle for the ordering filters, from the data.
	var uuids []string
	for _, e := range all {
		uuids = append(uuids, strings.ToLower(e.First("entryUUID")))
	}
	sort.Strings(uuids)
	mid := uuids[len(uuids)/2]
	sch, err := c.Schema(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if at := sch.AttributeType("entryUUID"); at == nil || at.Ordering == "" {
		t.Fatalf("entryUUID has no ORDERING rule: %+v", at)
	}
	if at := sch.AttributeType("uid"); at == nil || at.Ordering != "" {
		t.Fatalf("uid has an ORDERING rule: %+v", at)
	}
	user := eq("objectClass", "inetOrgPerson")
	// A non-ASCII name from the data, asserted in upper case.
	var accented string
	for _, e := range all {
		if cn := e.First("cn"); strings.ContainsFunc(cn, func(r rune) bool { return r > 0x7f && unicode.IsUpper(unicode.ToUpper(r)) && unicode.ToUpper(r) != r }) {
			accented = cn
			break
		}
	}
	if accented == "" {
		t.Fatal("no non-ASCII lower-case letter in any cn")
	}
	cases := []struct {
		filter string
		want   pred
		some   bool // the data must give at least one match
	}{
		{"(objectClass=inetOrgPerson)", user, true},
		{"(OBJECTCLASS=INETORGPERSON)", user, true},
		{"(uid=jdoe)", eq("uid", "jdoe"), true},
		{"(UID=JDOE)", eq("uid", "jdoe"), true},
		{"(cn=" + ldap.EscapeFilter(s.escapedCN) + ")", eq("cn", s.escapedCN), true},
		{"(sn=S*)", substr("sn", "s", ""), true},
		{"(cn=*ar*)", substr("cn", "", "", "ar"), true},
		{"(mail=*@example.com)", substr("mail", "", "@example.com"), true},
		{"(cn=u*e*1)", substr("cn", "u", "1", "e"), true},
		{"(cn=*ł*)", substr("cn", "", "", "ł"), true},
		{"(cn=*Ł*)", substr("cn", "", "", "ł"), true},
		{"(cn=" + ldap.EscapeFilter(strings.ToUpper(accented)) + ")", eq("cn", accented), true},
		{"(cn=  " + ldap.EscapeFilter(strings.ReplaceAll(s.escapedCN, " ", "   ")) + " )", eq("cn", s.escapedCN), true},
		{"(mail=*)", present("mail"), true},
		{"(entryUUID=*)", present("entryUUID"), true},
		{"(telephoneNumber=*)(", nil, false}, // invalid, checked below
		{"(&(objectClass=inetOrgPerson)(mail=*)(sn=S*))", and(user, present("mail"), substr("sn", "s", "")), true},
		{"(|(uid=jdoe)(cn=user1)(sn=Z*))", or(eq("uid", "jdoe"), eq("cn", "user1"), substr("sn", "z", "")), true},
		{"(!(mail=*))", not(present("mail")), true},
		{"(&(objectClass=inetOrgPerson)(!(mail=*)))", and(user, not(present("mail"))), true},
		{"(!(|(objectClass=inetOrgPerson)(objectClass=organizationalUnit)))", not(or(user, eq("objectClass", "organizationalUnit"))), false},
		{"(entryUUID>=" + mid + ")", ordered("entryUUID", mid, 1), true},
		{"(entryUUID<=" + mid + ")", ordered("entryUUID", mid, -1), true},
		{"(&(entryUUID>=" + mid + ")(entryUUID<=" + mid + "))", eq("entryUUID", mid), true},
		// No ORDERING rule: the comparison is Undefined, and so is its negation.
		{"(uid>=m)", none, false},
		{"(!(uid>=m))", none, false},
		{"(|(uid>=m)(uid=jdoe))", eq("uid", "jdoe"), true},
		// Approximate match is OpenLDAP's: phonetic codes of words.
		{"(sn~=Walker)", approx("sn", "Walker"), true},
		{"(sn~=Wolker)", approx("sn", "Wolker"), true},
		{"(uid~=jdoe)", approx("uid", "jdoe"), true},
		{"(cn~=do jon)", approx("cn", "do jon"), true},
		{"(cn~=jon do)", approx("cn", "jon do"), false}, // words in order
		{"(cn~=" + ldap.EscapeFilter(s.escapedCN) + ")", approx("cn", s.escapedCN), true},
		{"(mail~=jon)", approx("mail", "jon"), true},
		{"(givenName~=Zoe)", approx("givenName", "Zoe"), true},
		{"(cn~=Lukasz)", approx("cn", "Lukasz"), false}, // Ł does not decompose: dropped
		{"(cn~=ukasz)", approx("cn", "ukasz"), true},
		{"(cn~=zoe)", approx("cn", "zoe"), true}, // ë decomposes: e
		// Without an approximate rule it is equality.
		{"(telephoneNumber~=+1 555 0100)", eq("telephoneNumber", "+1 555 0100"), false},
		// Unknown attributes match nothing (Undefined), also negated.
		{"(noSuchAttribute=x)", none, false},
		{"(!(noSuchAttribute=x))", none, false},
	}
	// More phonetic assertions, the quirks of metaphone included: slapd
	// checks the reproduction the demo directory uses.
	for _, w := range []string{"Smyth", "Jonson", "Thomas", "Brawn", "Klark", "Hughs", "Rite", "Knight", "Phillips", "Schmit",
		"Xavier", "Ghent", "Wrigley", "Whalen", "Aeron", "Gnome", "Chase", "Science", "Dodge", "Tiara", "Axel", "Bobb", "Nataša", "Ølund"} {
		cases = append(cases, struct {
			filter string
			want   pred
			some   bool
		}{"(|(sn~=" + w + ")(givenName~=" + w + "))", or(approx("sn", w), approx("givenName", w)), false})
	}
	for _, tc := range cases {
		if tc.want == nil {
			if err := c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: tc.filter}, func(*ldap.Entry) error { return nil }); err == nil {
				t.Errorf("filter %s: no error", tc.filter)
			}
			continue
		}
		var want []string
		for _, e := range all {
			if tc.want(e) {
				want = append(want, e.DN)
			}
		}
		if tc.some && len(want) == 0 {
			t.Errorf("filter %s: the data gives no match to compare with", tc.filter)
		}
		var got []string
		err := c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: tc.filter, Attributes: []string{"1.1"}}, func(e *ldap.Entry) error {
			got = append(got, e.DN)
			return nil
		})
		if err != nil {
			t.Errorf("filter %s: %v", tc.filter, err)
			continue
		}
		if diff := setDiff(dnSet(t, got), dnSet(t, want)); diff != "" {
			t.Errorf("filter %s: %d matches, %d expected from the full read%s", tc.filter, len(got), len(want), diff)
		}
	}
}

// setDiff describes how got differs from want (up to 5 each way).
func setDiff(got, want map[string]bool) string {
	var extra, missing []string
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	if len(extra)+len(missing) == 0 {
		return ""
	}
	sort.Strings(extra)
	sort.Strings(missing)
	return "\n  unexpected: " + strings.Join(extra[:min(5, len(extra))], "; ") + "\n  missing: " + strings.Join(missing[:min(5, len(missing))], "; ")
}

// loud rewrites a DN in upper case with spaces around separators: the same
// DN to a server that compares DNs per RFC 4517.
func loud(dn string) string {
	return strings.ToUpper(strings.NewReplacer(",ou=", " , OU = ", ",dc=", ", DC=").Replace(dn))
}

func caseDNFilters(t *testing.T, s server) {
	c := dial(t, s.reader)
	// Groups holding the escaped-comma user, from a full read.
	var want []string
	for _, g := range readAll(t, c, s.groups, "(objectClass=groupOfNames)", "member") {
		if hasDN(g.Get("member"), s.escapedDN) {
			want = append(want, g.DN)
		}
	}
	if len(want) == 0 {
		t.Fatalf("no group holds %s", s.escapedDN)
	}
	for _, f := range []string{equalityFilter("member", s.escapedDN), equalityFilter("member", loud(s.escapedDN))} {
		var got []string
		for _, e := range readAll(t, c, s.groups, f, "1.1") {
			got = append(got, e.DN)
		}
		if diff := setDiff(dnSet(t, got), dnSet(t, want)); diff != "" {
			t.Errorf("filter %s: %d groups, want %d%s", f, len(got), len(want), diff)
		}
	}
	// Members of the nested group by memberOf, the same way round.
	var members []string
	for _, e := range readAll(t, c, s.base, "(objectClass=*)", "memberOf") {
		if hasDN(e.Get("memberOf"), s.nestedGroup) {
			members = append(members, e.DN)
		}
	}
	if len(members) == 0 {
		t.Fatalf("nothing has memberOf %s", s.nestedGroup)
	}
	for _, f := range []string{equalityFilter("memberOf", s.nestedGroup), equalityFilter("memberOf", loud(s.nestedGroup))} {
		var got []string
		for _, e := range readAll(t, c, s.base, f, "1.1") {
			got = append(got, e.DN)
		}
		if diff := setDiff(dnSet(t, got), dnSet(t, members)); diff != "" {
			t.Errorf("filter %s: %d entries, want %d%s", f, len(got), len(members), diff)
		}
	}
	// A DN that does not parse is Undefined: nothing matches, no error.
	if got := readAll(t, c, s.groups, "(member=not a dn)", "1.1"); len(got) != 0 {
		t.Errorf("(member=not a dn) matched %d groups", len(got))
	}
}
