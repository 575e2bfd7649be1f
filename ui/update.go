package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Update handles one message. It never does I/O itself: keys go to the
// dialogs, the overlays or the screen on show; answers go to every screen
// (each takes its own) and to the overlays.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		return m, nil
	case tea.ColorProfileMsg:
		*m.c.Styles = NewStyles(colourOn(msg.Profile))
		return m, nil
	case validatedMsg:
		if m.validation.done(msg.seq) {
			m.setProblems(msg.problems)
		}
		return m, nil
	case savedMsg:
		return m, m.onSaved(msg)
	case diskReadMsg:
		return m, m.onDiskRead(msg)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.PasteMsg:
		return m, m.onPaste(msg)
	case attrCheckTick:
		return m, m.onAttrCheckTick(msg)
	case attrCheckMsg:
		return m, m.onAttrCheck(msg)
	}
	cmds := []tea.Cmd{m.routeOverlay(msg)}
	for _, s := range m.screens {
		cmds = append(cmds, s.update(msg))
	}
	return m, tea.Batch(cmds...)
}

// onKey handles a key press: dialogs first, then global keys, then the screen.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if m.confirmQuit {
		return m.onQuitDialogKey(msg)
	}
	if m.conflict != nil {
		return m.onConflictKey(msg)
	}
	// ctrl+s saves from anywhere: the help, a component, a line being typed.
	if key.Matches(msg, k.Save) {
		return m.saveCmd()
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.HelpF1, k.Back, k.Enter, k.Close) {
			m.showHelp = false
		}
		if key.Matches(msg, k.Quit) {
			m.showHelp = false
			return m.askQuit()
		}
		return nil
	}
	if m.overlayOpen() {
		return m.overlayKey(msg)
	}
	// A running sync takes esc and ctrl+c (to cancel); a line being typed
	// takes every key.
	if c, ok := m.cur().(capturing); ok && c.capturing() {
		return m.cur().update(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.askQuit()
	case key.Matches(msg, k.HelpF1) || (key.Matches(msg, k.Help) && !m.typing()):
		m.showHelp = true
		return nil
	case key.Matches(msg, k.NextPane):
		return m.next()
	case key.Matches(msg, k.PrevPane):
		return m.back()
	}
	return m.cur().update(msg)
}

// typing reports whether a text line of the screen on show has the
// keyboard: there ? types, and F1 opens the help.
func (m *Model) typing() bool {
	t, ok := m.cur().(typing)
	return ok && t.typing()
}

// currentField returns the focused field of the screen on show, or nil.
func (m *Model) currentField() *field {
	f := m.formOf(flow[m.screen])
	if f == nil {
		return nil
	}
	return f.current(m.settings)
}

// onPaste puts pasted text into whatever has the keyboard.
func (m *Model) onPaste(msg tea.PasteMsg) tea.Cmd {
	if m.explain != nil && !m.confirmQuit && m.conflict == nil && !m.showHelp {
		return m.explainPaste(msg)
	}
	if m.login != nil && !m.confirmQuit && m.conflict == nil && !m.showHelp {
		return m.loginPaste(msg)
	}
	if m.confirmQuit || m.conflict != nil || m.showHelp || m.overlayOpen() {
		return m.pickerPaste(msg)
	}
	if p, ok := m.cur().(pasting); ok {
		return p.paste(msg)
	}
	return nil
}
