package ui

import (
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Styles is the one set of Lip Gloss styles the whole UI draws with. It is
// built once by NewStyles and handed down to every screen and component, so
// nothing reads a global. With colour off (NO_COLOR, a dumb terminal, or a
// terminal without colour) every style falls back to text decoration only,
// so focus and problems stay visible.
type Styles struct {
	Color bool // false when the terminal shows no colour

	Title     lipgloss.Style // the application name in the header
	Step      lipgloss.Style // a step of the flow in the header
	StepNow   lipgloss.Style // the current step
	Heading   lipgloss.Style // a screen's heading
	Label     lipgloss.Style // a field label
	LabelNow  lipgloss.Style // the focused field's label
	Value     lipgloss.Style // a field value
	Muted     lipgloss.Style // explanations, hints, secondary text
	Disabled  lipgloss.Style // greyed-out fields
	Error     lipgloss.Style // errors and failed steps
	Warning   lipgloss.Style // warnings
	OK        lipgloss.Style // success marks
	Key       lipgloss.Style // a key name in the help bar
	Selected  lipgloss.Style // the selected row of a list or tree
	Added     lipgloss.Style // a diff line added
	Removed   lipgloss.Style // a diff line removed
	Dialog    lipgloss.Style // a modal dialog box
	StatusBar lipgloss.Style // the status line above the help bar
}

// colourOn reports whether a colour profile can show colour.
func colourOn(p colorprofile.Profile) bool {
	return p != colorprofile.NoTTY && p != colorprofile.Ascii
}

// NewStyles builds the styles for a terminal: color false gives a
// decoration-only theme (bold, underline, reverse, faint). Colours are taken
// from the 16-colour ANSI palette so that TERM=xterm shows them as meant; Bubble
// Tea converts them further when the terminal needs it.
func NewStyles(color bool) Styles {
	s := Styles{Color: color}
	base := lipgloss.NewStyle()
	s.Title = base.Bold(true)
	s.Step = base.Faint(true)
	s.StepNow = base.Bold(true).Underline(true)
	s.Heading = base.Bold(true)
	s.Label = base
	s.LabelNow = base.Bold(true)
	s.Value = base
	s.Muted = base.Faint(true)
	s.Disabled = base.Faint(true).Strikethrough(false)
	s.Error = base.Bold(true)
	s.Warning = base
	s.OK = base
	s.Key = base.Bold(true)
	s.Selected = base.Reverse(true)
	s.Added = base
	s.Removed = base
	s.Dialog = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
	s.StatusBar = base
	if !color {
		return s
	}
	cyan, red, yellow, green, blue := lipgloss.Color("6"), lipgloss.Color("9"), lipgloss.Color("3"), lipgloss.Color("2"), lipgloss.Color("4")
	s.Title = s.Title.Foreground(cyan)
	s.StepNow = base.Bold(true).Foreground(cyan)
	s.Heading = s.Heading.Foreground(cyan)
	s.LabelNow = s.LabelNow.Foreground(cyan)
	s.Error = base.Foreground(red)
	s.Warning = base.Foreground(yellow)
	s.OK = base.Foreground(green)
	s.Key = s.Key.Foreground(blue)
	s.Selected = base.Reverse(true).Foreground(cyan)
	s.Added = base.Foreground(green)
	s.Removed = base.Foreground(red)
	s.Dialog = s.Dialog.BorderForeground(cyan)
	return s
}
