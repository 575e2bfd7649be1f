package demodir

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
)

// target is a directory the conformance cases run against: the demo
// directory or a real OpenLDAP slapd.
type target struct {
	name              string
	url               string
	sizeLimit         int // for unpaged searches by users other than the administrator
	adminDN, adminPwd string
	caPEM             []byte
}

func (tg target) dial(t *testing.T) *goldap.Conn {
	t.Helper()
	c, err := goldap.DialURL(tg.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (tg target) admin(t *testing.T) *goldap.Conn {
	t.Helper()
	c := tg.dial(t)
	if err := c.Bind(tg.adminDN, tg.adminPwd); err != nil {
		t.Fatal(err)
	}
	return c
}

// conformanceCase is one behaviour both servers must share. scratch is an
// empty OU below dc=example,dc=com created for the case.
type conformanceCase struct {
	name string
	run  func(t *testing.T, tg target, scratch string)
}

// TestConformsToOpenLDAP runs one table of cases against the demo directory
// and against a real slapd, so the demo cannot drift from how OpenLDAP
// behaves: result codes, schema checks, memberOf, paging, size limits.
func TestConformsToOpenLDAP(t *testing.T) {
	demo := start(t, false)
	slapd := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true})
	ca, err := os.ReadFile(slapd.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	targets := []target{
		{name: "demo", sizeLimit: unpagedSizeLimit, url: demo.URL(), adminDN: demo.AdminDN(), adminPwd: demo.AdminPassword(), caPEM: demo.CAPEM()},
		{name: "slapd", sizeLimit: slapdtest.SizeLimit, url: slapd.URL, adminDN: slapd.AdminDN, adminPwd: slapd.AdminPassword, caPEM: ca},
	}
	for _, tg := range targets {
		for i, cc := range conformanceCases {
			t.Run(tg.name+"/"+cc.name, func(t *testing.T) {
				scratch := fmt.Sprintf("ou=case%d,dc=example,dc=com", i)
				a := goldap.NewAddRequest(scratch, nil)
				a.Attribute("objectClass", []string{"organizationalUnit"})
				a.Attribute("ou", []string{fmt.Sprintf("case%d", i)})
				if err := tg.admin(t).Add(a); err != nil {
					t.Fatalf("scratch OU: %v", err)
				}
				cc.run(t, tg, scratch)
			})
		}
	}
}

func person(dn, uid string) *goldap.AddRequest {
	a := goldap.NewAddRequest(dn, nil)
	a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "inetOrgPerson"})
	a.Attribute("cn", []string{"Person " + uid})
	a.Attribute("sn", []string{"Person"})
	a.Attribute("uid", []string{uid})
	a.Attribute("userPassword", []string{"pw-" + uid})
	return a
}

func mustAdd(t *testing.T, c *goldap.Conn, a *goldap.AddRequest) {
	t.Helper()
	if err := c.Add(a); err != nil {
		t.Fatalf("add %s: %v", a.DN, err)
	}
}

func modify(dn string, f func(m *goldap.ModifyRequest)) *goldap.ModifyRequest {
	m := goldap.NewModifyRequest(dn, nil)
	f(m)
	return m
}

var conformanceCases = []conformanceCase{
	{"add and its errors", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		mustAdd(t, c, person("uid=a,"+scratch, "a"))
		wantCode(t, "add twice", c.Add(person("uid=a,"+scratch, "a")), goldap.LDAPResultEntryAlreadyExists)
		err := c.Add(person("uid=a,ou=missing,"+scratch, "a"))
		wantCode(t, "missing parent", err, goldap.LDAPResultNoSuchObject)
		if le, ok := err.(*goldap.Error); ok && le.MatchedDN != scratch {
			t.Errorf("matchedDN %q, want %q", le.MatchedDN, scratch)
		}
		noSN := goldap.NewAddRequest("uid=b,"+scratch, nil)
		noSN.Attribute("objectClass", []string{"inetOrgPerson"})
		noSN.Attribute("cn", []string{"B"})
		noSN.Attribute("uid", []string{"b"})
		wantCode(t, "missing MUST attribute", c.Add(noSN), goldap.LDAPResultObjectClassViolation)
		unknown := person("uid=b,"+scratch, "b")
		unknown.Attribute("shoeSize", []string{"44"})
		wantCode(t, "unknown attribute", c.Add(unknown), goldap.LDAPResultUndefinedAttributeType)
		notAllowed := person("uid=b,"+scratch, "b")
		notAllowed.Attribute("member", []string{scratch})
		wantCode(t, "attribute not allowed", c.Add(notAllowed), goldap.LDAPResultObjectClassViolation)
		wantCode(t, "RDN value missing (the server adds it)", c.Add(person("uid=rdn,"+scratch, "other")), 0)
		if uids := searchOne(t, c, "uid=rdn,"+scratch, "uid").GetAttributeValues("uid"); len(uids) != 2 {
			t.Errorf("uid after an add without the RDN value: %v", uids)
		}
		badOC := person("uid=b,"+scratch, "b")
		badOC.Attribute("objectClass", []string{"noSuchClass"})
		wantCode(t, "unknown object class", c.Add(badOC), goldap.LDAPResultInvalidAttributeSyntax)
		noOC := goldap.NewAddRequest("uid=b,"+scratch, nil)
		noOC.Attribute("uid", []string{"b"})
		wantCode(t, "no objectClass", c.Add(noOC), goldap.LDAPResultObjectClassViolation)
		wantCode(t, "anonymous add", tg.dial(t).Add(person("uid=c,"+scratch, "c")), goldap.LDAPResultStrongAuthRequired)
	}},
	{"modify and its errors", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		dn := "uid=m,\u0020" + scratch
		mustAdd(t, c, person(dn, "m"))
		if err := c.Modify(modify(dn, func(m *goldap.ModifyRequest) {
			m.Add("mail", []string{"m@example.com", "m2@example.com"})
			m.Replace("telephoneNumber", []string{"+1 555 0100"})
			m.Delete("mail", []string{"M2@EXAMPLE.COM"})
		})); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			what string
			f    func(m *goldap.ModifyRequest)
			want uint16
		}{
			{"existing value", func(m *goldap.ModifyRequest) { m.Add("mail", []string{"M@example.com"}) }, goldap.LDAPResultAttributeOrValueExists},
			{"missing value", func(m *goldap.ModifyRequest) { m.Delete("mail", []string{"x@example.com"}) }, goldap.LDAPResultNoSuchAttribute},
			{"missing attribute", func(m *goldap.ModifyRequest) { m.Delete("roomNumber", nil) }, goldap.LDAPResultNoSuchAttribute},
			{"unknown attribute", func(m *goldap.ModifyRequest) { m.Add("shoeSize", []string{"44"}) }, goldap.LDAPResultUndefinedAttributeType},
			{"not allowed", func(m *goldap.ModifyRequest) { m.Add("member", []string{dn}) }, goldap.LDAPResultObjectClassViolation},
			{"MUST removed", func(m *goldap.ModifyRequest) { m.Delete("sn", nil) }, goldap.LDAPResultObjectClassViolation},
			{"single-valued", func(m *goldap.ModifyRequest) { m.Add("displayName", []string{"x", "y"}) }, goldap.LDAPResultConstraintViolation},
			{"operational", func(m *goldap.ModifyRequest) {
				m.Replace("entryUUID", []string{"00000000-0000-4000-8000-000000000000"})
			}, goldap.LDAPResultConstraintViolation},
			{"RDN value", func(m *goldap.ModifyRequest) { m.Delete("uid", []string{"m"}) }, goldap.LDAPResultNamingViolation},
		} {
			wantCode(t, tc.what, c.Modify(modify(dn, tc.f)), tc.want)
		}
		wantCode(t, "missing entry", c.Modify(modify("uid=x,"+scratch, func(m *goldap.ModifyRequest) { m.Replace("mail", []string{"a@b"}) })), goldap.LDAPResultNoSuchObject)
		e := searchOne(t, c, dn, "mail", "telephoneNumber")
		if e.GetAttributeValue("mail") != "m@example.com" || len(e.GetAttributeValues("mail")) != 1 || e.GetAttributeValue("telephoneNumber") != "+1 555 0100" {
			t.Errorf("after modify: %v", e.Attributes)
		}
	}},
	{"delete and modrdn", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		ou := "ou=sub," + scratch
		sub := goldap.NewAddRequest(ou, nil)
		sub.Attribute("objectClass", []string{"organizationalUnit"})
		sub.Attribute("ou", []string{"sub"})
		mustAdd(t, c, sub)
		mustAdd(t, c, person("uid=p,"+ou, "p"))
		mustAdd(t, c, person("uid=q,"+scratch, "q"))
		uuid := searchOne(t, c, "uid=p,"+ou, "entryUUID").GetAttributeValue("entryUUID")
		wantCode(t, "delete non-leaf", c.Del(goldap.NewDelRequest(ou, nil)), goldap.LDAPResultNotAllowedOnNonLeaf)
		wantCode(t, "delete missing", c.Del(goldap.NewDelRequest("uid=zz,"+scratch, nil)), goldap.LDAPResultNoSuchObject)
		wantCode(t, "rename onto existing", c.ModifyDN(goldap.NewModifyDNRequest("uid=p,"+ou, "uid=q", false, scratch)), goldap.LDAPResultEntryAlreadyExists)
		wantCode(t, "move under missing", c.ModifyDN(goldap.NewModifyDNRequest("uid=p,"+ou, "uid=p", false, "ou=nope,"+scratch)), goldap.LDAPResultNoSuchObject)
		if err := c.ModifyDN(goldap.NewModifyDNRequest("uid=p,"+ou, "uid=p2", true, scratch)); err != nil {
			t.Fatal(err)
		}
		e := searchOne(t, c, "uid=p2,"+scratch, "entryUUID", "uid")
		if e.GetAttributeValue("entryUUID") != uuid || len(e.GetAttributeValues("uid")) != 1 || e.GetAttributeValue("uid") != "p2" {
			t.Errorf("after modrdn: %v", e.Attributes)
		}
		if err := c.ModifyDN(goldap.NewModifyDNRequest("uid=q,"+scratch, "uid=q2", false, "")); err != nil {
			t.Fatal(err)
		}
		if e := searchOne(t, c, "uid=q2,"+scratch, "uid"); len(e.GetAttributeValues("uid")) != 2 {
			t.Errorf("modrdn without deleteoldrdn: uid %v", e.GetAttributeValues("uid"))
		}
		if err := c.Del(goldap.NewDelRequest("uid=q2,"+scratch, nil)); err != nil {
			t.Fatal(err)
		}
	}},
	{"memberOf and refint", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		u1, u2 := "uid=u1,"+scratch, "uid=u2,"+scratch
		mustAdd(t, c, person(u1, "u1"))
		mustAdd(t, c, person(u2, "u2"))
		g := goldap.NewAddRequest("cn=g,"+scratch, nil)
		g.Attribute("objectClass", []string{"groupOfNames"})
		g.Attribute("cn", []string{"g"})
		g.Attribute("member", []string{u1, u2})
		mustAdd(t, c, g)
		if got := searchOne(t, c, u1, "memberOf").GetAttributeValues("memberOf"); len(got) != 1 || !goldapDNEqual(got[0], "cn=g,"+scratch) {
			t.Errorf("memberOf of u1: %v", got)
		}
		if got := searchOne(t, c, u1).GetAttributeValues("memberOf"); len(got) != 0 {
			t.Errorf("memberOf returned without being asked: %v", got)
		}
		if err := c.ModifyDN(goldap.NewModifyDNRequest(u2, "uid=u2b", true, "")); err != nil {
			t.Fatal(err)
		}
		if err := c.Del(goldap.NewDelRequest(u1, nil)); err != nil {
			t.Fatal(err)
		}
		members := searchOne(t, c, "cn=g,"+scratch, "member").GetAttributeValues("member")
		if len(members) != 1 || !goldapDNEqual(members[0], "uid=u2b,"+scratch) {
			t.Errorf("members after rename and delete: %v", members)
		}
		if got := searchOne(t, c, "uid=u2b,"+scratch, "memberOf").GetAttributeValues("memberOf"); len(got) != 1 {
			t.Errorf("memberOf after rename: %v", got)
		}
	}},
	{"bind and password modify", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		dn := "uid=pw," + scratch
		mustAdd(t, c, person(dn, "pw"))
		u := tg.dial(t)
		if err := u.Bind(dn, "pw-pw"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "wrong password", tg.dial(t).Bind(dn, "nope"), goldap.LDAPResultInvalidCredentials)
		wantCode(t, "unknown DN", tg.dial(t).Bind("uid=ghost,"+scratch, "nope"), goldap.LDAPResultInvalidCredentials)
		if _, err := c.PasswordModify(goldap.NewPasswordModifyRequest(dn, "", "new-pw")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "old password after change", tg.dial(t).Bind(dn, "pw-pw"), goldap.LDAPResultInvalidCredentials)
		if err := tg.dial(t).Bind(dn, "new-pw"); err != nil {
			t.Errorf("bind with the new password: %v", err)
		}
		res, err := u.PasswordModify(goldap.NewPasswordModifyRequest("", "", ""))
		if err != nil || res.GeneratedPassword == "" {
			t.Fatalf("self change with a generated password: %v", err)
		}
		if err := tg.dial(t).Bind(dn, res.GeneratedPassword); err != nil {
			t.Errorf("bind with the generated password: %v", err)
		}
		wantCode(t, "user writes", u.Modify(modify(dn, func(m *goldap.ModifyRequest) { m.Replace("sn", []string{"X"}) })), goldap.LDAPResultInsufficientAccessRights)
	}},
	{"search filters and scopes", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		for i, name := range []string{"Zoë Ünal", "Łukasz Nowak", "Anna Smith", "Ann Smyth"} {
			a := person(fmt.Sprintf("uid=f%d,%s", i, scratch), fmt.Sprintf("f%d", i))
			a.Attributes[1].Vals = []string{name}
			if i%2 == 0 {
				a.Attribute("mail", []string{fmt.Sprintf("F%d@Example.com", i)})
			}
			mustAdd(t, c, a)
		}
		for filter, want := range map[string]int{
			"(uid=F1)":                           1,
			"(CN=zoë ünal)":                      1,
			"(cn=*Smith)":                        1,
			"(cn=Ann*)":                          2,
			"(cn=*u*a*)":                         1,
			"(mail=*)":                           2,
			"(mail=f0@example.COM)":              1,
			"(!(mail=*))":                        3, // the OU itself too
			"(&(objectClass=person)(!(mail=*)))": 2,
			"(|(uid=f0)(uid=f3)(uid=none))":      2,
			"(createTimestamp>=20000101000000Z)": 5,
			"(createTimestamp<=20000101000000Z)": 0,
			"(uid>=f2)":                          0, // no ORDERING rule for uid
			"(shoeSize=44)":                      0,
			"(!(shoeSize=44))":                   0,
			"(uid:caseExactMatch:=f1)":           1,
		} {
			if n := len(searchAll(t, c, scratch, goldap.ScopeWholeSubtree, filter)); n != want {
				t.Errorf("%s: %d entries, want %d", filter, n, want)
			}
		}
		if n := len(searchAll(t, c, scratch, goldap.ScopeSingleLevel, "(objectClass=*)")); n != 4 {
			t.Errorf("one level: %d", n)
		}
		if n := len(searchAll(t, c, scratch, goldap.ScopeBaseObject, "(objectClass=*)")); n != 1 {
			t.Errorf("base: %d", n)
		}
		_, err := c.Search(goldap.NewSearchRequest("ou=nope,"+scratch, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		wantCode(t, "missing base", err, goldap.LDAPResultNoSuchObject)
		ok, err := c.Compare("uid=f1,"+scratch, "cn", "łukasz nowak")
		if err != nil || !ok {
			t.Errorf("compare: %v %v", ok, err)
		}
	}},
	{"paging and size limit", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		for i := 0; i < 520; i++ {
			a := goldap.NewAddRequest(fmt.Sprintf("cn=e%d,%s", i, scratch), nil)
			a.Attribute("objectClass", []string{"organizationalRole"})
			a.Attribute("cn", []string{fmt.Sprintf("e%d", i)})
			mustAdd(t, c, a)
		}
		if n := pagedCount(t, c, scratch, "(objectClass=organizationalRole)", 100); n != 520 {
			t.Errorf("paged: %d", n)
		}
		res, err := c.Search(goldap.NewSearchRequest(scratch, goldap.ScopeWholeSubtree, 0, 10, 0, false, "(objectClass=organizationalRole)", []string{"1.1"}, nil))
		wantCode(t, "client size limit", err, goldap.LDAPResultSizeLimitExceeded)
		if res == nil || len(res.Entries) != 10 {
			t.Errorf("client size limit returned %d entries", len(res.Entries))
		}
		// Ordinary users are held to the server's limit; the administrator
		// (OpenLDAP's rootdn) is not.
		mustAdd(t, c, person("uid=reader,"+scratch, "reader"))
		u := tg.dial(t)
		if err := u.Bind("uid=reader,"+scratch, "pw-reader"); err != nil {
			t.Fatal(err)
		}
		res, err = u.Search(goldap.NewSearchRequest(scratch, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=organizationalRole)", []string{"1.1"}, nil))
		wantCode(t, "server size limit", err, goldap.LDAPResultSizeLimitExceeded)
		if res == nil || len(res.Entries) != tg.sizeLimit {
			t.Errorf("server size limit returned %d entries", len(res.Entries))
		}
		res, err = c.Search(goldap.NewSearchRequest(scratch, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=organizationalRole)", []string{"1.1"}, nil))
		if err != nil || len(res.Entries) != 520 {
			t.Errorf("administrator's unpaged search: %v", err)
		}
		if n := pagedCount(t, u, scratch, "(objectClass=organizationalRole)", 200); n != 520 {
			t.Errorf("user's paged search: %d", n)
		}
	}},
	{"controls, RootDSE, schema, TLS", func(t *testing.T, tg target, scratch string) {
		c := tg.admin(t)
		crit := goldap.NewControlString("1.2.3.4.5.6.7.8", true, "")
		_, err := c.Search(goldap.NewSearchRequest(scratch, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []goldap.Control{crit}))
		wantCode(t, "unknown critical control", err, goldap.LDAPResultUnavailableCriticalExtension)
		_, err = c.Extended(goldap.NewExtendedRequest("1.2.3.4.5.6.7.8", nil))
		wantCode(t, "unknown extended operation", err, goldap.LDAPResultProtocolError)
		anon := tg.dial(t)
		root := searchOne(t, anon, "", "namingContexts", "supportedControl", "supportedExtension", "subschemaSubentry")
		if !contains(root.GetAttributeValues("supportedControl"), oidPagedResults) ||
			!contains(root.GetAttributeValues("supportedExtension"), oidPasswordModify) ||
			!contains(root.GetAttributeValues("supportedExtension"), oidStartTLS) ||
			!contains(root.GetAttributeValues("namingContexts"), "dc=example,dc=com") ||
			root.GetAttributeValue("subschemaSubentry") != "cn=Subschema" {
			t.Errorf("RootDSE: %v", root.Attributes)
		}
		if r := searchOne(t, anon, ""); len(r.GetAttributeValues("namingContexts")) != 0 {
			t.Error("RootDSE returns operational attributes without being asked")
		}
		sub := searchOne(t, anon, "cn=Subschema", "objectClasses", "attributeTypes")
		if !containsPrefix(sub.GetAttributeValues("objectClasses"), "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson'") ||
			!containsPrefix(sub.GetAttributeValues("attributeTypes"), "( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' )") {
			t.Error("subschema lacks inetOrgPerson or uid")
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(tg.caPEM)
		tc := tg.dial(t)
		if err := tc.StartTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
			t.Errorf("StartTLS: %v", err)
		}
		// Anonymous clients see nothing of the tree.
		_, err = anon.Search(goldap.NewSearchRequest(scratch, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		wantCode(t, "anonymous search", err, goldap.LDAPResultNoSuchObject)
	}},
}

func searchAll(t *testing.T, c *goldap.Conn, base string, scope int, filter string, attrs ...string) []*goldap.Entry {
	t.Helper()
	res, err := c.Search(goldap.NewSearchRequest(base, scope, 0, 0, 0, false, filter, attrs, nil))
	if err != nil {
		t.Fatalf("search %s %s: %v", base, filter, err)
	}
	return res.Entries
}

func searchOne(t *testing.T, c *goldap.Conn, dn string, attrs ...string) *goldap.Entry {
	t.Helper()
	es := searchAll(t, c, dn, goldap.ScopeBaseObject, "(objectClass=*)", attrs...)
	if len(es) != 1 {
		t.Fatalf("%s: %d entries", dn, len(es))
	}
	return es[0]
}

func goldapDNEqual(a, b string) bool {
	x, err1 := goldap.ParseDN(a)
	y, err2 := goldap.ParseDN(b)
	return err1 == nil && err2 == nil && x.EqualFold(y)
}
