package ldap

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

func TestSchemaFromServer(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	sc, err := c.Schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Problems) > 0 {
		t.Errorf("unparsed definitions: %v", sc.Problems)
	}
	oc := sc.ObjectClass("INETORGPERSON")
	if oc == nil || oc.OID != "2.16.840.1.113730.3.2.2" || oc.Kind != Structural {
		t.Fatalf("inetOrgPerson: %+v", oc)
	}
	if got := sc.Superiors("inetOrgPerson"); !reflect.DeepEqual(got, []string{"organizationalPerson", "person", "top"}) {
		t.Errorf("superiors: %v", got)
	}
	must := sc.AllMust("inetOrgPerson")
	for _, m := range []string{"cn", "sn", "objectClass"} {
		if !hasFold(must, m) {
			t.Errorf("MUST lacks %s: %v", m, must)
		}
	}
	may := sc.AllMay("2.16.840.1.113730.3.2.2")
	for _, m := range []string{"uid", "mail", "givenName", "telephoneNumber", "userPassword", "ou", "description", "jpegPhoto"} {
		if !hasFold(may, m) {
			t.Errorf("MAY lacks %s (own or inherited): %v", m, may)
		}
	}
	for _, m := range must {
		if hasFold(may, m) {
			t.Errorf("%s in both MUST and MAY", m)
		}
	}
	uid := sc.AttributeType("userid")
	if uid == nil || uid.Name() != "uid" || uid.OID != "0.9.2342.19200300.100.1.1" || uid.Syntax != "1.3.6.1.4.1.1466.115.121.1.15" || uid.SingleValue {
		t.Errorf("uid: %+v", uid)
	}
	if mail := sc.AttributeType("mail"); mail == nil || mail.Equality != "caseIgnoreIA5Match" {
		t.Errorf("mail: %+v", mail)
	}
	// givenName has no SYNTAX of its own: inherited from name.
	if gn := sc.AttributeType("givenName"); gn == nil || gn.Superior != "name" || gn.Syntax != "1.3.6.1.4.1.1466.115.121.1.15" {
		t.Errorf("givenName: %+v", gn)
	}
	mo := sc.AttributeType("memberOf")
	if mo == nil || !mo.Operational() || !mo.NoUserModification || mo.Syntax != "1.3.6.1.4.1.1466.115.121.1.12" {
		t.Errorf("memberOf (overlay): %+v", mo)
	}
	if aux := sc.ObjectClass("simpleSecurityObject"); aux == nil || aux.Kind != Auxiliary {
		t.Errorf("simpleSecurityObject: %+v", aux)
	}
	if top := sc.ObjectClass("top"); top == nil || top.Kind != Abstract {
		t.Errorf("top: %+v", top)
	}
	names := sc.AttributeTypeNames()
	if len(names) < 100 || !hasFold(names, "entryUUID") {
		t.Errorf("attribute type names: %d", len(names))
	}
}

func TestParseSchemaDescriptions(t *testing.T) {
	// Active Directory quotes OIDs; OpenLDAP uses {len} bounds, X-ORIGIN,
	// escaped quotes in DESC.
	ats := []string{
		`( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' SINGLE-VALUE )`,
		`( 2.5.4.41 NAME 'name' DESC 'RFC4519: common supertype of name attributes' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768} )`,
		`( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'it\27s \5C here' SUP name X-ORIGIN ( 'RFC 4519' 'core' ) )`,
		`( 1.3.6.1.1.16.4 NAME 'entryUUID' DESC 'UUID of the entry' EQUALITY UUIDMatch SYNTAX 1.3.6.1.1.16.1 SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation )`,
		`( 9.9.9 NAME 'broken' SYNTAX 'unterminated )`,
		`NAME 'noparen'`,
	}
	ocs := []string{
		`( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber $ seeAlso $ description ) )`,
		`( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )`,
		`( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL MAY ( 'sAMAccountName' $ 'cn' ) X-CUSTOM 'x' )`,
		`( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ( title $ ou ) )`,
		`( 1.1.1 NAME 'aux' AUXILIARY MAY commonName FUTURE-FLAG )`,
	}
	sc := ParseSchema(ocs, ats)
	if len(sc.Problems) != 2 {
		t.Errorf("want 2 problems, got %v", sc.Problems)
	}
	sam := sc.AttributeType("samaccountname")
	if sam == nil || sam.Syntax != "1.3.6.1.4.1.1466.115.121.1.15" || !sam.SingleValue {
		t.Errorf("sAMAccountName: %+v", sam)
	}
	cn := sc.AttributeType("commonName")
	if cn == nil || cn.Name() != "cn" || cn.Desc != `it's \ here` || cn.Syntax != "1.3.6.1.4.1.1466.115.121.1.15" || cn.SyntaxLen != "32768" ||
		cn.Equality != "caseIgnoreMatch" || !reflect.DeepEqual(cn.Extensions["X-ORIGIN"], []string{"RFC 4519", "core"}) {
		t.Errorf("cn: %+v", cn)
	}
	if u := sc.AttributeType("entryuuid"); u == nil || !u.Operational() || !u.NoUserModification || u.Usage != "directoryOperation" {
		t.Errorf("entryUUID: %+v", u)
	}
	user := sc.ObjectClass("USER")
	if user == nil || user.Extensions["X-CUSTOM"][0] != "x" {
		t.Fatalf("user: %+v", user)
	}
	if got := strings.Join(sc.AllMust("user"), ","); got != "sn,cn,objectClass" {
		t.Errorf("AllMust(user) = %s", got)
	}
	if got := strings.Join(sc.AllMay("user"), ","); got != "sAMAccountName,title,ou,userPassword,telephoneNumber,seeAlso,description" {
		t.Errorf("AllMay(user) = %s", got)
	}
	if aux := sc.ObjectClass("aux"); aux == nil || aux.Kind != Auxiliary || !reflect.DeepEqual(sc.AllMay("aux"), []string{"cn"}) {
		t.Errorf("aux: %+v", aux)
	}
	if sc.AllMust("nosuchclass") != nil {
		t.Error("unknown class has MUST attributes")
	}
}
