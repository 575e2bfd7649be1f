package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// An entry created in the directory for a store user gets object_class,
// additional_object_classes, its RDN from rdn_attribute (here cn, built
// from the name and escaped per RFC 4514) and the mapped attributes.
func TestSyncCreatedEntryClassesAndRDN(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: `dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Smith
sn: Smith

`})
	e.s.Users.RDNAttribute = "cn"
	e.s.Users.AdditionalObjectClasses = []string{"shadowAccount"}
	if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "jdoe2", Email: "jane@example.com", FirstName: "Jane", LastName: "Doe, Jr.", Phone: "+1 555 0101"}); err != nil {
		t.Fatal(err)
	}
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	const want = `cn=Jane Doe\, Jr.,ou=people,dc=example,dc=com`
	en, err := e.conn.Entry(e.ctx, want)
	if err != nil {
		t.Fatalf("entry %s: %v (plan: %s)", want, err, describe(rep.Plan.Actions))
	}
	classes := strings.ToLower(strings.Join(en.Get("objectClass"), ","))
	if !strings.Contains(classes, "inetorgperson") || !strings.Contains(classes, "shadowaccount") {
		t.Errorf("objectClass %v, want inetOrgPerson and shadowAccount", en.Get("objectClass"))
	}
	for attr, v := range map[string]string{"uid": "jdoe2", "cn": "Jane Doe, Jr.", "givenName": "Jane", "sn": "Doe, Jr.",
		"mail": "jane@example.com", "telephoneNumber": "+1 555 0101"} {
		if got := en.First(attr); got != v {
			t.Errorf("%s = %q, want %q", attr, got, v)
		}
	}
	l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, e.mustUser("jdoe2").ID)
	if err != nil || !ldap.DNEqual(l.DN, want) || l.StableID == "" {
		t.Errorf("link %+v %v", l, err)
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
}
