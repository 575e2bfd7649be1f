package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	bt "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// welcomeItem is one choice on the Welcome screen.
type welcomeItem struct {
	preset string // "" opens the existing file
	label  string
	help   string
}

// welcomeItems lists the existing file (when there is one) and the presets.
func (m *Model) welcomeItems() []welcomeItem {
	var items []welcomeItem
	if m.opts.Exists {
		items = append(items, welcomeItem{label: "Open " + m.opts.Path, help: "Go on with the settings already in the file."})
	}
	for _, p := range wizard.Presets() {
		items = append(items, welcomeItem{preset: p.Name, label: "New: " + p.Title, help: p.Description})
	}
	return items
}

// welcomeKey moves in the Welcome list and applies the chosen item.
func (m *Model) welcomeKey(msg bt.KeyPressMsg) bt.Cmd {
	items := m.welcomeItems()
	switch {
	case key.Matches(msg, m.keys.Down, m.keys.ListDown, m.keys.Next):
		m.welcome = min(m.welcome+1, len(items)-1)
	case key.Matches(msg, m.keys.Up, m.keys.ListUp, m.keys.Prev):
		m.welcome = max(m.welcome-1, 0)
	case key.Matches(msg, m.keys.Enter):
		it := items[m.welcome]
		var cmd bt.Cmd
		if it.preset != "" {
			s, ok := m.presetSettings(it.preset)
			if !ok {
				m.status, m.statusOK = "Unknown preset "+it.preset, false
				return nil
			}
			cmd = m.loadSettings(s)
		}
		return bt.Batch(cmd, m.goTo(m.screen+1))
	}
	return nil
}

// welcomeView draws the Welcome list.
func (m *Model) welcomeView(w, h int) string {
	var b strings.Builder
	if m.opts.Demo != nil && m.opts.Demo.Banner != "" {
		b.WriteString(m.st.OK.Render(wrap(m.opts.Demo.Banner, w)) + "\n\n")
	}
	for i, it := range m.welcomeItems() {
		line := "  " + it.label
		if i == m.welcome {
			line = m.st.Selected.Render("▸ " + it.label)
		}
		b.WriteString(line + "\n")
		for _, l := range strings.Split(wrap(it.help, w-4), "\n") {
			b.WriteString("    " + m.st.Muted.Render(l) + "\n")
		}
	}
	b.WriteString("\n" + m.st.Muted.Render(wrap("Every choice can be changed on the next screens. Nothing is written until you save (ctrl+s).", w)))
	return b.String()
}
