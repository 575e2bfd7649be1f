package ui

import "ldapwiz/wizard"

// newGroupsScreen builds the Groups screen: where the groups are, how they
// list their members, and the live count of the groups matched.
func newGroupsScreen(m *Model) screen {
	return &searchScreen{what: "groups", formScreen: newFormScreen(m, wizard.ScreenGroups, "Groups", "Where the groups are and how they list their members.", groupsFields()...)}
}

// groupsFields lists the Groups screen.
func groupsFields() []*field {
	g := func(s *wizard.Settings) *wizard.Groups { return &s.Groups }
	base := textS("groups.search_base", "Where groups are", "The branch holding the groups (whole subtree); ctrl+b browses.", func(s *wizard.Settings) *string { return &g(s).SearchBase })
	base.Pick = pickGroupBase
	oc := textS("groups.object_class", "Group object class", "Entries of this class are groups, e.g. groupOfNames; ctrl+o lists.", func(s *wizard.Settings) *string { return &g(s).ObjectClass })
	oc.Pick = pickGroupClass
	name := textS("groups.name_attribute", "Group name attribute", "Holds the group's name; must be unique. ctrl+o lists candidates.", func(s *wizard.Settings) *string { return &g(s).NameAttribute })
	name.Pick = pickGroupAttr
	mem := textS("groups.member_attribute", "Members attribute", "On a group, its members' DNs (usually member).", func(s *wizard.Settings) *string { return &g(s).MemberAttribute })
	mem.Pick = pickGroupAttr
	only := listS("groups.sync_only", "Only members of", "Limit sync to members of these groups; empty: all users. ctrl+o picks.", func(s *wizard.Settings) *[]string { return &g(s).SyncOnly })
	only.Pick = pickGroups
	filter := textS("groups.filter", "Extra filter", "Optional LDAP filter groups must also match, e.g. (!(cn=archive*)).", func(s *wizard.Settings) *string { return &g(s).Filter })
	flatten := boolS("groups.flatten_nested", "Flatten nested groups", "Users also become members of the groups their groups are nested in.", func(s *wizard.Settings) *bool { return &g(s).FlattenNested })
	return []*field{base, oc, filter, name, mem, only, flatten}
}
