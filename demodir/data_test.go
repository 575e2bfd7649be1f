package demodir

import (
	"regexp"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

// TestDemoDataIsUntidy checks, for both flavours, each trait issue 4 asks
// of the demo data: OUs three deep, the same RDN in two OUs, an escaped
// comma in an RDN, non-ASCII names, users without mail, disabled accounts,
// a nested group, a group of 2,000 members and a few hundred users.
func TestDemoDataIsUntidy(t *testing.T) {
	for _, ad := range []bool{false, true} {
		name := "OpenLDAP"
		userClass, groupClass, disabledFilter := "inetOrgPerson", "groupOfNames", "(employeeType=disabled)"
		if ad {
			name = "AD"
			userClass, groupClass, disabledFilter = "user", "group", "(userAccountControl:1.2.840.113556.1.4.803:=2)"
		}
		t.Run(name, func(t *testing.T) {
			s := start(t, ad)
			c := admin(t, s)
			base := s.BaseDN()
			users := search(t, c, base, goldap.ScopeWholeSubtree, "(objectClass="+userClass+")", "cn", "mail")
			if len(users) < 200 || len(users) > 1000 {
				t.Errorf("%d users, want a few hundred", len(users))
			}
			rdns := map[string][]string{}
			deepest, noMail, nonASCII := 0, 0, 0
			escapedComma := ""
			for _, u := range users {
				dn, err := goldap.ParseDN(u.DN)
				if err != nil {
					t.Fatalf("%q: %v", u.DN, err)
				}
				ous := 0
				for _, r := range dn.RDNs {
					if strings.EqualFold(r.Attributes[0].Type, "ou") {
						ous++
					}
				}
				deepest = max(deepest, ous)
				rdn := strings.ToLower(dn.RDNs[0].String())
				rdns[rdn] = append(rdns[rdn], u.DN)
				if strings.Contains(dn.RDNs[0].Attributes[0].Value, ",") {
					escapedComma = u.DN
				}
				if len(u.GetAttributeValues("mail")) == 0 {
					noMail++
				}
				for _, r := range u.GetAttributeValue("cn") {
					if r > 127 {
						nonASCII++
						break
					}
				}
			}
			// ou=people plus three levels below it.
			if deepest < 4 {
				t.Errorf("users sit at most %d OUs deep, want ou=people and three below", deepest)
			}
			if dup := rdns["cn=user1"]; len(dup) != 2 {
				t.Errorf("cn=user1 is the RDN of %v, want two entries in different OUs", dup)
			}
			if !strings.Contains(escapedComma, `\,`) {
				t.Errorf("no RDN with an escaped comma (found %q)", escapedComma)
			}
			if nonASCII < 5 {
				t.Errorf("%d users with a non-ASCII cn", nonASCII)
			}
			if noMail < 20 {
				t.Errorf("%d users without mail", noMail)
			}
			if n := len(search(t, c, base, goldap.ScopeWholeSubtree, "(&(objectClass="+userClass+")"+disabledFilter+")", "1.1")); n < 4 {
				t.Errorf("%d disabled accounts", n)
			}
			groups := search(t, c, base, goldap.ScopeWholeSubtree, "(objectClass="+groupClass+")", "member")
			isGroup := map[string]bool{}
			for _, g := range groups {
				isGroup[strings.ToLower(g.DN)] = true
			}
			nested, biggest := 0, 0
			for _, g := range groups {
				ms := g.GetAttributeValues("member")
				biggest = max(biggest, len(ms))
				for _, m := range ms {
					if isGroup[strings.ToLower(m)] {
						nested++
					}
				}
			}
			if nested == 0 {
				t.Error("no group has a group as a member")
			}
			if biggest != 2000 {
				t.Errorf("the largest group has %d members, want 2,000", biggest)
			}
		})
	}
}

// schemaNames matches the NAME of a schema description: 'x' or ( 'x' 'y' ).
var schemaNames = regexp.MustCompile(`NAME (?:'([^']+)'|\(([^)]*)\))`)

// TestSchemaCoversTheData checks, for both flavours, that the subschema
// subentry publishes every object class and every attribute type that the
// demo entries use (the RootDSE's own attributes aside), so a client that
// builds its attribute list from the schema sees everything the data holds.
func TestSchemaCoversTheData(t *testing.T) {
	for _, ad := range []bool{false, true} {
		name := "OpenLDAP"
		if ad {
			name = "AD"
		}
		t.Run(name, func(t *testing.T) {
			s := start(t, ad)
			c := admin(t, s)
			root := search(t, c, "", goldap.ScopeBaseObject, "(objectClass=*)", "subschemaSubentry")
			sub := search(t, c, root[0].GetAttributeValue("subschemaSubentry"), goldap.ScopeBaseObject, "(objectClass=*)", "objectClasses", "attributeTypes")
			defined := func(descs []string) map[string]bool {
				out := map[string]bool{}
				for _, d := range descs {
					m := schemaNames.FindStringSubmatch(d)
					if m == nil {
						t.Errorf("schema description without NAME: %.80s", d)
						continue
					}
					for _, n := range strings.Fields(m[1] + " " + m[2]) {
						out[strings.ToLower(strings.Trim(n, "'"))] = true
					}
				}
				return out
			}
			classes := defined(sub[0].GetAttributeValues("objectClasses"))
			types := defined(sub[0].GetAttributeValues("attributeTypes"))
			if len(classes) < 5 || len(types) < 20 {
				t.Fatalf("the subschema publishes %d classes and %d attribute types", len(classes), len(types))
			}
			missingType, missingClass := map[string]string{}, map[string]string{}
			for _, e := range search(t, c, s.BaseDN(), goldap.ScopeWholeSubtree, "(objectClass=*)", "*", "+") {
				for _, a := range e.Attributes {
					if !types[strings.ToLower(a.Name)] {
						missingType[a.Name] = e.DN
					}
				}
				for _, oc := range e.GetAttributeValues("objectClass") {
					if !classes[strings.ToLower(oc)] {
						missingClass[oc] = e.DN
					}
				}
			}
			for n, dn := range missingType {
				t.Errorf("attribute %s (on %s) is not in the published schema", n, dn)
			}
			for n, dn := range missingClass {
				t.Errorf("object class %s (on %s) is not in the published schema", n, dn)
			}
		})
	}
}
