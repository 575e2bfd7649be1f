package ui

import (
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// newUsersScreen builds the Users screen: where the users are, which
// attributes feed the store, and the live count of the users matched.
func newUsersScreen(m *Model) screen {
	s := &searchScreen{what: "users", formScreen: newFormScreen(m, wizard.ScreenUsers, "Users", "Where the users are and which attributes feed the store.", withAccountState(usersFields())...)}
	s.actions = map[string]func() tea.Cmd{actionExplain: m.openExplain, actionLogin: m.openLogin}
	return s
}

// usersFields lists the Users screen.
func usersFields() []*field {
	u := func(s *wizard.Settings) *wizard.Users { return &s.Users }
	base := textS("users.search_base", "Where users are", "The branch holding the users (whole subtree); ctrl+b browses.", func(s *wizard.Settings) *string { return &u(s).SearchBase })
	base.Pick = pickUserBase
	oc := textS("users.object_class", "User object class", "Entries of this class are users, e.g. inetOrgPerson; ctrl+o lists.", func(s *wizard.Settings) *string { return &u(s).ObjectClass })
	oc.Pick = pickUserClass
	un := textS("users.username_attribute", "Username attribute", "Holds the login name; must be unique. ctrl+o lists candidates.", func(s *wizard.Settings) *string { return &u(s).UsernameAttribute })
	un.Pick = pickUserAttr
	rdn := textS("users.rdn_attribute", "Naming attribute", "Names new entries in the directory; empty means the username attribute.", func(s *wizard.Settings) *string { return &u(s).RDNAttribute })
	rdn.Pick = pickUserAttr
	attr := func(k, label, help string, get func(*wizard.Settings) *string) *field {
		f := textS(k, label, help, get)
		f.Pick = pickUserAttr
		return f
	}
	return []*field{
		base, oc,
		textS("users.filter", "Extra filter", "Optional LDAP filter users must also match, e.g. (mail=*).", func(s *wizard.Settings) *string { return &u(s).Filter }),
		un, rdn,
		attr("users.member_attribute", "Groups-of-user attribute", "On a user, the DNs of its groups (usually memberOf).", func(s *wizard.Settings) *string { return &u(s).MemberAttribute }),
		attr("users.attributes.email", "E-mail from", "Directory attribute for the e-mail address; empty: not synchronized.", func(s *wizard.Settings) *string { return &u(s).Attributes.Email }),
		attr("users.attributes.first_name", "First name from", "Directory attribute for the first name.", func(s *wizard.Settings) *string { return &u(s).Attributes.FirstName }),
		attr("users.attributes.last_name", "Last name from", "Directory attribute for the last name.", func(s *wizard.Settings) *string { return &u(s).Attributes.LastName }),
		attr("users.attributes.phone", "Phone from", "Directory attribute for the phone number.", func(s *wizard.Settings) *string { return &u(s).Attributes.Phone }),
		listS("users.additional_object_classes", "Extra classes for new users", "Comma-separated object classes added to users ldapwiz creates.", func(s *wizard.Settings) *[]string { return &u(s).AdditionalObjectClasses }),
		{Key: "ui.explain", Label: "Explain a user…", Kind: kindButton, Action: actionExplain,
			Help: "Where one user stands with these settings, step by step, and what the next sync does to it."},
		{Key: "ui.login", Label: "Try a user's login…", Kind: kindButton, Action: actionLogin,
			Help: "Find a user, bind as them with their password and say what the directory and the store answer."},
	}
}
