package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// View draws the wizard in the alternate screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "ldapwiz"
	return v
}

// Render returns the frame as text: header, the screen (or a dialog),
// status line and help bar, exactly width x height.
func (m *Model) Render() string {
	w, h := m.c.Width, m.c.Height
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("The terminal is %dx%d; ldapwiz needs at least %dx%d.\nMake the window larger (ctrl+c quits).", w, h, MinWidth, MinHeight)
		return lipgloss.Place(max(w, 1), max(h, 1), lipgloss.Center, lipgloss.Center, msg)
	}
	header := m.headerView(w)
	footer := m.footerView(w)
	bodyH := h - lipgloss.Height(header) - lipgloss.Height(footer)
	var body string
	switch {
	case m.confirmQuit:
		body = m.quitDialogView(w, bodyH)
	case m.conflict != nil:
		body = m.conflictView(w, bodyH)
	case m.showHelp:
		body = m.fullHelpView(w, bodyH)
	case m.overlayOpen():
		body = m.overlayView(w, bodyH)
	default:
		body = m.screenView(w, bodyH)
	}
	body = fitBlock(body, w, bodyH)
	return header + "\n" + body + "\n" + footer
}

// fitBlock pads or cuts s to exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// headerView is the title line and the steps of the flow.
func (m *Model) headerView(w int) string {
	mark := ""
	if m.Dirty() && (m.baseline != nil || m.touched) {
		mark = " " + m.c.Styles.Warning.Render("● unsaved")
	}
	// A long path gives way from its start, so the unsaved mark stays on show.
	path, room := m.opts.Path, w-len("ldapwiz ")-lipgloss.Width(mark)
	if pw := ansi.StringWidth(path); pw > room && room > 1 {
		path = "…" + ansi.Cut(path, pw-room+1, pw)
	}
	title := m.c.Styles.Title.Render("ldapwiz") + " " + m.c.Styles.Muted.Render(path) + mark
	var steps []string
	for i, sc := range m.screens {
		name := sc.title()
		if i == m.screen {
			steps = append(steps, m.c.Styles.StepNow.Render(name))
		} else {
			steps = append(steps, m.c.Styles.Step.Render(name))
		}
	}
	line := strings.Join(steps, m.c.Styles.Muted.Render(" › "))
	if lipgloss.Width(line) > w {
		line = m.c.Styles.StepNow.Render(fmt.Sprintf("Step %d of %d: %s", m.screen+1, len(flow), m.cur().title()))
	}
	return ansi.Truncate(title, w, "…") + "\n" + line
}

// footerView is the status line, wrapped (up to three lines), and the
// one-line help bar.
func (m *Model) footerView(w int) string {
	lines := strings.Split(m.statusLine(w), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = ansi.Truncate(lines[2], w-1, "") + "…"
	}
	return strings.Join(lines, "\n") + "\n" + m.helpBar(w)
}

// statusLine says the last action's result, wrapped at w, else a summary
// of the problems.
func (m *Model) statusLine(w int) string {
	if m.status != "" {
		st := m.c.Styles.Error
		if m.statusOK {
			st = m.c.Styles.OK
		}
		var out []string
		for _, l := range strings.Split(wrap(m.status, w), "\n") {
			out = append(out, st.Render(l))
		}
		return strings.Join(out, "\n")
	}
	errs, warns := 0, 0
	for _, p := range m.reviewItems() {
		if p.Severity == wizard.Error {
			errs++
		} else {
			warns++
		}
	}
	if errs+warns == 0 {
		return m.c.Styles.OK.Render("✓ no problems found")
	}
	return m.c.Styles.Warning.Render(fmt.Sprintf("%s, %s: the Review screen lists them", plural(errs, "error"), plural(warns, "warning")))
}

// plural renders "1 error" / "2 errors".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// helpBar renders the keys that matter now, on one line.
func (m *Model) helpBar(w int) string {
	var bs []key.Binding
	k := m.c.Keys
	switch {
	case m.confirmQuit:
		bs = []key.Binding{k.SaveQuit, k.DiscardQuit, withHelp(k.Back, "cancel")}
	case m.conflict != nil:
		bs = []key.Binding{withHelp(k.Overwrite, "overwrite"), withHelp(k.Reload, "reload"), withHelp(k.Back, "cancel")}
	case m.showHelp:
		bs = []key.Binding{k.Back}
	case m.overlayOpen():
		bs = m.overlayHelp()
	default:
		bs = m.cur().help()
		if m.typing() {
			bs = swapBinding(bs, k.Help, k.HelpF1) // ? types here
		}
	}
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, m.c.Styles.Key.Render(h.Key)+" "+m.c.Styles.Muted.Render(h.Desc))
	}
	out := ""
	for _, p := range parts {
		next := out
		if next != "" {
			next += m.c.Styles.Muted.Render(" · ")
		}
		next += p
		if lipgloss.Width(next) > w {
			break
		}
		out = next
	}
	return out
}

// swapBinding replaces the binding showing old's key by repl.
func swapBinding(bs []key.Binding, old, repl key.Binding) []key.Binding {
	out := make([]key.Binding, len(bs))
	for i, b := range bs {
		out[i] = b
		if b.Help().Key == old.Help().Key {
			out[i] = repl
		}
	}
	return out
}

// withHelp returns a copy of a binding with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// fullHelpView lists every key.
func (m *Model) fullHelpView(w, h int) string {
	k := m.c.Keys
	groups := [][]key.Binding{
		{k.Next, k.Prev, k.Up, k.Down, k.Enter, k.Back, k.NextPane, k.PrevPane},
		{k.Left, k.Right, k.Toggle, k.Browse, k.Pick, k.Test, k.Apply, k.GoTo, k.Undo},
		{k.ListDown, k.ListUp, k.PageDown, k.PageUp, k.Filter, k.EntryDown, k.Save, k.Help, k.Quit},
	}
	var items []string
	for _, g := range groups {
		for _, bind := range g {
			hp := bind.Help()
			items = append(items, m.c.Styles.Key.Render(fmt.Sprintf("%-10s", hp.Key))+" "+hp.Desc)
		}
	}
	rows := len(items)
	if w >= 70 || rows > h-5 {
		rows = (len(items) + 1) / 2
	}
	colW := w/2 - 2
	lines := []string{m.c.Styles.Heading.Render("Keys"), ""}
	for i := range rows {
		l := "  " + items[i]
		if j := i + rows; j < len(items) {
			l = padRight(l, colW) + "  " + items[j]
		}
		lines = append(lines, l)
	}
	lines = append(lines, "", m.c.Styles.Muted.Render(wrap("In lists, j and k move too. In a text field ? types: press F1 for help there. esc, ? or F1 closes this help.", w)))
	return strings.Join(lines, "\n")
}

// quitDialogView asks what to do with unsaved changes.
func (m *Model) quitDialogView(w, h int) string {
	box := m.c.Styles.Dialog.Render(m.c.Styles.Heading.Render("Unsaved changes") + "\n\n" +
		"The settings differ from " + m.opts.Path + ".\n\n" +
		m.c.Styles.Key.Render("s") + " save and quit   " +
		m.c.Styles.Key.Render("d") + " discard and quit   " +
		m.c.Styles.Key.Render("esc") + " cancel")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// screenView draws the screen on show under its heading.
func (m *Model) screenView(w, h int) string {
	sc := m.cur()
	// The intro wraps under the title rather than being cut.
	room := strings.Repeat("x", ansi.StringWidth(sc.title())+1) + " " // the title and two spaces
	lines := strings.Split(wrap(room+sc.intro(), w), "\n")
	lines[0] = m.c.Styles.Heading.Render(sc.title()) + "  " + m.c.Styles.Muted.Render(strings.TrimPrefix(lines[0], room))
	for i := 1; i < len(lines); i++ {
		lines[i] = m.c.Styles.Muted.Render(lines[i])
	}
	return strings.Join(lines, "\n") + "\n\n" + sc.view(w, h-len(lines)-1)
}

// wrap breaks plain text into lines of at most w cells at spaces only (a
// hyphen, as in --force or e-mail, never breaks a word); a word longer
// than a line is cut into pieces.
func wrap(s string, w int) string {
	w = max(w, 10)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lw := "", 0
		for _, word := range strings.Fields(para) {
			ww := ansi.StringWidth(word)
			switch {
			case lw == 0:
			case lw+1+ww <= w:
				line, lw = line+" "+word, lw+1+ww
				continue
			default:
				out = append(out, line)
			}
			for ww > w {
				out = append(out, ansi.Cut(word, 0, w))
				word = ansi.Cut(word, w, ww)
				ww = ansi.StringWidth(word)
			}
			line, lw = word, ww
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
