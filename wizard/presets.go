package wizard

import (
	"strings"

	"ldapwiz/ldap"
)

// PresetInfo describes a preset for the Welcome screen.
type PresetInfo struct {
	Name        string // as used by Preset and on the command line: "openldap"
	Title       string // display name: "OpenLDAP"
	Description string // one or two sentences on what the preset assumes
}

// Preset names.
const (
	PresetOpenLDAP = "openldap"
	Preset389DS    = "389ds"
	PresetAD       = "ad"
)

// Presets lists the presets in the order the Welcome screen shows them.
func Presets() []PresetInfo {
	return []PresetInfo{
		{
			Name:  PresetOpenLDAP,
			Title: "OpenLDAP",
			Description: "inetOrgPerson users named by uid and groupOfNames groups with member; " +
				"memberOf needs the memberof overlay. StartTLS on port 389.",
		},
		{
			Name:  PresetAD,
			Title: "Active Directory",
			Description: "Microsoft AD or Samba AD: user objects named by sAMAccountName (RDN cn), " +
				"group objects with member/memberOf; computers and built-in accounts (Administrator, Guest, krbtgt) excluded; LDAPS on port 636 (needed to write passwords).",
		},
		{
			Name:  Preset389DS,
			Title: "389 Directory Server",
			Description: "389 DS / Red Hat Directory Server: inetOrgPerson users by uid under ou=People, " +
				"groupOfNames under ou=Groups; memberOf needs the MemberOf plug-in. StartTLS on port 389.",
		},
	}
}

// Preset returns the settings a new configuration starts from for the named
// preset (case-insensitive), and false when there is no such preset. Names
// are placeholders under example.com; the bind password source is left for
// the user to choose.
func Preset(name string) (Settings, bool) {
	s := Default()
	switch strings.ToLower(strings.TrimSpace(name)) {
	case PresetOpenLDAP:
		s.Connection.URL = "ldap://ldap.example.com"
		s.Connection.StartTLS = true
		s.Connection.BindDN = "cn=admin,dc=example,dc=com"
		return s, true
	case Preset389DS:
		s.Connection.URL = "ldap://ldap.example.com"
		s.Connection.StartTLS = true
		s.Connection.BindDN = "cn=Directory Manager"
		s.Users.SearchBase = "ou=People,dc=example,dc=com"
		s.Users.AccountState = ldap.AccountState389 // nsAccountLock
		s.Groups.SearchBase = "ou=Groups,dc=example,dc=com"
		return s, true
	case PresetAD:
		s.Connection.URL = "ldaps://dc1.example.com"
		s.Connection.ActiveDirectory = true
		s.Connection.BindDN = "cn=ldapwiz,cn=Users,dc=example,dc=com"
		s.Users = Users{
			SearchBase:              "cn=Users,dc=example,dc=com",
			ObjectClass:             "user",
			AdditionalObjectClasses: []string{},
			UsernameAttribute:       "sAMAccountName",
			RDNAttribute:            "cn",
			MemberAttribute:         "memberOf",
			Filter:                  "(&(objectCategory=person)(!(isCriticalSystemObject=TRUE)))",
			AccountState:            AccountStateAuto, // userAccountControl
			Attributes: UserAttributes{
				Email:     "mail",
				FirstName: "givenName",
				LastName:  "sn",
				Phone:     "telephoneNumber",
			},
		}
		s.Groups = Groups{
			SearchBase:      "cn=Users,dc=example,dc=com",
			ObjectClass:     "group",
			NameAttribute:   "cn",
			MemberAttribute: "member",
			SyncOnly:        []string{},
		}
		return s, true
	}
	return Settings{}, false
}
