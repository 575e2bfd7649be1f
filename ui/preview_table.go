package ui

import (
	"fmt"
	"strconv"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/syncer"
)

// planTab is one tab of the Preview: a kind of change (or the skipped
// entries, or the conflicts) with its rows.
type planTab struct {
	title  string // "Creates"
	medium string // "Create", when the full titles do not fit
	short  string // "Cre", when the medium ones do not fit either
	rows   []planRow
}

// count is the number of rows in the tab.
func (t planTab) count() int { return len(t.rows) }

// planRow is one action, skip or conflict: a head line and the lines under
// it (DN, per-attribute old → new).
type planRow struct {
	side string // "directory", "store", or "" for skips
	what string // "create user", "missing username attribute" …
	name string // username, group name, "jdoe in staff"
	note string // the reason, or who wins
	// act is the planned change a row shows: its detail lines are drawn
	// from it when they are shown (actionLines), not kept, since a plan of
	// 100,000 creates would hold 700,000 of them; lines are those of a
	// skip or a conflict (act nil).
	act    *syncer.Action
	lines  []string
	failed bool // shown as a problem (conflicts lost by a side are not)
	// search is the lower-case text the filter matches against
	// (searchText), made the first time a filter looks at the row.
	search string
}

// detail is the row's lines under its head line (DN, per-attribute old →
// new).
func (r planRow) detail() []string {
	if r.act != nil {
		return actionLines(r.act)
	}
	return r.lines
}

// sideName words an action's side.
func sideName(side string) string {
	switch side {
	case syncer.SideLDAP:
		return "directory"
	case syncer.SideStore:
		return "store"
	}
	return side
}

// planTabs sorts a plan's visible actions, skips and conflicts into tabs.
func planTabs(p *syncer.Plan) []planTab {
	tabs := []planTab{
		{title: "Creates", medium: "Create", short: "Cre"}, {title: "Updates", medium: "Update", short: "Upd"},
		{title: "Disables", medium: "Disable", short: "Dis"}, {title: "Deletes", medium: "Delete", short: "Del"},
		{title: "Members", medium: "Member", short: "Mem"}, {title: "Skipped", medium: "Skip", short: "Skip"},
		{title: "Conflicts", medium: "Conflict", short: "Conf"},
	}
	whats := map[string]string{} // one "create user" for every create
	for a := range p.Each("", "") {
		i := 1
		switch a.Op {
		case syncer.OpCreate, syncer.OpRestore:
			i = 0
		case syncer.OpDisable, syncer.OpEnable:
			i = 2
		case syncer.OpDelete:
			i = 3
		case syncer.OpAddMember, syncer.OpRemoveMember:
			i = 4
		}
		tabs[i].rows = append(tabs[i].rows, actionRow(a, whats))
		// A new group's members are memberships added too: listed one by
		// one beside the add_member actions, so the tab counts them all.
		if a.Memberships() == 0 {
			continue
		}
		for _, u := range a.Members() {
			r := planRow{side: sideName(a.Side), what: "add member", name: u + " in " + a.Name, note: "with the new group"}
			tabs[4].rows = append(tabs[4].rows, r)
		}
	}
	for _, s := range p.Skipped {
		tabs[5].rows = append(tabs[5].rows, skipRow(s))
	}
	for _, c := range p.Conflicts {
		tabs[6].rows = append(tabs[6].rows, conflictRow(c))
	}
	return tabs
}

// firstNonEmptyTab is the first tab with rows, else 0.
func firstNonEmptyTab(tabs []planTab) int {
	for i, t := range tabs {
		if t.count() > 0 {
			return i
		}
	}
	return 0
}

// actionRow renders a planned change's head line; whats keeps one copy of
// each "what" (op and kind) for all the rows.
func actionRow(a *syncer.Action, whats map[string]string) planRow {
	what, ok := whats[a.Op+" "+string(a.Kind)]
	if !ok {
		what = strings.ReplaceAll(a.Op, "_", " ") + " " + string(a.Kind)
		switch a.Op {
		case syncer.OpAddMember:
			what = "add member"
		case syncer.OpRemoveMember:
			what = "remove member"
		}
		whats[a.Op+" "+string(a.Kind)] = what
	}
	r := planRow{side: sideName(a.Side), what: what, name: a.Name, note: a.Reason, act: a}
	if a.Member() != "" {
		r.name = a.Member() + " in " + a.Name
	}
	return r
}

// actionLines are the lines under a planned change's head line: its DN
// (old → new on a rename), a new group's first members, and its values
// (old → new on an update).
func actionLines(a *syncer.Action) []string {
	var lines []string
	switch {
	case a.OldDN() != "":
		lines = append(lines, "dn: "+ldap.ReadableDN(a.OldDN())+" → "+ldap.ReadableDN(a.DN))
	case a.DN != "" && a.Member() == "":
		lines = append(lines, "dn: "+ldap.ReadableDN(a.DN))
	}
	if n := a.Memberships(); n > 0 && a.Member() == "" {
		members := a.Members()
		shown := members[:min(len(members), 5)]
		more := ""
		if n > len(shown) {
			more = fmt.Sprintf(", … (%s in the Members tab)", thousands(n))
		}
		lines = append(lines, fmt.Sprintf("members (%s): %s%s", thousands(n), strings.Join(shown, ", "), more))
	}
	for _, d := range a.AttrDiffs() {
		label := d.Label()
		if a.NewValuesOnly() {
			lines = append(lines, label+": "+quoteValue(d.New))
		} else {
			lines = append(lines, label+": "+quoteValue(d.Old)+" → "+quoteValue(d.New))
		}
	}
	return lines
}

// skipRow renders an entry the plan leaves alone.
func skipRow(s syncer.Skip) planRow {
	name := s.Name
	if name == "" {
		name = "(no name)"
	}
	r := planRow{what: string(s.Kind) + ": " + s.Reason, name: name, failed: true}
	if s.Detail != "" {
		r.lines = append(r.lines, s.Detail)
	}
	if s.DN != "" {
		r.lines = append(r.lines, "dn: "+ldap.ReadableDN(s.DN))
	}
	return r
}

// conflictRow renders a field changed on both sides and which value is kept.
func conflictRow(c syncer.Conflict) planRow {
	winner := "the directory's value is kept"
	if c.Winner == syncer.SideStore {
		winner = "the store's value is kept"
	}
	r := planRow{what: string(c.Kind) + " " + c.Field, name: c.Name, note: winner}
	r.lines = append(r.lines,
		"store: "+quoteValue(c.StoreValue)+"   directory: "+quoteValue(c.LDAPValue))
	if c.DN != "" {
		r.lines = append(r.lines, "dn: "+ldap.ReadableDN(c.DN))
	}
	return r
}

// searchText is what the filter matches: every word of the row.
func (r planRow) searchText() string {
	return strings.ToLower(strings.Join(append([]string{r.side, r.what, r.name, r.note}, r.detail()...), "\n"))
}

// quoteValue shows a value with its edges visible; empty is (empty).
func quoteValue(v string) string {
	if v == "" {
		return "(empty)"
	}
	return strconv.Quote(v)
}

// matching returns the indices of the rows of a tab matching the filter
// (all when empty), in order: every word of the filter must appear. The
// first filter to look at a row makes its search text.
func (t planTab) matching(filter string) []int {
	words := strings.Fields(strings.ToLower(filter))
	out := make([]int, 0, len(t.rows))
	for i := range t.rows {
		r := &t.rows[i]
		if len(words) > 0 && r.search == "" {
			r.search = r.searchText()
		}
		ok := true
		for _, w := range words {
			if !strings.Contains(r.search, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// sideCounts words one side's changes: "312 creates, 2,040 memberships".
func sideCounts(p *syncer.Plan, side string) string {
	var creates, updates, disables, deletes, members int
	for a := range p.Each(side, "") {
		switch a.Op {
		case syncer.OpCreate, syncer.OpRestore:
			creates++
			members += a.Memberships() // a new group's members
		case syncer.OpDisable, syncer.OpEnable:
			disables++
		case syncer.OpDelete:
			deletes++
		case syncer.OpAddMember, syncer.OpRemoveMember:
			members += a.Memberships()
		default:
			updates++
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{creates, "create"}, {updates, "update"}, {disables, "disable"}, {deletes, "delete"}, {members, "membership"}} {
		if c.n > 0 {
			parts = append(parts, countOf(c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, ", ")
}

// countOf renders "1 create" / "2,040 creates".
func countOf(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return thousands(n) + " " + what + "s"
}

// kindCount words a number of users or groups.
func kindCount(n int, k store.Kind) string {
	return countOf(n, string(k))
}
