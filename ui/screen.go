package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// screen is one step of the wizard, its own type in its own file. The root
// model keeps one of each (screenMakers, in the order of wizard.Steps()),
// gives the keys to the screen on show and every other message to all of
// them (each takes the answers it asked for), and draws the frame around
// the screen's view. A screen reads and edits the shared state (settings,
// problems, status) through the root model it was built with.
type screen interface {
	// id is the wizard step the screen is.
	id() wizard.Screen
	// title is the screen's short name in the header and in problems.
	title() string
	// intro is the line under the header saying what the screen is for.
	intro() string
	// update handles a key (the screen on show only) or an answer.
	update(msg tea.Msg) tea.Cmd
	// view draws the screen's body in w x h.
	view(w, h int) string
	// help lists the keys that matter now, for the help bar.
	help() []key.Binding
}

// Optional screen behaviours, checked with a type assertion.
type (
	// formed is a screen of fields.
	formed interface{ form() *form }
	// arriving starts work when the screen comes on show.
	arriving interface{ arrive() tea.Cmd }
	// leaving stops work when the screen goes away.
	leaving interface{ leave() }
	// capturing takes every key while it returns true (a line being typed,
	// a running sync), before the global keys.
	capturing interface{ capturing() bool }
	// editWatching is told, while on show, that the settings changed.
	editWatching interface{ edited() tea.Cmd }
	// pasting takes pasted text.
	pasting interface{ paste(tea.PasteMsg) tea.Cmd }
	// typing reports that a text line has the keyboard, so that printable
	// keys such as ? type rather than act.
	typing interface{ typing() bool }
)

// screenMakers is the one list of screens: adding a screen is its file and
// a line here. It is never modified.
var screenMakers = map[wizard.Screen]func(*Model) screen{
	wizard.ScreenWelcome:    newWelcomeScreen,
	wizard.ScreenConnection: newConnectionScreen,
	wizard.ScreenUsers:      newUsersScreen,
	wizard.ScreenGroups:     newGroupsScreen,
	wizard.ScreenSync:       newSyncScreen,
	wizard.ScreenEnrollment: newEnrollmentScreen,
	wizard.ScreenReview:     newReviewScreen,
	wizard.ScreenPreview:    newPreviewScreen,
	wizard.ScreenRun:        newRunScreen,
}

// flow is the order of the wizard's screens (wizard.Steps); never modified.
var flow = wizard.Steps()

// The screens the root model and the tests reach by type.
func (m *Model) connS() *connectionScreen {
	return m.screenOf(wizard.ScreenConnection).(*connectionScreen)
}
func (m *Model) enrollS() *enrollmentScreen {
	return m.screenOf(wizard.ScreenEnrollment).(*enrollmentScreen)
}
func (m *Model) reviewS() *reviewScreen   { return m.screenOf(wizard.ScreenReview).(*reviewScreen) }
func (m *Model) previewS() *previewScreen { return m.screenOf(wizard.ScreenPreview).(*previewScreen) }
func (m *Model) runS() *runScreen         { return m.screenOf(wizard.ScreenRun).(*runScreen) }
func (m *Model) syncS() *syncScreen       { return m.screenOf(wizard.ScreenSync).(*syncScreen) }
