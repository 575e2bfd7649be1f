package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// welcomeScreen is the first step: open the existing file or start from a preset.
type welcomeScreen struct {
	m   *Model
	sel int // selected item of the list
}

// newWelcomeScreen builds the Welcome screen, the demo's preset selected.
func newWelcomeScreen(m *Model) screen {
	s := &welcomeScreen{m: m}
	s.sel = s.demoIndex()
	return s
}

func (s *welcomeScreen) id() wizard.Screen { return wizard.ScreenWelcome }
func (s *welcomeScreen) title() string     { return "Welcome" }
func (s *welcomeScreen) intro() string {
	return "Start from a preset for your directory, or open the existing file."
}

// welcomeItem is one choice on the Welcome screen.
type welcomeItem struct {
	preset string // "" opens the existing file
	label  string
	help   string
}

// items lists the existing file (when there is one) and the presets.
func (s *welcomeScreen) items() []welcomeItem {
	var items []welcomeItem
	if s.m.opts.Exists {
		items = append(items, welcomeItem{label: "Open " + s.m.opts.Path, help: "Go on with the settings already in the file."})
	}
	for _, p := range wizard.Presets() {
		items = append(items, welcomeItem{preset: p.Name, label: "New: " + p.Title, help: p.Description})
	}
	return items
}

// demoIndex is the item of the demo's preset, or 0 (also when a file
// saved from the demo is there to open).
func (s *welcomeScreen) demoIndex() int {
	if s.m.opts.Demo == nil || s.m.opts.Exists {
		return 0
	}
	for i, it := range s.items() {
		if it.preset == s.m.opts.Demo.Preset {
			return i
		}
	}
	return 0
}

// update moves in the list and applies the chosen item.
func (s *welcomeScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	m, k := s.m, s.m.c.Keys
	items := s.items()
	switch {
	case key.Matches(km, k.Down, k.ListDown, k.Next):
		s.sel = min(s.sel+1, len(items)-1)
	case key.Matches(km, k.Up, k.ListUp, k.Prev):
		s.sel = max(s.sel-1, 0)
	case key.Matches(km, k.Enter):
		it := items[s.sel]
		var cmd tea.Cmd
		if it.preset != "" {
			st, ok := m.presetSettings(it.preset)
			if !ok {
				m.setStatus("Unknown preset "+it.preset, false)
				return nil
			}
			cmd = m.loadSettings(st)
		}
		return tea.Batch(cmd, m.next())
	}
	return nil
}

// view draws the list.
func (s *welcomeScreen) view(w, h int) string {
	m, st := s.m, s.m.c.Styles
	var b strings.Builder
	if m.opts.Demo != nil && m.opts.Demo.Banner != "" {
		b.WriteString(st.OK.Render(wrap(m.opts.Demo.Banner, w)) + "\n\n")
	}
	for i, it := range s.items() {
		line := "  " + it.label
		if i == s.sel {
			line = st.Selected.Render("▸ " + it.label)
		}
		b.WriteString(line + "\n")
		for _, l := range strings.Split(wrap(it.help, w-4), "\n") {
			b.WriteString("    " + st.Muted.Render(l) + "\n")
		}
	}
	b.WriteString("\n" + st.Muted.Render(wrap("Every choice can be changed on the next screens. Nothing is written until you save (ctrl+s).", w)))
	return b.String()
}

// help lists the Welcome keys.
func (s *welcomeScreen) help() []key.Binding {
	k := s.m.c.Keys
	return []key.Binding{withHelp(k.Enter, "choose"), key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓/j/k", "move")), k.Help, k.Quit}
}
