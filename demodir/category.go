package demodir

import "strings"

// adCategoryNames maps the lDAPDisplayName of a class to the common name of
// its defaultObjectCategory, as Active Directory's schema does for the
// classes the demo holds: a user's category is Person, so
// (objectCategory=person) matches users but not computers.
var adCategoryNames = map[string]string{
	"person":               "Person",
	"organizationalperson": "Person",
	"user":                 "Person",
	"inetorgperson":        "Person",
	"computer":             "Computer",
	"group":                "Group",
	"organizationalunit":   "Organizational-Unit",
	"container":            "Container",
	"domaindns":            "Domain-DNS",
}

// adCategoryAssertion expands the short form of an objectCategory filter
// value the way Active Directory does: (objectCategory=person) is read as
// (objectCategory=CN=Person,CN=Schema,CN=Configuration,<domain>). A value
// that already is a DN is returned unchanged.
func adCategoryAssertion(value string) string {
	v := strings.TrimSpace(value)
	if strings.Contains(v, "=") {
		return value
	}
	cn, ok := adCategoryNames[strings.ToLower(v)]
	if !ok {
		cn = v
	}
	return "CN=" + cn + ",CN=Schema,CN=Configuration," + ADBaseDN
}
