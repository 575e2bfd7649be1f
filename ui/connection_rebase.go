package ui

import (
	"reflect"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// rebaseUndo remembers what an automatic rebase or ctrl+a changed (the
// users and groups settings and the Active Directory switch), so ctrl+z can
// put them back while they are still as that change left them.
type rebaseUndo struct {
	what          string          // what was done, for the status line
	before, after wizard.Settings // the settings before and after it
}

// undoable are the parts of the settings a rebase or ctrl+a changes, with
// empty lists as nil so that two equal settings compare equal.
func undoable(s wizard.Settings) any {
	s = cloneSettings(s)
	return struct {
		AD     bool
		Users  wizard.Users
		Groups wizard.Groups
	}{s.Connection.ActiveDirectory, s.Users, s.Groups}
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
	m.undo = &rebaseUndo{what: "moved the search bases", before: cloneSettings(m.settings), after: cloneSettings(s)}
	m.settings = s
	m.reloadForms()
	cmd := m.changed()
	m.setStatus("Search bases moved under "+nc+" (they were the preset's placeholders); ctrl+z undoes.", true)
	return tea.Batch(cmd, cs.startTest())
}

// undoRebase puts back what the last automatic rebase or ctrl+a changed
// (ctrl+z), as long as those settings were not edited since.
func (m *Model) undoRebase() tea.Cmd {
	u := m.undo
	if u == nil {
		return nil
	}
	m.undo = nil
	if !reflect.DeepEqual(undoable(m.settings), undoable(u.after)) {
		m.status, m.statusOK = "Nothing to undo: the users and groups settings were edited since ldapwiz "+u.what+".", false
		return nil
	}
	b := cloneSettings(u.before)
	m.settings.Connection.ActiveDirectory, m.settings.Users, m.settings.Groups = b.Connection.ActiveDirectory, b.Users, b.Groups
	m.reloadForms()
	cmd := m.changed()
	m.status, m.statusOK = "Search bases put back to "+b.Users.SearchBase+" and "+b.Groups.SearchBase+" (undone: ldapwiz "+u.what+").", true
	return cmd
}

// applyFound applies what the test found (ctrl+a): the AD preset's users and
// groups settings when the server is AD, and search bases moved under the
// naming context. A search base already inside the directory's naming
// contexts is kept as it is: it may match entries, and nothing the test
// found says it is wrong. ctrl+z undoes the whole of it.
func (s *connectionScreen) applyFound(f findings) tea.Cmd {
	m := s.m
	var ncs []string
	if r := s.test.result; r != nil && r.RootDSE != nil {
		ncs = r.RootDSE.NamingContexts
		if f.nc == "" {
			f.nc = namingContextOf(r.RootDSE)
		}
	}
	st := cloneSettings(m.settings)
	if f.ad {
		ad, _ := wizard.Preset(wizard.PresetAD)
		st.Connection.ActiveDirectory = true
		ub, gb := st.Users.SearchBase, st.Groups.SearchBase
		st.Users, st.Groups = ad.Users, ad.Groups
		if ub != "" && underAny(ub, ncs) {
			st.Users.SearchBase = ub
		}
		if gb != "" && underAny(gb, ncs) {
			st.Groups.SearchBase = gb
		}
	}
	if f.nc != "" {
		st, _ = wizard.RebaseOnNamingContext(st, f.nc)
	}
	if reflect.DeepEqual(undoable(st), undoable(m.settings)) {
		m.setStatus("Nothing to apply: the settings already say what the test found.", true)
		return nil
	}
	m.undo = &rebaseUndo{what: "applied what the test found", before: cloneSettings(m.settings), after: cloneSettings(st)}
	m.settings = st
	m.reloadForms()
	cmd := m.changed()
	m.setStatus("Applied what the test found; search bases that were inside the directory kept. ctrl+z undoes.", true)
	return cmd
}
