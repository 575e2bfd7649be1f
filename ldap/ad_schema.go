package ldap

import (
	"context"
	"fmt"
	"strings"
)

// adSchemaNC returns the schema naming context when subschemaDN is Active
// Directory's aggregate entry (CN=Aggregate,CN=Schema,CN=Configuration,…),
// and "" otherwise.
func adSchemaNC(subschemaDN string) string {
	d, err := ParseDN(subschemaDN)
	if err != nil || len(d.RDNs) < 3 || len(d.RDNs[0]) != 1 {
		return ""
	}
	first := d.RDNs[0][0]
	if !strings.EqualFold(first.Type, "cn") || !strings.EqualFold(first.Value, "Aggregate") {
		return ""
	}
	return d.Parent().String()
}

// addADAuxiliaryClasses completes an Active Directory schema. AD's subschema
// descriptions leave out the auxiliary classes attached to each class
// (auxiliaryClass and systemAuxiliaryClass of its classSchema object), so
// "user" would not list sAMAccountName (from securityPrincipal). This reads
// those links from the schema naming context and adds each auxiliary class's
// attributes to the class's MAY list.
func (c *Conn) addADAuxiliaryClasses(ctx context.Context, s *Schema, schemaNC string) error {
	links := map[*ObjectClass][]string{}
	err := c.Search(ctx, SearchRequest{
		Base: schemaNC, Scope: ScopeOne,
		Filter:     "(&(objectClass=classSchema)(|(auxiliaryClass=*)(systemAuxiliaryClass=*)))",
		Attributes: []string{"lDAPDisplayName", "auxiliaryClass", "systemAuxiliaryClass"},
	}, func(e *Entry) error {
		if oc := s.ObjectClass(e.First("lDAPDisplayName")); oc != nil {
			links[oc] = append(append(links[oc], e.Get("systemAuxiliaryClass")...), e.Get("auxiliaryClass")...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the auxiliary classes of the Active Directory schema under %s: %w", schemaNC, err)
	}
	// Collect first, then add, so one class's additions never leak into
	// another's through the walk.
	added := map[*ObjectClass][]string{}
	for oc, auxes := range links {
		for _, aux := range auxes {
			added[oc] = append(added[oc], s.AllMust(aux)...)
			added[oc] = append(added[oc], s.AllMay(aux)...)
		}
	}
	for oc, attrs := range added {
		have := map[string]bool{}
		for _, a := range append(append([]string(nil), oc.Must...), oc.May...) {
			have[strings.ToLower(a)] = true
		}
		for _, a := range attrs {
			if k := strings.ToLower(a); !have[k] {
				have[k] = true
				oc.May = append(oc.May, a)
			}
		}
	}
	return nil
}
