package demodir

import (
	"fmt"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/assets"
)

// Demo credentials and naming contexts. The demo passwords are public demo
// data, printed by "ldapwiz demo-server"; they protect nothing.
const (
	// OpenLDAPBaseDN is the naming context of the OpenLDAP flavour.
	OpenLDAPBaseDN = "dc=example,dc=com"
	// OpenLDAPAdminDN is the administrator (root DN) of the OpenLDAP flavour.
	OpenLDAPAdminDN = "cn=admin,dc=example,dc=com"
	// ADBaseDN is the naming context of the Active Directory flavour.
	ADBaseDN = "DC=example,DC=test"
	// ADAdminDN is the administrator of the Active Directory flavour; it can
	// also bind as Administrator@example.test.
	ADAdminDN = "CN=Administrator,CN=Users,DC=example,DC=test"
	// AdminPassword is the administrator password of both flavours.
	AdminPassword = "demo-admin"
	// UserPassword is the password of every demo user.
	UserPassword = "demo-user"
)

// flavourConfig is what differs between the OpenLDAP and the Active
// Directory flavour of the demo directory.
type flavourConfig struct {
	ad            bool
	suffix        string
	suffixDN      *goldap.DN
	adminDN       string
	adminDNParsed *goldap.DN
	adminPassword string
	schemaDN      string
	ldifFile      string
	attrDefs      []string
	classDefs     []string
	vendorName    string
}

func newFlavour(ad bool) (*flavourConfig, error) {
	fl := &flavourConfig{ad: ad, adminPassword: AdminPassword, vendorName: "ldapwiz demo directory"}
	if ad {
		fl.suffix, fl.adminDN = ADBaseDN, ADAdminDN
		fl.schemaDN = "CN=Aggregate,CN=Schema,CN=Configuration," + ADBaseDN
		fl.ldifFile = "demo/ad.ldif"
		fl.attrDefs = append(append([]string{}, operationalAttrDefs...), adAttrDefs...)
		fl.classDefs = adClassDefs
	} else {
		fl.suffix, fl.adminDN = OpenLDAPBaseDN, OpenLDAPAdminDN
		fl.schemaDN = "cn=Subschema"
		fl.ldifFile = "demo/openldap.ldif"
		fl.attrDefs = append(append([]string{}, operationalAttrDefs...), openLDAPAttrDefs...)
		fl.classDefs = openLDAPClassDefs
	}
	var err error
	if fl.suffixDN, err = parseDN(fl.suffix); err != nil {
		return nil, err
	}
	if fl.adminDNParsed, err = parseDN(fl.adminDN); err != nil {
		return nil, err
	}
	return fl, nil
}

// load builds the schema and the tree of a flavour from the embedded LDIF.
func load(ad bool) (*directory, error) {
	fl, err := newFlavour(ad)
	if err != nil {
		return nil, err
	}
	sch, err := newSchema(fl.attrDefs, fl.classDefs)
	if err != nil {
		return nil, fmt.Errorf("demo directory: built-in schema: %w", err)
	}
	data, err := assets.Demo.ReadFile(fl.ldifFile)
	if err != nil {
		return nil, fmt.Errorf("demo directory: embedded data %s: %w", fl.ldifFile, err)
	}
	recs, err := parseLDIF(data)
	if err != nil {
		return nil, fmt.Errorf("demo directory: embedded data %s: %w", fl.ldifFile, err)
	}
	d := newDirectory(fl, sch)
	for _, r := range recs {
		if res := d.add(r.dn, r.attrs, nil, true); res.code != 0 {
			return nil, fmt.Errorf("demo directory: embedded data %s line %d (%s): %s (result %d)", fl.ldifFile, r.line, r.dn, res.msg, res.code)
		}
	}
	return d, nil
}
