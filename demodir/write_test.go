package demodir

import (
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

func newUser(dn, uid string) *goldap.AddRequest {
	a := goldap.NewAddRequest(dn, nil)
	a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "inetOrgPerson"})
	a.Attribute("cn", []string{"New " + uid})
	a.Attribute("sn", []string{uid})
	a.Attribute("uid", []string{uid})
	a.Attribute("mail", []string{uid + "@example.com"})
	return a
}

func TestWrites(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	dn := "uid=newbie,ou=platform,ou=engineering," + people
	if err := c.Add(newUser(dn, "newbie")); err != nil {
		t.Fatal(err)
	}
	e := search(t, c, dn, goldap.ScopeBaseObject, "(objectClass=*)", "*", "+")[0]
	if e.GetAttributeValue("entryUUID") == "" || e.GetAttributeValue("createTimestamp") == "" || e.GetAttributeValue("creatorsName") != "cn=admin,dc=example,dc=com" {
		t.Errorf("operational attributes of a new entry: %v", e.Attributes)
	}
	uuid := e.GetAttributeValue("entryUUID")
	wantCode(t, "add twice", c.Add(newUser(dn, "newbie")), goldap.LDAPResultEntryAlreadyExists)
	wantCode(t, "add under a missing parent", c.Add(newUser("uid=x,ou=nope,"+people, "x")), goldap.LDAPResultNoSuchObject)
	wantCode(t, "add outside the naming context", c.Add(newUser("uid=x,dc=other", "x")), goldap.LDAPResultNoSuchObject)

	// Modify: add, replace, delete values.
	m := goldap.NewModifyRequest(dn, nil)
	m.Add("telephoneNumber", []string{"+1 555 1234"})
	m.Replace("mail", []string{"newbie@example.org"})
	m.Delete("uid", []string{"newbie"})
	m.Add("uid", []string{"newbie"})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	e = search(t, c, dn, goldap.ScopeBaseObject, "(objectClass=*)", "mail", "telephoneNumber")[0]
	if e.GetAttributeValue("mail") != "newbie@example.org" || e.GetAttributeValue("telephoneNumber") != "+1 555 1234" {
		t.Errorf("after modify: %v", e.Attributes)
	}
	for _, tc := range []struct {
		what string
		mod  func(*goldap.ModifyRequest)
		want uint16
	}{
		{"unknown attribute", func(m *goldap.ModifyRequest) { m.Add("favouriteColour", []string{"blue"}) }, goldap.LDAPResultUndefinedAttributeType},
		{"attribute not allowed", func(m *goldap.ModifyRequest) { m.Add("member", []string{dn}) }, goldap.LDAPResultObjectClassViolation},
		{"remove a MUST attribute", func(m *goldap.ModifyRequest) { m.Delete("sn", nil) }, goldap.LDAPResultObjectClassViolation},
		{"two values, single-valued", func(m *goldap.ModifyRequest) { m.Add("displayName", []string{"a", "b"}) }, goldap.LDAPResultConstraintViolation},
		{"existing value", func(m *goldap.ModifyRequest) { m.Add("uid", []string{"NEWBIE"}) }, goldap.LDAPResultAttributeOrValueExists},
		{"missing value", func(m *goldap.ModifyRequest) { m.Delete("mail", []string{"nope@example.com"}) }, goldap.LDAPResultNoSuchAttribute},
		{"operational attribute", func(m *goldap.ModifyRequest) { m.Replace("entryUUID", []string{"x"}) }, goldap.LDAPResultConstraintViolation},
		{"memberOf is maintained", func(m *goldap.ModifyRequest) { m.Add("memberOf", []string{everyone}) }, goldap.LDAPResultConstraintViolation},
		{"RDN value", func(m *goldap.ModifyRequest) { m.Replace("uid", []string{"other"}) }, goldap.LDAPResultNamingViolation},
		{"unknown object class", func(m *goldap.ModifyRequest) { m.Add("objectClass", []string{"wizard"}) }, goldap.LDAPResultInvalidAttributeSyntax},
	} {
		m := goldap.NewModifyRequest(dn, nil)
		tc.mod(m)
		wantCode(t, "modify: "+tc.what, c.Modify(m), tc.want)
	}
	m = goldap.NewModifyRequest("uid=ghost,"+people, nil)
	m.Replace("mail", []string{"x@example.com"})
	err := c.Modify(m)
	wantCode(t, "modify a missing entry", err, goldap.LDAPResultNoSuchObject)
	if le, ok := err.(*goldap.Error); !ok || le.MatchedDN != people {
		t.Errorf("matchedDN of a missing entry: %v", err)
	}

	// Schema violations on add.
	bad := goldap.NewAddRequest("uid=bad,"+people, nil)
	bad.Attribute("objectClass", []string{"inetOrgPerson"})
	bad.Attribute("uid", []string{"bad"})
	bad.Attribute("cn", []string{"Bad"})
	wantCode(t, "add without sn", c.Add(bad), goldap.LDAPResultObjectClassViolation)
	noOC := goldap.NewAddRequest("uid=bad,"+people, nil)
	noOC.Attribute("uid", []string{"bad"})
	wantCode(t, "add without objectClass", c.Add(noOC), goldap.LDAPResultObjectClassViolation)
	noRDN := newUser("uid=rdnadded,"+people, "other")
	wantCode(t, "add without the RDN value (added by the server)", c.Add(noRDN), 0)
	unknown := newUser("uid=bad,"+people, "bad")
	unknown.Attribute("shoeSize", []string{"44"})
	wantCode(t, "add with an unknown attribute", c.Add(unknown), goldap.LDAPResultUndefinedAttributeType)

	// Rename and move keep the entryUUID; the group follows (refint).
	g := goldap.NewModifyRequest("cn=admins,"+groups, nil)
	g.Add("member", []string{dn})
	if err := c.Modify(g); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyDN(goldap.NewModifyDNRequest(dn, "uid=veteran", true, "ou=emea,ou=sales,"+people)); err != nil {
		t.Fatal(err)
	}
	moved := "uid=veteran,ou=emea,ou=sales," + people
	e = search(t, c, moved, goldap.ScopeBaseObject, "(objectClass=*)", "uid", "entryUUID", "memberOf")[0]
	if e.GetAttributeValue("entryUUID") != uuid || e.GetAttributeValue("uid") != "veteran" || !contains(e.GetAttributeValues("memberOf"), "cn=admins,"+groups) {
		t.Errorf("after modrdn: %v", e.Attributes)
	}
	ga := search(t, c, "cn=admins,"+groups, goldap.ScopeBaseObject, "(objectClass=*)", "member")[0]
	if !contains(ga.GetAttributeValues("member"), moved) || contains(ga.GetAttributeValues("member"), dn) {
		t.Errorf("admins members after the move: %v", ga.GetAttributeValues("member"))
	}
	wantCode(t, "modrdn onto an existing entry", c.ModifyDN(goldap.NewModifyDNRequest(moved, "cn=user1", false, "")), goldap.LDAPResultEntryAlreadyExists)
	wantCode(t, "modrdn of a missing entry", c.ModifyDN(goldap.NewModifyDNRequest("uid=ghost,"+people, "uid=g", true, "")), goldap.LDAPResultNoSuchObject)
	wantCode(t, "modrdn under a missing parent", c.ModifyDN(goldap.NewModifyDNRequest(moved, "uid=veteran", true, "ou=nope,"+people)), goldap.LDAPResultNoSuchObject)

	// A whole OU moves with its subtree.
	if err := c.ModifyDN(goldap.NewModifyDNRequest("ou=contractors,ou=frontend,ou=engineering,"+people, "ou=external", true, people)); err != nil {
		t.Fatal(err)
	}
	if n := len(search(t, c, "ou=external,"+people, goldap.ScopeWholeSubtree, "(objectClass=inetOrgPerson)", "1.1")); n != 18 {
		t.Errorf("%d users moved with the OU, want 18", n)
	}

	// Delete: leaves only; the group loses the member.
	wantCode(t, "delete a non-leaf", c.Del(goldap.NewDelRequest("ou=external,"+people, nil)), goldap.LDAPResultNotAllowedOnNonLeaf)
	if err := c.Del(goldap.NewDelRequest(moved, nil)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "delete twice", c.Del(goldap.NewDelRequest(moved, nil)), goldap.LDAPResultNoSuchObject)
	ga = search(t, c, "cn=admins,"+groups, goldap.ScopeBaseObject, "(objectClass=*)", "member")[0]
	if contains(ga.GetAttributeValues("member"), moved) {
		t.Error("deleted user is still a member of admins")
	}
}

func TestAccessControl(t *testing.T) {
	s := start(t, false)
	anon := dial(t, s)
	wantCode(t, "anonymous add", anon.Add(newUser("uid=x,"+people, "x")), goldap.LDAPResultStrongAuthRequired)
	wantCode(t, "anonymous delete", anon.Del(goldap.NewDelRequest("uid=tyamada,ou=data,ou=engineering,"+people, nil)), goldap.LDAPResultStrongAuthRequired)
	user := dial(t, s)
	if err := user.Bind("uid=lwisniewski,ou=platform,ou=engineering,"+people, UserPassword); err != nil {
		t.Fatal(err)
	}
	m := goldap.NewModifyRequest("cn=admins,"+groups, nil)
	m.Add("member", []string{"uid=lwisniewski,ou=platform,ou=engineering," + people})
	wantCode(t, "user modify", user.Modify(m), goldap.LDAPResultInsufficientAccessRights)
	wantCode(t, "wrong password", user.Bind("uid=lwisniewski,ou=platform,ou=engineering,"+people, "wrong"), goldap.LDAPResultInvalidCredentials)
	wantCode(t, "unknown user", user.Bind("uid=nobody,"+people, "x"), goldap.LDAPResultInvalidCredentials)
	wantCode(t, "wrong admin password", user.Bind(s.AdminDN(), "wrong"), goldap.LDAPResultInvalidCredentials)
	wantCode(t, "DN without password", user.UnauthenticatedBind(s.AdminDN()), goldap.LDAPResultUnwillingToPerform)
	wantCode(t, "malformed bind DN", user.Bind("not a dn", "x"), goldap.LDAPResultInvalidDNSyntax)
	// The service account binds.
	if err := user.Bind("cn=ldapwiz,ou=services,dc=example,dc=com", UserPassword); err != nil {
		t.Errorf("bind as the service account: %v", err)
	}
	// The non-ASCII DN with an escaped comma binds.
	if err := user.Bind(`cn=Doe\, John,ou=americas,ou=sales,`+people, UserPassword); err != nil {
		t.Errorf("bind as Doe, John: %v", err)
	}
}

func TestMemberOfMaintained(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	user := "cn=山田 太郎,ou=data,ou=engineering," + people
	memberOf := func() []string {
		return search(t, c, user, goldap.ScopeBaseObject, "(objectClass=*)", "memberOf")[0].GetAttributeValues("memberOf")
	}
	before := memberOf()
	if !contains(before, "cn=admins,"+groups) || !contains(before, "cn=data,ou=teams,"+groups) {
		t.Fatalf("memberOf of tyamada: %v", before)
	}
	// A new group naming the user.
	a := goldap.NewAddRequest("cn=newgroup,"+groups, nil)
	a.Attribute("objectClass", []string{"groupOfNames"})
	a.Attribute("cn", []string{"newgroup"})
	a.Attribute("member", []string{"CN=山田  太郎, OU=Data, OU=Engineering, OU=People, DC=Example, DC=Com"})
	if err := c.Add(a); err != nil {
		t.Fatal(err)
	}
	if !contains(memberOf(), "cn=newgroup,"+groups) {
		t.Errorf("memberOf after add: %v", memberOf())
	}
	// Removed from admins.
	m := goldap.NewModifyRequest("cn=admins,"+groups, nil)
	m.Delete("member", []string{user})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	if contains(memberOf(), "cn=admins,"+groups) {
		t.Errorf("memberOf after removal: %v", memberOf())
	}
	// Group renamed: memberOf follows.
	if err := c.ModifyDN(goldap.NewModifyDNRequest("cn=newgroup,"+groups, "cn=renamed", true, "")); err != nil {
		t.Fatal(err)
	}
	if got := memberOf(); !contains(got, "cn=renamed,"+groups) || contains(got, "cn=newgroup,"+groups) {
		t.Errorf("memberOf after group rename: %v", got)
	}
	// Group deleted.
	if err := c.Del(goldap.NewDelRequest("cn=renamed,"+groups, nil)); err != nil {
		t.Fatal(err)
	}
	if contains(memberOf(), "cn=renamed,"+groups) {
		t.Error("memberOf names a deleted group")
	}
	// A group's last member cannot be removed: groupOfNames requires one.
	m = goldap.NewModifyRequest("cn=legacy-app,"+groups, nil)
	m.Delete("member", nil)
	wantCode(t, "empty groupOfNames", c.Modify(m), goldap.LDAPResultObjectClassViolation)
}

func TestPasswordModify(t *testing.T) {
	s := start(t, false)
	c := admin(t, s)
	user := "cn=Zoë Ünal-Brontë,ou=emea,ou=sales," + people
	if _, err := c.PasswordModify(goldap.NewPasswordModifyRequest(user, "", "n3w-Secret")); err != nil {
		t.Fatal(err)
	}
	u := dial(t, s)
	wantCode(t, "old password", u.Bind(user, UserPassword), goldap.LDAPResultInvalidCredentials)
	if err := u.Bind(user, "n3w-Secret"); err != nil {
		t.Fatalf("bind with the new password: %v", err)
	}
	// Self change with the old password, then a generated one.
	if _, err := u.PasswordModify(goldap.NewPasswordModifyRequest("", "n3w-Secret", "third")); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "self change with a wrong old password", func() error {
		_, err := u.PasswordModify(goldap.NewPasswordModifyRequest("", "wrong", "fourth"))
		return err
	}(), goldap.LDAPResultInvalidCredentials)
	res, err := u.PasswordModify(goldap.NewPasswordModifyRequest("", "", ""))
	if err != nil || res.GeneratedPassword == "" {
		t.Fatalf("generated password: %v %v", res, err)
	}
	if err := dial(t, s).Bind(user, res.GeneratedPassword); err != nil {
		t.Errorf("bind with the generated password: %v", err)
	}
	_, err = u.PasswordModify(goldap.NewPasswordModifyRequest("uid=tyamada,ou=data,ou=engineering,"+people, "", "x"))
	wantCode(t, "change someone else's password", err, goldap.LDAPResultInsufficientAccessRights)
	_, err = c.PasswordModify(goldap.NewPasswordModifyRequest("uid=ghost,"+people, "", "x"))
	wantCode(t, "password of a missing entry", err, goldap.LDAPResultNoSuchObject)
	_, err = dial(t, s).PasswordModify(goldap.NewPasswordModifyRequest("", "", "x"))
	wantCode(t, "anonymous password change", err, goldap.LDAPResultUnwillingToPerform)
}
