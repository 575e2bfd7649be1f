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
	sel    int // selected problem
	scroll int // first file line shown
}

// reviewKey selects problems, jumps to their fields and scrolls the file.
func (m *Model) reviewKey(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.review
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.goTo(m.screen - 1)
	case key.Matches(msg, m.keys.Down, m.keys.ListDown, m.keys.Next):
		r.sel = min(r.sel+1, max(len(m.problems)-1, 0))
	case key.Matches(msg, m.keys.Up, m.keys.ListUp, m.keys.Prev):
		r.sel = max(r.sel-1, 0)
	case key.Matches(msg, m.keys.PageDown):
		r.scroll += 10
	case key.Matches(msg, m.keys.PageUp):
		r.scroll = max(r.scroll-10, 0)
	case key.Matches(msg, m.keys.FixIt):
		if len(m.problems) == 0 {
			return m.goTo(m.screen + 1)
		}
		return m.jumpTo(m.problems[r.sel])
	}
	return nil
}

// reviewView shows the problems, then the file with its diff against disk.
func (m *Model) reviewView(w, h int) string {
	var lines []string
	if len(m.problems) == 0 {
		lines = append(lines, m.st.OK.Render("✓ No problems found."))
	} else {
		lines = append(lines, m.st.Heading.Render(fmt.Sprintf("Problems (%d): enter goes to the field", len(m.problems))))
		maxP := min(len(m.problems), max(h/3, 3))
		start := min(max(m.review.sel-maxP+1, 0), max(len(m.problems)-maxP, 0))
		for i := start; i < start+maxP && i < len(m.problems); i++ {
			p := m.problems[i]
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
			if i == m.review.sel {
				line = m.st.Selected.Render("▸ " + line)
			} else if p.Severity == wizard.Error {
				line = "  " + m.st.Error.Render(line)
			} else {
				line = "  " + m.st.Warning.Render(line)
			}
			lines = append(lines, line)
		}
		// The selected problem in full: what is wrong and how to fix it.
		sel := m.problems[min(m.review.sel, len(m.problems)-1)]
		for i, l := range strings.Split(wrap(sel.Message, w-4), "\n") {
			if i == 3 {
				break
			}
			lines = append(lines, "    "+m.st.Muted.Render(l))
		}
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
