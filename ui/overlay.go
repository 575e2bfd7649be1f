package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// overlayOpen reports whether a component (browser or picker) covers the screen.
func (m *Model) overlayOpen() bool {
	return m.browser != nil || m.picker != nil || m.explain != nil || m.login != nil
}

// overlayKey sends a key to the open component and applies its result.
func (m *Model) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.c.Keys.Quit) {
		var cmd tea.Cmd
		if m.browser != nil {
			cmd = m.browser.closeCmd()
			m.browser = nil
		}
		m.closePicker()
		m.closeExplain()
		m.closeLogin()
		return tea.Batch(cmd, m.askQuit())
	}
	if key.Matches(msg, m.c.Keys.Save) {
		return m.saveCmd()
	}
	if m.explain != nil {
		return m.explainKey(msg)
	}
	if m.login != nil {
		return m.loginKey(msg)
	}
	if m.browser != nil {
		cmd, res := m.browser.key(msg, m.c.Height-6)
		if res != nil {
			m.browser = nil
			if res.picked != "" && m.browserField != nil {
				return tea.Batch(cmd, m.setField(m.browserField, res.picked))
			}
		}
		return cmd
	}
	return m.pickerKey(msg)
}

// setField puts a picked value into a field and the settings.
func (m *Model) setField(f *field, v string) tea.Cmd {
	f.set(&m.settings, v)
	f.load(&m.settings)
	return m.changed()
}

// overlayView draws the open component.
func (m *Model) overlayView(w, h int) string {
	if m.explain != nil {
		return m.explainView(w, h)
	}
	if m.login != nil {
		return m.loginView(w, h)
	}
	if m.browser != nil {
		return m.browser.view(w, h)
	}
	return m.pickerView(w, h)
}

// overlayHelp lists the open component's keys.
func (m *Model) overlayHelp() []key.Binding {
	if m.explain != nil {
		return m.explainHelp()
	}
	if m.login != nil {
		return m.loginHelp()
	}
	if m.browser != nil {
		return m.browser.help()
	}
	return m.pickerHelp()
}

// openBrowserFor opens the directory browser to pick the value of a DN field.
func (m *Model) openBrowserFor(f *field) tea.Cmd {
	m.nextID++
	b, cmd := newBrowser(m.nextID, m.c, f.Key, m.settings.TimeoutDuration(), m.dialer())
	b.startAt(f.get(&m.settings)) // open where the field's base is, not collapsed at the root
	m.browser, m.browserField = b, f
	return cmd
}

// routeOverlay delivers the answer of a command to the open component.
func (m *Model) routeOverlay(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case explainDoneMsg:
		return m.onExplainDone(msg)
	case loginDoneMsg:
		return m.onLoginDone(msg)
	case spinner.TickMsg:
		if m.explain != nil && m.explain.running {
			return m.explainSpin(msg)
		}
		if m.login != nil && m.login.running {
			return m.loginSpin(msg)
		}
	case browserConnMsg, browserPageMsg, browserEntryMsg, browserEntryTick:
		if m.browser != nil {
			cmd := m.browser.handle(msg)
			m.connOK = m.connOK || m.browser.connected
			return cmd
		}
		if c, ok := msg.(browserConnMsg); ok && c.conn != nil {
			return func() tea.Msg { _ = c.conn.Close(); return nil }
		}
		return nil
	}
	return m.routePicker(msg)
}
