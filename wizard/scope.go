package wizard

import (
	"strings"

	"ldapwiz/ldap"
)

// Scope is what the users and groups settings select: the settings trimmed,
// with defaults applied, and the LDAP filters built once. The sync engine,
// the staged connection test and the live counts all read a Scope, so for
// the same settings they send the same filters.
type Scope struct {
	UserBase        string
	UserObjectClass string
	// UserExtraFilter is users.filter with its outer parentheses ("" for
	// none); UserFilter is the whole user filter, class and extra filter
	// combined; UserFilterErr says why users.filter does not compile.
	UserExtraFilter string
	UserFilter      string
	UserFilterErr   error
	// AdditionalObjectClasses are given to entries created in the directory.
	AdditionalObjectClasses []string
	UsernameAttribute       string
	RDNAttribute            string // users.rdn_attribute, or the username attribute
	UserMemberAttribute     string // on the user; "" when membership is read from groups
	// UserAttributes maps each users.attributes setting key to the
	// attribute it names ("" when unset), e.g. "users.attributes.email" ->
	// "mail".
	UserAttributes map[string]string

	GroupBase        string
	GroupObjectClass string
	// GroupExtraFilter is groups.filter with its outer parentheses ("" for
	// none); GroupFilter is the whole group filter, class and extra filter
	// combined; GroupFilterErr says why groups.filter does not compile.
	GroupExtraFilter     string
	GroupFilter          string
	GroupFilterErr       error
	GroupNameAttribute   string
	GroupMemberAttribute string
	SyncOnly             []string // group names; empty means every group
}

// Scope returns what s selects in the directory.
func (s Settings) Scope() Scope {
	t := strings.TrimSpace
	sc := Scope{
		UserBase:             t(s.Users.SearchBase),
		UserObjectClass:      t(s.Users.ObjectClass),
		UserExtraFilter:      s.EffectiveUserFilter(),
		UsernameAttribute:    t(s.Users.UsernameAttribute),
		RDNAttribute:         s.EffectiveRDNAttribute(),
		UserMemberAttribute:  t(s.Users.MemberAttribute),
		GroupBase:            t(s.Groups.SearchBase),
		GroupObjectClass:     t(s.Groups.ObjectClass),
		GroupExtraFilter:     s.EffectiveGroupFilter(),
		GroupNameAttribute:   t(s.Groups.NameAttribute),
		GroupMemberAttribute: t(s.Groups.MemberAttribute),
		UserAttributes: map[string]string{
			"users.attributes.email":      t(s.Users.Attributes.Email),
			"users.attributes.first_name": t(s.Users.Attributes.FirstName),
			"users.attributes.last_name":  t(s.Users.Attributes.LastName),
			"users.attributes.phone":      t(s.Users.Attributes.Phone),
		},
	}
	sc.UserFilter, sc.UserFilterErr = ldap.ScopeFilter(sc.UserObjectClass, sc.UserExtraFilter)
	sc.GroupFilter, sc.GroupFilterErr = ldap.ScopeFilter(sc.GroupObjectClass, sc.GroupExtraFilter)
	sc.AdditionalObjectClasses = nonEmpty(s.Users.AdditionalObjectClasses)
	sc.SyncOnly = nonEmpty(s.Groups.SyncOnly)
	return sc
}

// Test returns the scope in the form the staged connection test takes.
func (sc Scope) Test() ldap.TestScope {
	return ldap.TestScope{
		UserBase:             sc.UserBase,
		UserObjectClass:      sc.UserObjectClass,
		UserFilter:           sc.UserExtraFilter,
		UsernameAttribute:    sc.UsernameAttribute,
		UserMemberAttribute:  sc.UserMemberAttribute,
		GroupBase:            sc.GroupBase,
		GroupObjectClass:     sc.GroupObjectClass,
		GroupFilter:          sc.GroupExtraFilter,
		GroupNameAttribute:   sc.GroupNameAttribute,
		GroupMemberAttribute: sc.GroupMemberAttribute,
		UserAttributes:       sc.UserAttributes,
	}
}

// nonEmpty returns the trimmed values of list that are not empty.
func nonEmpty(list []string) []string {
	var out []string
	for _, v := range list {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// TestScope is s.Scope().Test(): what the settings select, in the form the
// staged connection test takes.
func (s Settings) TestScope() ldap.TestScope { return s.Scope().Test() }
