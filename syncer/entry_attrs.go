package syncer

import (
	"strings"

	"ldapwiz/ldap"
)

// userEntryAttrs returns the attributes a user create writes at dn for the
// store values vals, the password and userAccountControl aside: the object
// classes, the mapped values, the RDN's values, and the values the schema
// needs that the store may lack (cn and sn from the name or the username;
// on Active Directory sAMAccountName and userPrincipalName).
func (c syncConfig) userEntryAttrs(dn string, vals map[string]string) (*attrSet, error) {
	attrs := newAttrSet()
	attrs.set("objectClass", append([]string{c.userClass}, c.extraClasses...)...)
	for _, f := range c.fields {
		if f != FieldDisabled && vals[f] != "" {
			attrs.set(c.attrOf[f], vals[f])
		}
	}
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return nil, err
	}
	for _, ava := range parsed.RDNs[0] {
		attrs.set(ava.Type, ava.Value)
	}
	if c.ad {
		sam := vals[FieldUsername]
		if err := ldap.ValidateSAMAccountName(sam); err != nil {
			return nil, &refusedError{msg: err.Error()}
		}
		attrs.setDefault("sAMAccountName", sam)
		if domain := ldap.DomainOfDN(dn); domain != "" {
			attrs.setDefault("userPrincipalName", sam+"@"+domain)
		}
		return attrs, nil
	}
	// person and inetOrgPerson need cn and sn.
	full := strings.TrimSpace(vals[FieldFirstName] + " " + vals[FieldLastName])
	attrs.setDefault("cn", firstNonEmpty(full, vals[FieldUsername]))
	attrs.setDefault("sn", firstNonEmpty(vals[FieldLastName], vals[FieldUsername]))
	return attrs, nil
}

// placeholders returns, by store field, the values an entry with attrs
// (written for the store values vals) carries although the store's value
// is empty: the schema needed one (sn=<username>), or the RDN set it.
func (c syncConfig) placeholders(attrs *attrSet, vals map[string]string) map[string]string {
	out := map[string]string{}
	for _, f := range c.fields {
		if f == FieldDisabled || vals[f] != "" {
			continue
		}
		if v := attrs.get(c.attrOf[f]); len(v) > 0 && v[0] != "" {
			out[f] = v[0]
		}
	}
	return out
}
