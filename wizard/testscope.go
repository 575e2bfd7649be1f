package wizard

import "ldapwiz/ldap"

// TestScope is what the users and groups settings select, in the form the
// staged connection test takes.
func (s Settings) TestScope() ldap.TestScope {
	return ldap.TestScope{
		UserBase:             s.Users.SearchBase,
		UserObjectClass:      s.Users.ObjectClass,
		UserFilter:           s.Users.Filter,
		UsernameAttribute:    s.Users.UsernameAttribute,
		UserMemberAttribute:  s.Users.MemberAttribute,
		GroupBase:            s.Groups.SearchBase,
		GroupObjectClass:     s.Groups.ObjectClass,
		GroupNameAttribute:   s.Groups.NameAttribute,
		GroupMemberAttribute: s.Groups.MemberAttribute,
		UserAttributes: map[string]string{
			"users.attributes.email":      s.Users.Attributes.Email,
			"users.attributes.first_name": s.Users.Attributes.FirstName,
			"users.attributes.last_name":  s.Users.Attributes.LastName,
			"users.attributes.phone":      s.Users.Attributes.Phone,
		},
	}
}
