package ui

import (
	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// rebaseUndo remembers the search bases an automatic rebase replaced, so
// ctrl+z can put them back while the bases are still the rebased ones.
type rebaseUndo struct {
	users, groups       string // before
	newUsers, newGroups string // after
}

// namingContextOf is the naming context search bases belong under: AD's
// defaultNamingContext, else the first naming context.
func namingContextOf(r *ldap.RootDSE) string {
	if r == nil {
		return ""
	}
	if r.DefaultNamingContext != "" {
		return r.DefaultNamingContext
	}
	if len(r.NamingContexts) > 0 {
		return r.NamingContexts[0]
	}
	return ""
}

// autoRebase runs after a connection test that bound: when the search bases
// are still a preset's placeholders and lie outside the directory's naming
// contexts, they are moved under the naming context at once (nobody chose
// them), the user is told in one line, and the test runs again so its base
// steps check the new bases. ctrl+z undoes it; ctrl+a stays for the rest.
func (cs *connectionScreen) autoRebase() tea.Cmd {
	m := cs.m
	if cs.test.result == nil || cs.test.result.RootDSE == nil || !wizard.HasPlaceholderBases(m.settings) {
		return nil
	}
	r := cs.test.result.RootDSE
	nc := namingContextOf(r)
	if nc == "" || (underAny(m.settings.Users.SearchBase, r.NamingContexts) && underAny(m.settings.Groups.SearchBase, r.NamingContexts)) {
		return nil
	}
	s, changed := wizard.RebaseOnNamingContext(m.settings, nc)
	if len(changed) == 0 {
		return nil
	}
	m.undo = &rebaseUndo{
		users: m.settings.Users.SearchBase, groups: m.settings.Groups.SearchBase,
		newUsers: s.Users.SearchBase, newGroups: s.Groups.SearchBase,
	}
	m.settings = s
	m.reloadForms()
	cmd := m.changed()
	m.setStatus("Search bases moved under "+nc+" (they were the preset's placeholders); ctrl+z undoes.", true)
	return tea.Batch(cmd, cs.startTest())
}

// undoRebase puts back the bases an automatic rebase replaced (ctrl+z), as
// long as they were not edited since.
func (m *Model) undoRebase() tea.Cmd {
	u := m.undo
	if u == nil {
		return nil
	}
	m.undo = nil
	if m.settings.Users.SearchBase != u.newUsers || m.settings.Groups.SearchBase != u.newGroups {
		m.status, m.statusOK = "Nothing to undo: the search bases were edited since they were moved.", false
		return nil
	}
	m.settings.Users.SearchBase, m.settings.Groups.SearchBase = u.users, u.groups
	m.reloadForms()
	cmd := m.changed()
	m.status, m.statusOK = "Search bases put back to "+u.users+" and "+u.groups+".", true
	return cmd
}
