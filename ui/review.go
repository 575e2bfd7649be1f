package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// reviewState is the Review screen's cursor: the selected problem and how
// far the file is scrolled.
type reviewState struct {
	sel    int // selected problem, an index into reviewItems
	scroll int // first file line shown
}

// reviewKey selects problems, jumps to their fields and scrolls the file.
func (m *Model) reviewKey(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.review
	items := m.reviewItems()
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.goTo(m.screen - 1)
	case key.Matches(msg, m.keys.Down, m.keys.ListDown, m.keys.Next):
		r.sel = min(r.sel+1, max(len(items)-1, 0))
	case key.Matches(msg, m.keys.Up, m.keys.ListUp, m.keys.Prev):
		r.sel = max(r.sel-1, 0)
	case key.Matches(msg, m.keys.PageDown):
		r.scroll += 10
	case key.Matches(msg, m.keys.PageUp):
		r.scroll = max(r.scroll-10, 0)
	case key.Matches(msg, m.keys.FixIt):
		if len(items) == 0 {
			return m.goTo(m.screen + 1)
		}
		return m.jumpTo(items[min(r.sel, len(items)-1)])
	}
	return nil
}

// problemLine renders one problem of Review's lists.
func (m *Model) problemLine(p wizard.Problem, selected bool, w int) string {
	where := screenTitle(p.Screen)
	if where == "" {
		where = "?"
	}
	text := fmt.Sprintf("%s › %s: %s", where, p.Setting, p.Message)
	mark := "! "
	if p.Severity == wizard.Error {
		mark = "✗ "
	}
	line := ansi.Truncate(mark+text, w-2, "…")
	switch {
	case selected:
		return m.st.Selected.Render("▸ " + line)
	case p.Severity == wizard.Error:
		return "  " + m.st.Error.Render(line)
	}
	return "  " + m.st.Warning.Render(line)
}

// problemDetail renders item sel's message in full (up to 3 lines).
func (m *Model) problemDetail(items []wizard.Problem, sel, w int) []string {
	if sel >= len(items) {
		return nil
	}
	var lines []string
	for i, l := range strings.Split(wrap(items[sel].Message, w-4), "\n") {
		if i == 3 {
			break
		}
		lines = append(lines, "    "+m.st.Muted.Render(l))
	}
	return lines
}

// reviewView shows the problems and the directory's warnings, then the file
// with its diff against disk.
func (m *Model) reviewView(w, h int) string {
	var lines []string
	items := m.reviewItems()
	switch {
	case len(items) == 0:
		lines = append(lines, m.st.OK.Render("✓ No problems found."))
	case len(m.problems) == 0:
		lines = append(lines, m.st.OK.Render("✓ No problems in the settings."))
	default:
		lines = append(lines, m.st.Heading.Render(fmt.Sprintf("Problems (%d): enter goes to the field", len(m.problems))))
		maxP := min(len(m.problems), max(h/3, 3))
		sel := min(m.review.sel, len(m.problems)-1)
		start := min(max(sel-maxP+1, 0), max(len(m.problems)-maxP, 0))
		for i := start; i < start+maxP && i < len(m.problems); i++ {
			lines = append(lines, m.problemLine(m.problems[i], i == m.review.sel, w))
		}
	}
	// The selected problem in full, below its own section: what is wrong
	// and how to fix it.
	sel := min(m.review.sel, max(len(items)-1, 0))
	if sel < len(m.problems) {
		lines = append(lines, m.problemDetail(items, sel, w)...)
	}
	lines = append(lines, m.dirReviewLines(w, len(m.problems))...)
	if sel >= len(m.problems) {
		lines = append(lines, m.problemDetail(items, sel, w)...)
	}
	lines = append(lines, "")
	if m.encErr != nil {
		lines = append(lines, m.st.Error.Render("The settings cannot be encoded: "+m.encErr.Error()))
		return strings.Join(lines, "\n")
	}
	d := lineDiff(string(m.onDisk), string(m.encoded))
	added, removed := diffStats(d)
	var title string
	switch {
	case m.onDisk == nil:
		title = fmt.Sprintf("%s (new file, %d lines) — ctrl+s writes it", m.opts.Path, added)
	case added+removed == 0:
		title = fmt.Sprintf("%s — same as on disk", m.opts.Path)
	default:
		title = fmt.Sprintf("%s — +%d −%d against the file on disk; ctrl+s saves", m.opts.Path, added, removed)
	}
	lines = append(lines, m.st.Heading.Render(ansi.Truncate(title, w, "…")))
	room := h - len(lines)
	if room < 1 {
		return strings.Join(lines, "\n")
	}
	scroll := min(m.review.scroll, max(len(d)-room, 0))
	for i := scroll; i < len(d) && i < scroll+room; i++ {
		l := d[i]
		text := ansi.Truncate(string(l.Op)+" "+l.Text, w, "…")
		switch {
		case m.onDisk == nil:
			text = ansi.Truncate("  "+l.Text, w, "…")
		case l.Op == diffAdd:
			text = m.st.Added.Render(text)
		case l.Op == diffDel:
			text = m.st.Removed.Render(text)
		}
		lines = append(lines, text)
	}
	return strings.Join(lines, "\n")
}
