package ui

import (
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// accountStateFields are the Users screen's fields for how the directory
// marks a disabled account: the kind, and the attribute/value pair shown
// only when the kind is "attribute".
func accountStateFields() []*field {
	u := func(s *wizard.Settings) *wizard.Users { return &s.Users }
	// A text field: the six kinds do not fit one line as choices at 80
	// columns; validation names the values when one is mistyped.
	kind := textS("users.account_state", "Disabled accounts",
		"How the directory marks a disabled user, synced both ways: auto (asks the server: AD, 389 DS, OpenLDAP ppolicy), ad, 389, ppolicy, attribute (the pair below) or none (store only).",
		func(s *wizard.Settings) *string { return &u(s).AccountState })
	isPair := func(s wizard.Settings) bool {
		return strings.EqualFold(strings.TrimSpace(s.Users.AccountState), ldap.AccountStateAttribute)
	}
	attr := textS("users.disabled_attribute", "Disabled attribute", "The attribute marking a disabled user, e.g. employeeType; its other values are kept.",
		func(s *wizard.Settings) *string { return &u(s).DisabledAttribute })
	attr.Pick, attr.visible = pickUserAttr, isPair
	value := textS("users.disabled_value", "Disabled value", "Its value on a disabled user, e.g. disabled; removed again when the user is enabled.",
		func(s *wizard.Settings) *string { return &u(s).DisabledValue })
	value.visible = isPair
	return []*field{kind, attr, value}
}

// withAccountState places the account-state fields before the first button
// of fields (the Users screen's actions stay last).
func withAccountState(fields []*field) []*field {
	i := 0
	for i < len(fields) && fields[i].Kind != kindButton {
		i++
	}
	out := append([]*field{}, fields[:i]...)
	out = append(out, accountStateFields()...)
	return append(out, fields[i:]...)
}
