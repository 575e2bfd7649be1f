// Package ui is the ldapwiz terminal wizard: one Bubble Tea root model (Model)
// routing keys and answers to the screen types (one per wizard step, behind
// the screen interface) and owning the shared state and the overlays. One
// Common value (the session's context, styles, keymap, size) is handed down
// to every screen and component. Update never does I/O: directory calls,
// file reads and writes and validation run as tea.Cmds on the request
// pattern (request.go), so stale answers are dropped.
package ui

import (
	"bytes"
	"context"
	"fmt"

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
	// ReadFile reads the file back before a save, to tell whether someone
	// else changed it since it was loaded; nil uses os.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// Demo is set when the wizard runs against the embedded demo directory.
	Demo *Demo
	// Context is the session's context: when it ends (the program ends, an
	// SSH session drops) every directory call in flight is cancelled. Nil
	// means a context of the wizard's own, cancelled when it quits.
	Context context.Context
}

// Model is the wizard's root model. It is used through a pointer: Update
// changes it in place and returns it.
type Model struct {
	c      *Common
	cancel context.CancelFunc // ends c.Ctx when the wizard quits
	opts   Options

	screens []screen // one per step of flow
	screen  int      // index into screens

	settings   wizard.Settings
	problems   []wizard.Problem
	byKey      map[string][]wizard.Problem
	validation request

	baseline []byte // the settings' encoding when last loaded or saved
	encoded  []byte // the settings' encoding now
	encErr   error
	onDisk   []byte // the file's bytes when loaded or last saved; nil when new
	status   string
	statusOK bool
	touched  bool // the settings were edited (or a preset chosen) in this session

	showHelp      bool
	confirmQuit   bool
	quitAfterSave bool
	saving        bool
	conflict      *saveConflict // the file changed on disk: overwrite, reload or cancel

	pwSource     string
	pwStash      map[string]string
	testPassword string // typed for the connection test only; never saved

	nextID       int // ids of components
	browser      *browser
	browserField *field
	picker       *pickerState
	explain      *explainPanel // "Explain a user…" (explain.go)
	login        *loginPanel   // "Try a user's login…" (login.go)

	connOK bool              // a connection test bound, or the browser connected: live counts may run
	notes  map[string]string // per-setting warnings from the directory (e.g. a non-unique username attribute)
	checks attrChecks        // the directory's verdict on the username, naming and group name attributes
	undo   *rebaseUndo       // bases an automatic rebase replaced (ctrl+z)
}

// New builds the wizard on the given options.
func New(opts Options) *Model {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	m := &Model{
		opts:     opts,
		settings: opts.Settings,
		onDisk:   opts.OnDisk,
		pwStash:  map[string]string{},
		byKey:    map[string][]wizard.Problem{},
		notes:    map[string]string{},
	}
	m.c, m.cancel = newCommon(opts.Context, opts.Color)
	m.pwSource = passwordSource(m.settings.Connection)
	for _, id := range flow {
		m.screens = append(m.screens, screenMakers[id](m))
	}
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

// cur is the screen on show.
func (m *Model) cur() screen { return m.screens[m.screen] }

// screenOf returns the screen of a step, or nil.
func (m *Model) screenOf(id wizard.Screen) screen {
	for _, s := range m.screens {
		if s.id() == id {
			return s
		}
	}
	return nil
}

// formOf returns the form of a step, or nil when it has no fields.
func (m *Model) formOf(id wizard.Screen) *form {
	if f, ok := m.screenOf(id).(formed); ok {
		return f.form()
	}
	return nil
}

// forms lists the forms of every screen of fields.
func (m *Model) forms() []*form {
	var out []*form
	for _, s := range m.screens {
		if f, ok := s.(formed); ok {
			out = append(out, f.form())
		}
	}
	return out
}

// quit ends the session's context (cancelling directory work in flight)
// and ends the program.
func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

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
	_, seq := m.validation.next(m.c.Ctx, 0)
	s, getenv := cloneSettings(m.settings), m.opts.Getenv
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
	m.touched = true
	m.reencode()
	m.status = ""
	var cmd tea.Cmd
	if w, ok := m.cur().(editWatching); ok {
		cmd = w.edited()
	}
	return tea.Batch(m.validateCmd(), cmd, m.attrCheckCmd())
}

// setProblems stores a validation answer.
func (m *Model) setProblems(ps []wizard.Problem) {
	m.problems = append(m.fieldProblems(), ps...)
	ps = m.problems
	m.byKey = map[string][]wizard.Problem{}
	for _, p := range ps {
		m.byKey[p.Setting] = append(m.byKey[p.Setting], p)
	}
	m.reviewS().clampSel()
}

// fieldProblems are the texts a field could not take (a number that is
// not one): errors of the settings like validation's, so that Review lists
// them and saving refuses, while the setting keeps its last good value.
func (m *Model) fieldProblems() []wizard.Problem {
	var out []wizard.Problem
	for _, s := range m.screens {
		f, ok := s.(formed)
		if !ok {
			continue
		}
		for _, fl := range f.form().fields {
			if fl.localErr != "" && fl.shown(m.settings) {
				out = append(out, wizard.Problem{Severity: wizard.Error, Setting: fl.Key, Screen: s.id(),
					Message: fmt.Sprintf("%q %s; the setting keeps %s until then", fl.input.Value(), fl.localErr, fl.get(&m.settings))})
			}
		}
	}
	return out
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

// reloadForms copies the settings into every form's editors.
func (m *Model) reloadForms() {
	for _, f := range m.forms() {
		f.load(&m.settings)
	}
}

// loadSettings replaces the settings (a preset was chosen) and refreshes every form.
func (m *Model) loadSettings(s wizard.Settings) tea.Cmd {
	m.settings = s
	m.pwSource = passwordSource(s.Connection)
	m.pwStash = map[string]string{}
	m.reloadForms()
	return m.changed()
}

// goTo shows screen i of the flow and focuses its first field.
func (m *Model) goTo(i int) tea.Cmd {
	i = min(max(i, 0), len(m.screens)-1)
	if l, ok := m.cur().(leaving); ok && i != m.screen {
		l.leave()
	}
	m.screen = i
	if f := m.formOf(flow[i]); f != nil {
		f.fixFocus(m.settings)
		f.setFocus(f.focus)
	}
	var cmd tea.Cmd
	if a, ok := m.cur().(arriving); ok {
		cmd = a.arrive()
	}
	return tea.Batch(cmd, m.attrCheckCmd())
}

// next and back move one screen along the flow.
func (m *Model) next() tea.Cmd { return m.goTo(m.screen + 1) }
func (m *Model) back() tea.Cmd { return m.goTo(m.screen - 1) }

// jumpTo shows the screen and field editing a setting.
func (m *Model) jumpTo(p wizard.Problem) tea.Cmd {
	for i, sc := range flow {
		f := m.formOf(sc)
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

// setStatus shows a one-line result in the status line.
func (m *Model) setStatus(text string, ok bool) { m.status, m.statusOK = text, ok }

// screenTitle is the short name of a step, as its screen gives it.
func (m *Model) screenTitle(id wizard.Screen) string {
	if s := m.screenOf(id); s != nil {
		return s.title()
	}
	return ""
}
