// Package ui is the ldapwiz terminal wizard: one Bubble Tea root model (Model)
// owning the current screen, with one keymap and one styles definition handed
// down to the screens and components. Update never does I/O: directory calls,
// file reads and writes and validation run as tea.Cmds, and their answers
// carry a request id so stale answers are dropped.
package ui

import (
	"bytes"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// Minimum terminal size the wizard draws in; below it a message asks for more.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Options is what the wizard starts from.
type Options struct {
	Path     string          // the config file the wizard saves to
	Settings wizard.Settings // loaded from Path, or wizard.Default() for a new file
	Exists   bool            // Path existed and Settings came from it
	OnDisk   []byte          // Path's bytes as on disk, for the Review diff; nil when new
	Getenv   func(string) string
	Color    bool // draw in colour; a ColorProfileMsg without colour turns it off
	// Save writes the file; nil uses the store's atomic save.
	Save func(path string, data []byte) error
	// Demo is set when the wizard runs against the embedded demo directory.
	Demo *Demo
}

// Model is the wizard's root model. It is used through a pointer: Update
// changes it in place and returns it.
type Model struct {
	opts   Options
	keys   KeyMap
	st     Styles
	width  int
	height int

	settings wizard.Settings
	screen   int // index into flow
	forms    map[wizard.Screen]*form
	welcome  int // selected item of the Welcome list

	problems []wizard.Problem
	byKey    map[string][]wizard.Problem
	valSeq   int // id of the newest validation request

	baseline []byte // the settings' encoding when last loaded or saved
	encoded  []byte // the settings' encoding now
	encErr   error
	onDisk   []byte
	status   string
	statusOK bool

	showHelp      bool
	confirmQuit   bool
	quitAfterSave bool
	saving        bool

	pwSource     string
	pwStash      map[string]string
	testPassword string // typed for the connection test only; never saved

	test   connTest
	review reviewState

	nextID       int // ids of components and requests
	browser      *browser
	browserField *field
	picker       *pickerState

	connOK     bool              // a connection test bound, or the browser connected: live counts may run
	notes      map[string]string // per-setting warnings from the directory (e.g. a non-unique username attribute)
	userCount  liveCount
	groupCount liveCount
	checks     attrChecks // the directory's verdict on the username, naming and group name attributes

	undo    *rebaseUndo  // bases an automatic rebase replaced (ctrl+z)
	preview previewState // the Preview screen
	run     runState     // the Run screen
	mail    mailTest     // the Enrollment screen's test e-mail
}

// New builds the wizard on the given options.
func New(opts Options) *Model {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	m := &Model{
		opts:     opts,
		keys:     DefaultKeyMap(),
		st:       NewStyles(opts.Color),
		width:    80,
		height:   24,
		settings: opts.Settings,
		onDisk:   opts.OnDisk,
		pwStash:  map[string]string{},
		byKey:    map[string][]wizard.Problem{},
		notes:    map[string]string{},
	}
	m.pwSource = passwordSource(m.settings.Connection)
	m.forms = map[wizard.Screen]*form{}
	m.forms[wizard.ScreenConnection] = newForm(&m.settings, m.connectionFields()...)
	m.forms[wizard.ScreenUsers] = newForm(&m.settings, usersFields()...)
	m.forms[wizard.ScreenGroups] = newForm(&m.settings, groupsFields()...)
	m.forms[wizard.ScreenSync] = newForm(&m.settings, syncFields()...)
	m.forms[wizard.ScreenEnrollment] = newForm(&m.settings, enrollmentFields()...)
	m.welcome = m.demoWelcomeIndex()
	m.reencode()
	if opts.Exists {
		m.baseline = m.encoded
	}
	return m
}

// Init starts the first validation.
func (m *Model) Init() tea.Cmd {
	return m.validateCmd()
}

// Settings returns the settings as edited so far.
func (m *Model) Settings() wizard.Settings { return m.settings }

// Screen returns the screen on show.
func (m *Model) Screen() wizard.Screen { return flow[m.screen] }

// Dirty reports whether the settings differ from the file on disk.
func (m *Model) Dirty() bool { return m.baseline == nil || !bytes.Equal(m.baseline, m.encoded) }

// Problems returns the latest validation problems.
func (m *Model) Problems() []wizard.Problem { return m.problems }

// reencode renders the settings as they would be saved.
func (m *Model) reencode() {
	m.encoded, m.encErr = encodeSettings(m.settings)
}

// validatedMsg carries the problems found for the settings of request seq.
type validatedMsg struct {
	seq      int
	problems []wizard.Problem
}

// validateCmd validates a copy of the current settings off the update loop.
func (m *Model) validateCmd() tea.Cmd {
	m.valSeq++
	seq, s, getenv := m.valSeq, cloneSettings(m.settings), m.opts.Getenv
	return func() tea.Msg { return validatedMsg{seq: seq, problems: validateSettings(s, getenv)} }
}

// cloneSettings copies the settings deeply enough that a command may read
// them while the user goes on editing.
func cloneSettings(s wizard.Settings) wizard.Settings {
	s.Users.AdditionalObjectClasses = append([]string(nil), s.Users.AdditionalObjectClasses...)
	s.Groups.SyncOnly = append([]string(nil), s.Groups.SyncOnly...)
	return s
}

// changed is called after every edit: re-encode, revalidate, refresh caches.
func (m *Model) changed() tea.Cmd {
	m.reencode()
	m.status = ""
	return tea.Batch(m.validateCmd(), m.liveCountCmd(), m.attrCheckCmd())
}

// setProblems stores a validation answer.
func (m *Model) setProblems(ps []wizard.Problem) {
	m.problems = ps
	m.byKey = map[string][]wizard.Problem{}
	for _, p := range ps {
		m.byKey[p.Setting] = append(m.byKey[p.Setting], p)
	}
	if n := len(m.reviewItems()); m.review.sel >= n {
		m.review.sel = max(n-1, 0)
	}
}

// shownProblems is what forms show beside fields: the validation problems
// and the directory's warnings (a check's answer replaces the picker's note
// on the same setting).
func (m *Model) shownProblems() map[string][]wizard.Problem {
	checked := m.checkProblems()
	if len(m.notes) == 0 && len(checked) == 0 {
		return m.byKey
	}
	out := make(map[string][]wizard.Problem, len(m.byKey)+len(m.notes)+len(checked))
	for k, v := range m.byKey {
		out[k] = v
	}
	for k, n := range m.notes {
		if _, ok := m.checks.results[k]; ok {
			continue
		}
		out[k] = append(append([]wizard.Problem(nil), out[k]...), wizard.Problem{Severity: wizard.Warning, Setting: k, Message: n})
	}
	for _, p := range checked {
		out[p.Setting] = append(append([]wizard.Problem(nil), out[p.Setting]...), p)
	}
	return out
}

// loadSettings replaces the settings (a preset was chosen) and refreshes every form.
func (m *Model) loadSettings(s wizard.Settings) tea.Cmd {
	m.settings = s
	m.pwSource = passwordSource(s.Connection)
	m.pwStash = map[string]string{}
	for _, f := range m.forms {
		f.load(&m.settings)
	}
	return m.changed()
}

// goTo shows screen i of the flow and focuses its first field.
func (m *Model) goTo(i int) tea.Cmd {
	i = min(max(i, 0), len(flow)-1)
	if flow[m.screen] == wizard.ScreenPreview && i != m.screen {
		m.cancelPreview()
	}
	m.screen = i
	if f := m.forms[flow[i]]; f != nil {
		f.fixFocus(m.settings)
		f.setFocus(f.focus)
	}
	if flow[i] == wizard.ScreenPreview {
		return tea.Batch(m.liveCountCmd(), m.attrCheckCmd(), m.previewOnEnter())
	}
	return tea.Batch(m.liveCountCmd(), m.attrCheckCmd())
}

// jumpTo shows the screen and field editing a setting.
func (m *Model) jumpTo(p wizard.Problem) tea.Cmd {
	for i, sc := range flow {
		f := m.forms[sc]
		if f != nil && f.has(p.Setting) {
			cmd := m.goTo(i) // the screen's live counts and checks start as on any arrival
			f.focusKey(p.Setting, m.settings)
			return cmd
		}
	}
	for i, sc := range flow {
		if sc == p.Screen {
			return m.goTo(i)
		}
	}
	return nil
}
