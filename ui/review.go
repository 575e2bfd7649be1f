package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// reviewScreen is the Review step: every problem with the screen that
// fixes it, and the file as it will be written with its diff against disk.
type reviewScreen struct {
	m      *Model
	sel    int // selected problem, an index into reviewItems
	scroll int // first file line shown
}

// newReviewScreen builds the Review screen.
func newReviewScreen(m *Model) screen { return &reviewScreen{m: m} }

func (r *reviewScreen) id() wizard.Screen { return wizard.ScreenReview }
func (r *reviewScreen) title() string     { return "Review" }
func (r *reviewScreen) intro() string {
	return "The file exactly as it will be saved, what changes, and every problem."
}

// clampSel keeps the selection on an item after the list shrank.
func (r *reviewScreen) clampSel() {
	r.sel = min(r.sel, max(len(r.m.reviewItems())-1, 0))
}

// changeFrom is the first line of the diff, from line i in direction dir,
// that starts a run of changes (one line of context above it); the
// current scroll when there is none.
func (r *reviewScreen) changeFrom(i, dir int) int {
	m := r.m
	d := lineDiff(string(m.onDisk), string(m.encoded))
	from := i + 1 // the scroll shows one line of context above the change
	for j := from; j >= 0 && j < len(d); j += dir {
		if d[j].Op != diffSame && (j == 0 || d[j-1].Op == diffSame) {
			return max(j-1, 0)
		}
	}
	return r.scroll
}

// help lists the Review keys.
func (r *reviewScreen) help() []key.Binding {
	k := r.m.c.Keys
	return []key.Binding{k.FixIt, k.NextDiff, k.Back, k.Save, k.Help, key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgup/pgdn", "scroll")), k.Quit}
}

// update selects problems, jumps to their fields and scrolls the file.
func (r *reviewScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	m, k := r.m, r.m.c.Keys
	items := m.reviewItems()
	switch {
	case key.Matches(km, k.Back):
		return m.back()
	case key.Matches(km, k.Down, k.ListDown, k.Next):
		r.sel = min(r.sel+1, max(len(items)-1, 0))
	case key.Matches(km, k.Up, k.ListUp, k.Prev):
		r.sel = max(r.sel-1, 0)
	case key.Matches(km, k.PageDown):
		r.scroll += 10
	case key.Matches(km, k.PageUp):
		r.scroll = max(r.scroll-10, 0)
	case key.Matches(km, k.NextDiff):
		r.scroll = r.changeFrom(r.scroll+1, 1)
	case key.Matches(km, k.PrevDiff):
		r.scroll = r.changeFrom(r.scroll-1, -1)
	case key.Matches(km, k.FixIt):
		if len(items) == 0 {
			return m.next()
		}
		return m.jumpTo(items[min(r.sel, len(items)-1)])
	}
	return nil
}

// problemLine renders one problem of Review's lists.
func (m *Model) problemLine(p wizard.Problem, selected bool, w int) string {
	where := m.screenTitle(p.Screen)
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
		return m.c.Styles.Selected.Render("▸ " + line)
	case p.Severity == wizard.Error:
		return "  " + m.c.Styles.Error.Render(line)
	}
	return "  " + m.c.Styles.Warning.Render(line)
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
		lines = append(lines, "    "+m.c.Styles.Muted.Render(l))
	}
	return lines
}

// reviewView shows the problems and the directory's warnings, then the file
// with its diff against disk.
func (r *reviewScreen) view(w, h int) string {
	m := r.m
	var lines []string
	items := m.reviewItems()
	switch {
	case len(items) == 0:
		lines = append(lines, m.c.Styles.OK.Render("✓ No problems found."))
	case len(m.problems) == 0:
		lines = append(lines, m.c.Styles.OK.Render("✓ No problems in the settings."))
	default:
		lines = append(lines, m.c.Styles.Heading.Render(fmt.Sprintf("Problems (%d): enter goes to the field", len(m.problems))))
		maxP := min(len(m.problems), max(h/3, 3))
		sel := min(r.sel, len(m.problems)-1)
		start := min(max(sel-maxP+1, 0), max(len(m.problems)-maxP, 0))
		for i := start; i < start+maxP && i < len(m.problems); i++ {
			lines = append(lines, m.problemLine(m.problems[i], i == r.sel, w))
		}
	}
	// The selected problem in full, below its own section: what is wrong
	// and how to fix it.
	sel := min(r.sel, max(len(items)-1, 0))
	if sel < len(m.problems) {
		lines = append(lines, m.problemDetail(items, sel, w)...)
	}
	lines = append(lines, m.dirReviewLines(w, len(m.problems))...)
	if sel >= len(m.problems) {
		lines = append(lines, m.problemDetail(items, sel, w)...)
	}
	lines = append(lines, "")
	if m.encErr != nil {
		lines = append(lines, m.c.Styles.Error.Render("The settings cannot be encoded: "+m.encErr.Error()))
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
	lines = append(lines, m.c.Styles.Heading.Render(ansi.Truncate(title, w, "…")))
	room := h - len(lines)
	if room < 1 {
		return strings.Join(lines, "\n")
	}
	scroll := min(r.scroll, max(len(d)-room, 0))
	for i := scroll; i < len(d) && i < scroll+room; i++ {
		l := d[i]
		text := ansi.Truncate(string(l.Op)+" "+l.Text, w, "…")
		switch {
		case m.onDisk == nil:
			text = ansi.Truncate("  "+l.Text, w, "…")
		case l.Op == diffAdd:
			text = m.c.Styles.Added.Render(text)
		case l.Op == diffDel:
			text = m.c.Styles.Removed.Render(text)
		}
		lines = append(lines, text)
	}
	return strings.Join(lines, "\n")
}
