package ldap_test

import (
	"slices"
	"strings"
	"testing"

	"ldapwiz/ldap"
)

// accessCases are the two-server cases about binding and what a search
// returns: attribute selection, anonymous access, browsing edge cases.
func accessCases() []twoServerCase {
	return []twoServerCase{
		{"attribute selection", caseAttributeSelection},
		{"anonymous clients read only the rootdse", caseAnonymous},
		{"bind dn forms", caseBindForms},
		{"children edge cases", caseChildrenEdges},
		{"page size above the size limit", casePageAboveLimit},
	}
}

// attrNames returns the attribute names of the base entry dn for a search
// asking for attrs, as the server spelled them, sorted.
func attrNames(t *testing.T, c *ldap.Conn, dn string, attrs ...string) []string {
	t.Helper()
	var names []string
	err := c.Search(ctxFor(t), ldap.SearchRequest{Base: dn, Scope: ldap.ScopeBase, Attributes: attrs}, func(e *ldap.Entry) error {
		for _, a := range e.Attributes {
			names = append(names, a.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s %v: %v", dn, attrs, err)
	}
	slices.Sort(names)
	return names
}

func caseAttributeSelection(t *testing.T, s server) {
	c := dial(t, s.reader)
	dn := s.escapedDN
	// Aliases and odd case come back under the schema's primary name.
	if got := attrNames(t, c, dn, "SURNAME", "rfc822Mailbox", "UID", "entryuuid"); !slices.Equal(got, []string{"entryUUID", "mail", "sn", "uid"}) {
		t.Errorf("asked for aliases, got %v", got)
	}
	if got := attrNames(t, c, dn, "1.1"); len(got) != 0 {
		t.Errorf(`"1.1" returned %v`, got)
	}
	if got := attrNames(t, c, dn, "cn", "1.1"); !slices.Equal(got, []string{"cn"}) {
		t.Errorf(`"cn", "1.1" returned %v`, got)
	}
	if got := attrNames(t, c, dn, "noSuchAttribute", "sn"); !slices.Equal(got, []string{"sn"}) {
		t.Errorf("unknown attribute asked: %v", got)
	}
	user := attrNames(t, c, dn, "*")
	all := attrNames(t, c, dn)
	if !slices.Equal(user, all) {
		t.Errorf(`"*" gave %v, no list gave %v`, user, all)
	}
	for _, want := range []string{"objectClass", "cn", "sn", "uid", "mail"} {
		if !slices.Contains(user, want) {
			t.Errorf(`"*" lacks %s: %v`, want, user)
		}
	}
	// What ldapwiz relies on among the operational attributes, and that
	// "*" never carries them.
	op := attrNames(t, c, dn, "+")
	for _, want := range []string{"entryUUID", "entryDN", "createTimestamp", "modifyTimestamp", "creatorsName", "modifiersName",
		"structuralObjectClass", "subschemaSubentry", "hasSubordinates", "memberOf"} {
		if !slices.Contains(op, want) {
			t.Errorf(`"+" lacks %s: %v`, want, op)
		}
		if slices.Contains(user, want) {
			t.Errorf(`"*" carries operational %s`, want)
		}
	}
	for _, notOpenLDAP := range []string{"numSubordinates", "objectGUID", "distinguishedName"} {
		if slices.Contains(op, notOpenLDAP) || slices.Contains(user, notOpenLDAP) {
			t.Errorf("%s is not an OpenLDAP attribute: %v %v", notOpenLDAP, user, op)
		}
	}
	if slices.ContainsFunc(op, func(a string) bool { return slices.Contains(user, a) }) {
		t.Errorf(`"+" carries user attributes: %v`, op)
	}
	e := entry(t, c, dn)
	if e.First("structuralObjectClass") != "inetOrgPerson" || !ldap.DNEqual(e.First("entryDN"), dn) || !strings.EqualFold(e.First("hasSubordinates"), "FALSE") {
		t.Errorf("structuralObjectClass %q entryDN %q hasSubordinates %q", e.First("structuralObjectClass"), e.First("entryDN"), e.First("hasSubordinates"))
	}
}

func caseAnonymous(t *testing.T, s server) {
	anon := s.reader
	anon.BindDN, anon.BindPassword = "", ""
	c := dial(t, anon)
	if _, err := c.RootDSE(ctxFor(t)); err != nil {
		t.Errorf("anonymous RootDSE: %v", err)
	}
	if _, err := c.Schema(ctxFor(t)); err != nil {
		t.Errorf("anonymous schema: %v", err)
	}
	_, err := c.Count(ctxFor(t), s.people, "")
	wantCode(t, "anonymous search of the user base", err, 32)
	_, err = c.Entry(ctxFor(t), s.escapedDN)
	wantCode(t, "anonymous read of a user", err, 32)
}

func caseBindForms(t *testing.T, s server) {
	with := func(dn, pw string) error {
		cfg := s.admin
		cfg.BindDN, cfg.BindPassword = dn, pw
		c, err := ldap.Dial(ctxFor(t), cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	loudAdmin := strings.ToUpper(strings.ReplaceAll(s.admin.BindDN, ",", " , "))
	if err := with(loudAdmin, s.admin.BindPassword); err != nil {
		t.Errorf("bind as %q: %v", loudAdmin, err)
	}
	wantCode(t, "bind as a DN that does not exist", with("cn=nobody,"+s.base, "whatever"), 49)
	wantCode(t, "bind as a user with the wrong password", with(s.escapedDN, "whatever"), 49)
	wantCode(t, "bind as a group (no password)", with(s.nestedGroup, "whatever"), 49)
	err := with("not a dn", "whatever")
	wantCode(t, "bind with a DN that does not parse", err, 34)
	if d := ldap.Explain(err); d.Setting != "connection.bind_dn" {
		t.Errorf("explained as %+v", d)
	}
}

func caseChildrenEdges(t *testing.T, s server) {
	c := dial(t, s.reader)
	p, err := c.Children(ctxFor(t), s.escapedDN, 0, nil)
	if err != nil || len(p.Nodes) != 0 || p.Cookie != nil {
		t.Errorf("children of a leaf: %+v, %v", p, err)
	}
	_, err = c.Children(ctxFor(t), "ou=nowhere,"+s.people, 0, nil)
	wantCode(t, "children of a missing entry", err, 32)
	if !strings.Contains(err.Error(), "closest existing entry is "+s.people) {
		t.Errorf("children of a missing entry: %v", err)
	}
	p, err = c.Children(ctxFor(t), s.base, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range p.Nodes {
		switch {
		case !s.countsChildren && n.NumChildren != -1, n.HasChildren == ldap.TriUnknown:
			// OpenLDAP says whether an entry has children, never how many.
			t.Errorf("%s: NumChildren %d, HasChildren %s", n.DN, n.NumChildren, n.HasChildren)
		case s.countsChildren && (n.NumChildren < 0 || (n.NumChildren > 0) != (n.HasChildren == ldap.TriYes)):
			// 389 DS counts them; the count and the flag agree.
			t.Errorf("%s: NumChildren %d, HasChildren %s", n.DN, n.NumChildren, n.HasChildren)
		}
	}
	if !slices.ContainsFunc(p.Nodes, func(n ldap.Node) bool { return ldap.DNEqual(n.DN, s.people) && n.HasChildren == ldap.TriYes }) {
		t.Errorf("the base's children lack %s with children: %+v", s.people, p.Nodes)
	}
}

func casePageAboveLimit(t *testing.T, s server) {
	c := dial(t, s.reader)
	n := 0
	err := c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"1.1"}, PageSize: 2 * s.sizeLimit},
		func(*ldap.Entry) error { n++; return nil })
	if err != nil || n != s.users {
		t.Errorf("paged search, %d a page (the size limit is %d): %d entries, %v", 2*s.sizeLimit, s.sizeLimit, n, err)
	}
}
