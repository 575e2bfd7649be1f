package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// BrowseModel is `ldapwiz browse`: the directory browser alone, on the
// connection settings of a config file.
type BrowseModel struct {
	keys   KeyMap
	st     Styles
	width  int
	height int
	b      *browser
	start  tea.Cmd
	path   string
}

// NewBrowse builds the browser program for the settings; getenv resolves
// bind_password_env.
func NewBrowse(path string, s wizard.Settings, getenv func(string) string, color bool) *BrowseModel {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	m := &Model{settings: cloneSettings(s), opts: Options{Getenv: getenv}}
	bm := &BrowseModel{keys: DefaultKeyMap(), st: NewStyles(color), width: 80, height: 24, path: path}
	bm.b, bm.start = newBrowser(1, bm.st, bm.keys, "", m.dialer())
	return bm
}

// Init connects to the directory.
func (bm *BrowseModel) Init() tea.Cmd { return bm.start }

// Update handles keys and the browser's answers.
func (bm *BrowseModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		bm.width, bm.height = msg.Width, msg.Height
	case tea.ColorProfileMsg:
		bm.st = NewStyles(colourOn(msg.Profile))
		bm.b.st = bm.st
	case tea.KeyPressMsg:
		if key.Matches(msg, bm.keys.Quit) || (msg.String() == "q" && !bm.b.filtering) {
			return bm, tea.Sequence(bm.b.closeCmd(), tea.Quit)
		}
		cmd, res := bm.b.key(msg, bm.height-6)
		if res != nil {
			return bm, tea.Sequence(cmd, tea.Quit)
		}
		return bm, cmd
	default:
		return bm, bm.b.handle(msg)
	}
	return bm, nil
}

// View draws the browser full screen.
func (bm *BrowseModel) View() tea.View {
	v := tea.NewView(bm.Render())
	v.AltScreen = true
	v.WindowTitle = "ldapwiz browse"
	return v
}

// Render returns the frame as text.
func (bm *BrowseModel) Render() string {
	w, h := bm.width, bm.height
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("The terminal is %dx%d; ldapwiz needs at least %dx%d.\nMake the window larger (q quits).", w, h, MinWidth, MinHeight)
		return lipgloss.Place(max(w, 1), max(h, 1), lipgloss.Center, lipgloss.Center, msg)
	}
	head := ansi.Truncate(bm.st.Title.Render("ldapwiz browse")+" "+bm.st.Muted.Render(bm.path), w, "…")
	var parts []string
	for _, b := range bm.b.help() {
		hp := b.Help()
		if hp.Desc == "close" {
			hp.Key, hp.Desc = "esc/q", "quit"
		}
		parts = append(parts, bm.st.Key.Render(hp.Key)+" "+bm.st.Muted.Render(hp.Desc))
	}
	help := ""
	for _, p := range parts {
		next := help
		if next != "" {
			next += bm.st.Muted.Render(" · ")
		}
		if lipgloss.Width(next+p) > w {
			break
		}
		help = next + p
	}
	return head + "\n" + fitBlock(bm.b.view(w, h-2), w, h-2) + "\n" + help
}
