package demodir

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

const (
	people   = "ou=people,dc=example,dc=com"
	groups   = "ou=groups,dc=example,dc=com"
	everyone = "cn=everyone,ou=groups,dc=example,dc=com"
)

func TestScopes(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	for _, tc := range []struct {
		base  string
		scope int
		want  int
	}{
		{people, goldap.ScopeBaseObject, 1},
		{people, goldap.ScopeSingleLevel, -1}, // checked below
		{"ou=engineering," + people, goldap.ScopeSingleLevel, 3},
		{"ou=frontend,ou=engineering," + people, goldap.ScopeSingleLevel, 1 + 70 + 1},
		{"ou=contractors,ou=frontend,ou=engineering," + people, goldap.ScopeWholeSubtree, 19},
	} {
		got := len(search(t, c, tc.base, tc.scope, "(objectClass=*)", "1.1"))
		if tc.scope == goldap.ScopeSingleLevel && tc.base == people {
			// Direct children of ou=people: five OUs plus the office users.
			office := len(search(t, c, people, goldap.ScopeSingleLevel, "(objectClass=inetOrgPerson)", "1.1"))
			if got != 5+office || office < 20 {
				t.Errorf("one level under %s: %d entries, %d of them users; want 5 OUs + the office users", tc.base, got, office)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("scope %d under %s: %d entries, want %d", tc.scope, tc.base, got, tc.want)
		}
	}
	// Subtree: a few hundred users, and base scope on a missing entry.
	users := search(t, c, s.BaseDN(), goldap.ScopeWholeSubtree, "(objectClass=inetOrgPerson)", "uid")
	if len(users) < 500 || len(users) > 700 {
		t.Errorf("%d users, want a few hundred", len(users))
	}
	_, err := c.Search(goldap.NewSearchRequest("ou=nowhere,"+people, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	wantCode(t, "search of a missing base", err, goldap.LDAPResultNoSuchObject)
	if le, ok := err.(*goldap.Error); ok && !strings.EqualFold(le.MatchedDN, people) {
		t.Errorf("matchedDN %q, want %q", le.MatchedDN, people)
	}
}

func TestFilterKinds(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	count := func(f string) int { return len(search(t, c, s.BaseDN(), goldap.ScopeWholeSubtree, f, "1.1")) }
	all := count("(objectClass=inetOrgPerson)")
	noMail := count("(&(objectClass=inetOrgPerson)(!(mail=*)))")
	for _, tc := range []struct {
		filter string
		want   func(n int) bool
	}{
		{"(uid=lwisniewski)", eq(1)},
		{"(UID=LWISNIEWSKI)", eq(1)},    // attribute names and values case-insensitive
		{"(userid=lwisniewski)", eq(1)}, // alias
		{"(cn=山田 太郎)", eq(1)},
		{"(cn=Zoë*)", eq(1)},
		{"(sn=*ski)", func(n int) bool { return n >= 1 }},
		{"(cn=*e*a*)", func(n int) bool { return n > 10 && n < all }},
		{"(mail=*)", eq(all - noMail)},
		{"(&(objectClass=inetOrgPerson)(mail=*))", eq(all - noMail)},
		{"(|(uid=zunal)(uid=tyamada)(uid=nobody))", eq(2)},
		{"(&(objectClass=inetOrgPerson)(!(uid=zunal)))", eq(all - 1)},
		{"(createTimestamp>=20200101000000Z)", func(n int) bool { return n > 0 && n < all }},
		{"(&(objectClass=inetOrgPerson)(createTimestamp<=20190306000000Z))", eq(1)},
		{"(employeeNumber>=10300)", eq(0)},                                  // no ORDERING rule: undefined, as on OpenLDAP
		{"(uid~=lwisnewsky)", eq(1)},                                        // phonetic, as OpenLDAP: both LWSN
		{"(telephoneNumber=+15550100)", func(n int) bool { return n >= 1 }}, // spaces ignored
		{"(uid=jdoe)", eq(2)},                                               // the same username twice
		{"(cn=Doe, John)", eq(1)},
		{"(employeeType=disabled)", func(n int) bool { return n >= 4 }},
		{"(memberOf=cn=admins,ou=groups,dc=example,dc=com)", eq(3)},
		{"(entryDN=uid=lwisniewski,ou=platform,ou=engineering,ou=people,dc=example,dc=com)", eq(1)},
		{"(uid:caseExactMatch:=lwisniewski)", eq(1)},
		{"(ou:dn:=engineering)", func(n int) bool { return n > 100 }},
		{"(nosuchattr=x)", eq(0)},
		{"(!(nosuchattr=x))", eq(0)}, // undefined stays undefined under NOT
	} {
		if n := count(tc.filter); !tc.want(n) {
			t.Errorf("%s: %d entries", tc.filter, n)
		}
	}
}

func eq(want int) func(int) bool { return func(n int) bool { return n == want } }

func TestAttributeSelection(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	dn := "uid=lwisniewski,ou=platform,ou=engineering," + people
	get := func(attrs ...string) *goldap.Entry {
		es := search(t, c, dn, goldap.ScopeBaseObject, "(objectClass=*)", attrs...)
		if len(es) != 1 {
			t.Fatalf("%d entries", len(es))
		}
		return es[0]
	}
	e := get()
	if e.GetAttributeValue("cn") != "Łukasz Wiśniewski" || e.GetAttributeValue("entryUUID") != "" || e.GetAttributeValue("memberOf") != "" {
		t.Errorf("default attributes: cn %q, entryUUID %q, memberOf %q", e.GetAttributeValue("cn"), e.GetAttributeValue("entryUUID"), e.GetAttributeValue("memberOf"))
	}
	e = get("+")
	for _, a := range []string{"entryUUID", "entryDN", "createTimestamp", "modifyTimestamp", "hasSubordinates", "subschemaSubentry", "memberOf", "structuralObjectClass"} {
		if e.GetAttributeValue(a) == "" {
			t.Errorf("+ lacks %s", a)
		}
	}
	if e.GetAttributeValue("cn") != "" {
		t.Error("+ returned user attributes")
	}
	e = get("MAIL", "memberof", "1.1")
	if len(e.Attributes) != 2 || len(e.GetAttributeValues("mail")) != 2 || len(e.GetAttributeValues("memberOf")) < 2 {
		t.Errorf("named attributes: %+v", e.Attributes)
	}
	if e := get("1.1"); len(e.Attributes) != 0 {
		t.Errorf("1.1 returned %d attributes", len(e.Attributes))
	}
	// userPassword is hidden from other users.
	if e := search(t, asUser(t, s), dn, goldap.ScopeBaseObject, "(objectClass=*)", "*")[0]; e.GetAttributeValue("userPassword") != "" || e.GetAttributeValue("cn") == "" {
		t.Errorf("another user sees userPassword, or not cn: %v", e.Attributes)
	}
	if get("userPassword").GetAttributeValue("userPassword") == "" {
		t.Error("administrator does not see userPassword")
	}
}

func TestPagingAndSizeLimit(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	// Unpaged: 500 entries, then sizeLimitExceeded; the administrator has no limit.
	if res, err := c.Search(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil)); err != nil || len(res.Entries) <= 500 {
		t.Errorf("administrator's unpaged search: %v", err)
	}
	res, err := asUser(t, s).Search(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	wantCode(t, "unpaged search over everything", err, goldap.LDAPResultSizeLimitExceeded)
	if res == nil || len(res.Entries) != unpagedSizeLimit {
		t.Errorf("unpaged search returned %d entries before the limit", len(res.Entries))
	}
	// A client size limit below 500.
	res, err = c.Search(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 7, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	wantCode(t, "size limit 7", err, goldap.LDAPResultSizeLimitExceeded)
	if res == nil || len(res.Entries) != 7 {
		t.Errorf("size limit 7 returned %v entries", res)
	}
	// Paged at 100: every user, each once.
	users := search(t, c, s.BaseDN(), goldap.ScopeWholeSubtree, "(objectClass=inetOrgPerson)", "1.1")
	pres, err := c.SearchWithPaging(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=inetOrgPerson)", []string{"uid"}, nil), 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range pres.Entries {
		seen[strings.ToLower(e.DN)] = true
	}
	if len(pres.Entries) != len(users) || len(seen) != len(users) {
		t.Errorf("paged: %d entries (%d distinct), want %d", len(pres.Entries), len(seen), len(users))
	}
	// The 2,000-member group, and everything (more than 500 entries, so
	// only a paged search returns it all).
	g := search(t, c, everyone, goldap.ScopeBaseObject, "(objectClass=*)", "member")
	if n := len(g[0].GetAttributeValues("member")); n != 2000 {
		t.Errorf("everyone has %d members, want 2000", n)
	}
	members := pagedCount(t, c, s.BaseDN(), "(memberOf="+everyone+")", 100)
	if members < 250 {
		t.Errorf("%d existing members of everyone", members)
	}
	// Manual paging: the cookie comes back and pages are 100 long.
	ctrl := goldap.NewControlPaging(100)
	req := goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=inetOrgPerson)", []string{"1.1"}, []goldap.Control{ctrl})
	r1, err := c.Search(req)
	if err != nil || len(r1.Entries) != 100 {
		t.Fatalf("first page: %v, %v", err, r1)
	}
	cookie := goldap.FindControl(r1.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging).Cookie
	if len(cookie) == 0 {
		t.Fatal("no cookie after the first page")
	}
	// Page size 0 abandons the paged search.
	ctrl.PagingSize, ctrl.Cookie = 0, cookie
	r2, err := c.Search(req)
	if err != nil || len(r2.Entries) != 0 {
		t.Errorf("abandon: %v, %d entries", err, len(r2.Entries))
	}
	// A forged cookie is refused.
	ctrl.PagingSize, ctrl.Cookie = 100, []byte("xx")
	_, err = c.Search(req)
	wantCode(t, "forged cookie", err, goldap.LDAPResultUnwillingToPerform)
}

// pagedCount counts the entries of a paged search page by page.
func pagedCount(t *testing.T, c *goldap.Conn, base, filter string, size uint32) int {
	t.Helper()
	ctrl := goldap.NewControlPaging(size)
	n := 0
	for {
		r, err := c.Search(goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, 0, 0, 0, false, filter, []string{"1.1"}, []goldap.Control{ctrl}))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Entries) > int(size) {
			t.Fatalf("page of %d entries, asked %d", len(r.Entries), size)
		}
		n += len(r.Entries)
		p := goldap.FindControl(r.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging)
		if len(p.Cookie) == 0 {
			return n
		}
		ctrl.SetCookie(p.Cookie)
	}
}

func TestRootDSEAndSchema(t *testing.T) {
	s := start(t, false)
	c := dial(t, s) // anonymous
	root := search(t, c, "", goldap.ScopeBaseObject, "(objectClass=*)", "+")[0]
	for attr, want := range map[string]string{
		"namingContexts":     "dc=example,dc=com",
		"supportedControl":   oidPagedResults,
		"supportedExtension": oidPasswordModify,
		"subschemaSubentry":  "cn=Subschema",
	} {
		if !contains(root.GetAttributeValues(attr), want) {
			t.Errorf("RootDSE %s = %v, want %s", attr, root.GetAttributeValues(attr), want)
		}
	}
	if !contains(root.GetAttributeValues("supportedExtension"), oidStartTLS) || root.GetAttributeValue("vendorName") == "" {
		t.Errorf("RootDSE: %v", root.Attributes)
	}
	sub := search(t, c, "cn=Subschema", goldap.ScopeBaseObject, "(objectClass=subschema)", "objectClasses", "attributeTypes")[0]
	if !containsPrefix(sub.GetAttributeValues("objectClasses"), "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson'") ||
		!containsPrefix(sub.GetAttributeValues("attributeTypes"), "( 1.3.6.1.1.16.4 NAME 'entryUUID'") {
		t.Errorf("subschema lacks inetOrgPerson or entryUUID: %d classes, %d types",
			len(sub.GetAttributeValues("objectClasses")), len(sub.GetAttributeValues("attributeTypes")))
	}
}

func contains(vals []string, want string) bool {
	for _, v := range vals {
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}

func containsPrefix(vals []string, prefix string) bool {
	for _, v := range vals {
		if strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}

func TestEveryEntryHasEntryUUID(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	ctrl := goldap.NewControlPaging(200)
	res, err := c.SearchWithPaging(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", []string{"entryUUID"}, []goldap.Control{ctrl}), 200)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range res.Entries {
		id := e.GetAttributeValue("entryUUID")
		if id == "" || ids[id] {
			t.Errorf("%s: entryUUID %q missing or duplicated", e.DN, id)
		}
		ids[id] = true
	}
}
