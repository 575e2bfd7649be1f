package demodir

import (
	"strconv"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

const (
	adPeople = "OU=People,DC=example,DC=test"
	adGroups = "OU=Groups,DC=example,DC=test"
)

func TestADFlavour(t *testing.T) {
	s := start(t, true)
	anon := dial(t, s)
	root := search(t, anon, "", goldap.ScopeBaseObject, "(objectClass=*)")[0]
	if !contains(root.GetAttributeValues("supportedCapabilities"), oidADCapability) || root.GetAttributeValue("defaultNamingContext") != ADBaseDN {
		t.Errorf("AD RootDSE: %v", root.Attributes)
	}
	_, err := anon.Search(goldap.NewSearchRequest(ADBaseDN, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=user)", nil, nil))
	wantCode(t, "anonymous search on AD", err, goldap.LDAPResultOperationsError)

	// Bind by DN, UPN and DOMAIN\user; AD's sub-codes on failure.
	for _, name := range []string{ADAdminDN, "Administrator@example.test", `EXAMPLE\Administrator`} {
		if err := dial(t, s).Bind(name, AdminPassword); err != nil {
			t.Errorf("bind as %s: %v", name, err)
		}
	}
	err = dial(t, s).Bind("Administrator@example.test", "wrong")
	wantCode(t, "wrong AD password", err, goldap.LDAPResultInvalidCredentials)
	if err == nil || !strings.Contains(err.Error(), "data 52e") {
		t.Errorf("wrong password message: %v", err)
	}
	c := admin(t, s)
	disabled := search(t, c, adPeople, goldap.ScopeWholeSubtree, "(&(objectClass=user)(userAccountControl:1.2.840.113556.1.4.803:=2))", "userPrincipalName", "userAccountControl")
	if len(disabled) < 4 {
		t.Fatalf("%d disabled users", len(disabled))
	}
	err = dial(t, s).Bind(disabled[0].GetAttributeValue("userPrincipalName"), UserPassword)
	if code(err) != goldap.LDAPResultInvalidCredentials || !strings.Contains(err.Error(), "data 533") {
		t.Errorf("disabled account bind: %v", err)
	}

	// Users carry the AD attributes; memberOf is a normal attribute.
	u := search(t, c, adPeople, goldap.ScopeWholeSubtree, "(sAMAccountName=tyamada)")[0]
	if len(u.GetRawAttributeValue("objectGUID")) != 16 || len(u.GetRawAttributeValue("objectSid")) != 28 ||
		u.GetAttributeValue("userAccountControl") != "512" || u.GetAttributeValue("userPrincipalName") != "tyamada@example.test" ||
		!contains(u.GetAttributeValues("memberOf"), "CN=admins,"+adGroups) || !contains(u.GetAttributeValues("objectClass"), "user") {
		t.Errorf("AD user: %v", u.Attributes)
	}
	if u.GetAttributeValue("unicodePwd") != "" {
		t.Error("unicodePwd is readable")
	}
	// Nested membership with the in-chain rule: engineering holds the teams.
	direct := search(t, c, adPeople, goldap.ScopeWholeSubtree, "(memberOf=CN=engineering,"+adGroups+")", "1.1")
	nested := search(t, c, adPeople, goldap.ScopeWholeSubtree, "(memberOf:1.2.840.113556.1.4.1941:=CN=engineering,"+adGroups+")", "1.1")
	if len(direct) != 1 || len(nested) < 150 {
		t.Errorf("engineering: %d direct, %d nested members", len(direct), len(nested))
	}
	// The 2,000-member group.
	g := search(t, c, "CN=everyone,"+adGroups, goldap.ScopeBaseObject, "(objectClass=group)", "member", "groupType", "objectGUID")[0]
	if len(g.GetAttributeValues("member")) != 2000 || g.GetAttributeValue("groupType") != "-2147483646" {
		t.Errorf("everyone: %d members, groupType %s", len(g.GetAttributeValues("member")), g.GetAttributeValue("groupType"))
	}
}

func TestADWrites(t *testing.T) {
	s := start(t, true)
	c := admin(t, s)
	dn := "CN=New Hire," + adPeople
	a := goldap.NewAddRequest(dn, nil)
	a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	a.Attribute("sAMAccountName", []string{"newhire"})
	a.Attribute("userPrincipalName", []string{"newhire@example.test"})
	if err := c.Add(a); err != nil {
		t.Fatal(err)
	}
	e := search(t, c, dn, goldap.ScopeBaseObject, "(objectClass=*)")[0]
	if e.GetAttributeValue("cn") != "New Hire" || len(e.GetRawAttributeValue("objectGUID")) != 16 ||
		e.GetAttributeValue("userAccountControl") != strconv.Itoa(uacDefaultNewUser) || e.GetAttributeValue("whenCreated") == "" {
		t.Errorf("new AD user: %v", e.Attributes)
	}
	// unicodePwd only over TLS.
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("unicodePwd", []string{encodeUnicodePwd("S3cret!")})
	m.Replace("userAccountControl", []string{"512"})
	wantCode(t, "unicodePwd over plain LDAP", c.Modify(m), goldap.LDAPResultUnwillingToPerform)
	tc := dial(t, s)
	if err := tc.StartTLS(tlsConfig(t, s)); err != nil {
		t.Fatal(err)
	}
	if err := tc.Bind("Administrator@example.test", AdminPassword); err != nil {
		t.Fatal(err)
	}
	if err := tc.Modify(m); err != nil {
		t.Fatalf("unicodePwd over StartTLS: %v", err)
	}
	if err := dial(t, s).Bind("newhire@example.test", "S3cret!"); err != nil {
		t.Errorf("bind with the password set through unicodePwd: %v", err)
	}
	// AD has no Password Modify extended operation.
	_, err := c.PasswordModify(goldap.NewPasswordModifyRequest(dn, "", "x"))
	wantCode(t, "password modify on AD", err, goldap.LDAPResultProtocolError)
}

// TestADSizeLimits checks AD's limits in the AD flavour, once the domain
// holds more than 1,000 entries: an unpaged search stops at 1,000 with
// sizeLimitExceeded even for the administrator (AD has no rootdn), and a
// paged search asking for pages of 5,000 gets pages of at most 1,000
// (MaxPageSize) yet reaches every entry.
func TestADSizeLimits(t *testing.T) {
	s := start(t, true)
	c := admin(t, s)
	for i := range 600 {
		a := goldap.NewAddRequest("OU=bulk"+strconv.Itoa(i)+","+ADBaseDN, nil)
		a.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if err := c.Add(a); err != nil {
			t.Fatalf("add OU %d: %v", i, err)
		}
	}
	res, err := c.Search(goldap.NewSearchRequest(ADBaseDN, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	wantCode(t, "unpaged search over more than 1,000 entries", err, goldap.LDAPResultSizeLimitExceeded)
	if res == nil || len(res.Entries) != adMaxPageSize {
		t.Errorf("the unpaged search returned %v entries, want %d", res, adMaxPageSize)
	}

	paging := goldap.NewControlPaging(5000)
	req := goldap.NewSearchRequest(ADBaseDN, goldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", []string{"1.1"}, []goldap.Control{paging})
	total, pages := 0, 0
	for {
		res, err := c.Search(req)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		total += len(res.Entries)
		if len(res.Entries) > adMaxPageSize {
			t.Errorf("page %d holds %d entries, more than MaxPageSize %d", pages, len(res.Entries), adMaxPageSize)
		}
		ctrl, _ := goldap.FindControl(res.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging)
		if ctrl == nil || len(ctrl.Cookie) == 0 {
			break
		}
		paging.SetCookie(ctrl.Cookie)
	}
	if pages < 2 || total < 1100 {
		t.Errorf("paged search: %d entries in %d pages, want all of more than 1,100 in at least two pages", total, pages)
	}
}
