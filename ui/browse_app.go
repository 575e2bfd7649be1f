package ui

import (
	"context"
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
	c      *Common
	cancel context.CancelFunc // ends c.Ctx when the program quits
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
	bm := &BrowseModel{path: path}
	bm.c, bm.cancel = newCommon(context.Background(), color) // a session of its own, ended by quitting
	bm.b, bm.start = newBrowser(1, bm.c, "", s.TimeoutDuration(), settingsDialer(cloneSettings(s), "", getenv))
	return bm
}

// Init connects to the directory.
func (bm *BrowseModel) Init() tea.Cmd { return bm.start }

// Update handles keys and the browser's answers.
func (bm *BrowseModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		bm.c.Width, bm.c.Height = msg.Width, msg.Height
	case tea.ColorProfileMsg:
		*bm.c.Styles = NewStyles(colourOn(msg.Profile))
	case tea.KeyPressMsg:
		if key.Matches(msg, bm.c.Keys.Quit) || (key.Matches(msg, bm.c.Keys.Close) && !bm.b.filtering) {
			return bm, tea.Sequence(bm.b.closeCmd(), bm.quit())
		}
		cmd, res := bm.b.key(msg, bm.c.Height-6)
		if res != nil {
			return bm, tea.Sequence(cmd, bm.quit())
		}
		return bm, cmd
	default:
		return bm, bm.b.handle(msg)
	}
	return bm, nil
}

// quit ends the session's context and the program.
func (bm *BrowseModel) quit() tea.Cmd {
	bm.cancel()
	return tea.Quit
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
	w, h := bm.c.Width, bm.c.Height
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("The terminal is %dx%d; ldapwiz needs at least %dx%d.\nMake the window larger (q quits).", w, h, MinWidth, MinHeight)
		return lipgloss.Place(max(w, 1), max(h, 1), lipgloss.Center, lipgloss.Center, msg)
	}
	head := ansi.Truncate(bm.c.Styles.Title.Render("ldapwiz browse")+" "+bm.c.Styles.Muted.Render(bm.path), w, "…")
	var parts []string
	for _, b := range bm.b.help() {
		hp := b.Help()
		if hp.Desc == "close" {
			hp.Key, hp.Desc = "esc/q", "quit"
		}
		parts = append(parts, bm.c.Styles.Key.Render(hp.Key)+" "+bm.c.Styles.Muted.Render(hp.Desc))
	}
	help := ""
	for _, p := range parts {
		next := help
		if next != "" {
			next += bm.c.Styles.Muted.Render(" · ")
		}
		if lipgloss.Width(next+p) > w {
			break
		}
		help = next + p
	}
	return head + "\n" + fitBlock(bm.b.view(w, h-2), w, h-2) + "\n" + help
}
