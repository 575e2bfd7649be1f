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
	w, h := m.width, m.height
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
	title := m.st.Title.Render("ldapwiz") + " " + m.st.Muted.Render(m.opts.Path)
	if m.Dirty() {
		title += " " + m.st.Warning.Render("● unsaved")
	}
	var steps []string
	for i, sc := range flow {
		name := screenTitle(sc)
		if i == m.screen {
			steps = append(steps, m.st.StepNow.Render(name))
		} else {
			steps = append(steps, m.st.Step.Render(name))
		}
	}
	line := strings.Join(steps, m.st.Muted.Render(" › "))
	if lipgloss.Width(line) > w {
		line = m.st.StepNow.Render(fmt.Sprintf("Step %d of %d: %s", m.screen+1, len(flow), screenTitle(flow[m.screen])))
	}
	return ansi.Truncate(title, w, "…") + "\n" + line
}

// footerView is the status line and the one-line help bar.
func (m *Model) footerView(w int) string {
	status := m.statusLine()
	return ansi.Truncate(status, w, "…") + "\n" + m.helpBar(w)
}

// statusLine says the last action's result, else a summary of the problems.
func (m *Model) statusLine() string {
	if m.status != "" {
		if m.statusOK {
			return m.st.OK.Render(m.status)
		}
		return m.st.Error.Render(m.status)
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
		return m.st.OK.Render("✓ no problems found")
	}
	return m.st.Warning.Render(fmt.Sprintf("%s, %s: the Review screen lists them", plural(errs, "error"), plural(warns, "warning")))
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
	k := m.keys
	switch {
	case m.confirmQuit:
		return m.st.Muted.Render("s save and quit · d discard and quit · esc cancel")
	case m.showHelp:
		bs = []key.Binding{k.Back}
	case m.overlayOpen():
		bs = m.overlayHelp()
	default:
		bs = m.screenHelp()
	}
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, m.st.Key.Render(h.Key)+" "+m.st.Muted.Render(h.Desc))
	}
	out := ""
	for _, p := range parts {
		next := out
		if next != "" {
			next += m.st.Muted.Render(" · ")
		}
		next += p
		if lipgloss.Width(next) > w {
			break
		}
		out = next
	}
	return out
}

// screenHelp lists the keys for the screen on show.
func (m *Model) screenHelp() []key.Binding {
	k := m.keys
	switch flow[m.screen] {
	case wizard.ScreenWelcome:
		return []key.Binding{withHelp(k.Enter, "choose"), key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓/j/k", "move")), k.Help, k.Quit}
	case wizard.ScreenReview:
		return []key.Binding{k.FixIt, k.Save, key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgup/pgdn", "scroll")), k.Back, k.Help, k.Quit}
	case wizard.ScreenPreview:
		return m.previewHelp()
	case wizard.ScreenRun:
		return m.runHelp()
	}
	bs := []key.Binding{k.Next, withHelp(k.Enter, "next")}
	if fl := m.currentField(); fl != nil {
		switch {
		case fl.Pick == pickUserBase || fl.Pick == pickGroupBase:
			bs = append(bs, withHelp(k.Browse, "browse"))
		case fl.Pick != pickNone:
			bs = append(bs, withHelp(k.Pick, "pick"))
		case fl.Kind == kindBool || fl.Kind == kindChoice:
			bs = append(bs, withHelp(k.Toggle, "change"))
		}
	}
	if flow[m.screen] == wizard.ScreenConnection {
		bs = append(bs, withHelp(k.Test, "test"))
	}
	if flow[m.screen] == wizard.ScreenEnrollment && m.mail.asking {
		return []key.Binding{withHelp(k.Enter, "send"), withHelp(k.Back, "cancel")}
	}
	if flow[m.screen] == wizard.ScreenEnrollment && m.settings.SMTP.Host != "" {
		bs = append(bs, withHelp(k.Test, "test email"))
	}
	if m.undo != nil {
		bs = append(bs, withHelp(k.Undo, "undo bases"))
	}
	return append(bs, k.Back, k.Save, k.Help, k.Quit)
}

// withHelp returns a copy of a binding with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// fullHelpView lists every key.
func (m *Model) fullHelpView(w, h int) string {
	k := m.keys
	groups := [][]key.Binding{
		{k.Next, k.Prev, k.Up, k.Down, k.Enter, k.Back, k.NextPane, k.PrevPane},
		{k.Left, k.Right, k.Toggle, k.Browse, k.Pick, k.Test, k.Apply, k.GoTo, k.Undo},
		{k.ListDown, k.ListUp, k.PageDown, k.PageUp, k.Filter, k.Save, k.Help, k.Quit},
	}
	var items []string
	for _, g := range groups {
		for _, bind := range g {
			hp := bind.Help()
			items = append(items, m.st.Key.Render(fmt.Sprintf("%-10s", hp.Key))+" "+hp.Desc)
		}
	}
	rows := len(items)
	if w >= 70 || rows > h-5 {
		rows = (len(items) + 1) / 2
	}
	colW := w/2 - 2
	lines := []string{m.st.Heading.Render("Keys"), ""}
	for i := range rows {
		l := "  " + items[i]
		if j := i + rows; j < len(items) {
			l = padRight(l, colW) + "  " + items[j]
		}
		lines = append(lines, l)
	}
	lines = append(lines, "", m.st.Muted.Render(wrap("In lists, j and k move too. In a password field ? types: press F1 for help there. esc or ? closes this help.", w)))
	return strings.Join(lines, "\n")
}

// quitDialogView asks what to do with unsaved changes.
func (m *Model) quitDialogView(w, h int) string {
	box := m.st.Dialog.Render(m.st.Heading.Render("Unsaved changes") + "\n\n" +
		"The settings differ from " + m.opts.Path + ".\n\n" +
		m.st.Key.Render("s") + " save and quit   " +
		m.st.Key.Render("d") + " discard and quit   " +
		m.st.Key.Render("esc") + " cancel")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// screenView draws the screen on show.
func (m *Model) screenView(w, h int) string {
	sc := flow[m.screen]
	head := m.st.Heading.Render(screenTitle(sc)) + "  " + m.st.Muted.Render(screenIntro(sc))
	head = ansi.Truncate(head, w, "…")
	bodyH := h - 2
	var body string
	switch sc {
	case wizard.ScreenWelcome:
		body = m.welcomeView(w, bodyH)
	case wizard.ScreenReview:
		body = m.reviewView(w, bodyH)
	case wizard.ScreenPreview:
		body = m.previewView(w, bodyH)
	case wizard.ScreenRun:
		body = m.runView(w, bodyH)
	case wizard.ScreenEnrollment:
		body = m.enrollmentView(w, bodyH)
	case wizard.ScreenConnection:
		body = m.connectionView(w, bodyH)
	case wizard.ScreenUsers, wizard.ScreenGroups:
		body = m.searchScreenView(sc, w, bodyH)
	default:
		body = m.forms[sc].view(w, bodyH, m.st, &m.settings, m.shownProblems(), true)
	}
	return head + "\n\n" + body
}

// wrap breaks plain text into lines of at most w cells at word boundaries.
func wrap(s string, w int) string {
	return ansi.Wordwrap(s, max(w, 10), "")
}
