package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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

// arrive scrolls the file to its first change against the file on disk,
// so that what a save changes is on show at once.
func (r *reviewScreen) arrive() tea.Cmd {
	if r.m.onDisk != nil {
		r.scroll = 0
		r.scroll = r.changeFrom(-1, 1)
	}
	return nil
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

// problemLine renders one problem of Review's lists, wrapped in full: the
// screen and setting, then the message (what is wrong and how to fix it).
func (m *Model) problemLine(p wizard.Problem, selected bool, w int) string {
	where := m.screenTitle(p.Screen)
	if where == "" {
		where = "?"
	}
	text := fmt.Sprintf("%s › %s: %s", where, p.Setting, p.Message)
	mark := "! "
	style := m.c.Styles.Warning
	if p.Severity == wizard.Error {
		mark, style = "✗ ", m.c.Styles.Error
	}
	lines := strings.Split(wrap(mark+text, w-4), "\n")
	for i, l := range lines {
		switch {
		case i > 0:
			lines[i] = "    " + style.Render(l)
		case selected:
			lines[i] = m.c.Styles.Selected.Render("▸ " + l)
		default:
			lines[i] = "  " + style.Render(l)
		}
	}
	return strings.Join(lines, "\n")
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
		lines = append(lines, m.problemWindow(min(r.sel, len(m.problems)-1), r.sel, w, max(h/3, 4))...)
	}
	lines = append(lines, m.dirReviewLines(w, len(m.problems))...)
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
	for _, l := range strings.Split(wrap(title, w), "\n") {
		lines = append(lines, m.c.Styles.Heading.Render(l))
	}
	room := h - len(lines)
	if room < 1 {
		return strings.Join(lines, "\n")
	}
	// Each file line wraps under its +/- mark; the scroll stops where the
	// end of the file fills the room.
	rendered := func(i int) []string {
		l := d[i]
		op := string(l.Op) + " "
		if m.onDisk == nil {
			op = "  "
		}
		out := strings.Split(wrap(l.Text, w-4), "\n")
		for j, t := range out {
			if j == 0 {
				t = op + t
			} else {
				t = "    " + t // a continuation, under the line's text
			}
			switch {
			case m.onDisk == nil:
			case l.Op == diffAdd:
				t = m.c.Styles.Added.Render(t)
			case l.Op == diffDel:
				t = m.c.Styles.Removed.Render(t)
			}
			out[j] = t
		}
		return out
	}
	last, used := len(d), 0
	for last > 0 && used+len(rendered(last-1)) <= room {
		last--
		used += len(rendered(last))
	}
	scroll := min(r.scroll, last)
	for i := scroll; i < len(d) && room > 0; i++ {
		for _, t := range rendered(i) {
			if room == 0 {
				break
			}
			lines = append(lines, t)
			room--
		}
	}
	return strings.Join(lines, "\n")
}

// problemWindow renders the settings' problems in full, as many as fit in
// room lines, keeping the selected one (sel) on show.
func (m *Model) problemWindow(sel, cursor, w, room int) []string {
	ps := m.problems
	rendered := make([][]string, len(ps))
	for i, p := range ps {
		rendered[i] = strings.Split(m.problemLine(p, i == cursor, w), "\n")
	}
	start, used := sel, len(rendered[sel])
	for start > 0 && used+len(rendered[start-1]) <= room {
		start--
		used += len(rendered[start])
	}
	var out []string
	for i := start; i < len(ps); i++ {
		if len(out)+len(rendered[i]) > room && i > sel {
			out = append(out, m.c.Styles.Muted.Render(fmt.Sprintf("  … %d more (↓)", len(ps)-i)))
			break
		}
		out = append(out, rendered[i]...)
	}
	return out
}
