package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// fieldKind is how a field is edited.
type fieldKind int

const (
	kindText   fieldKind = iota // free text
	kindSecret                  // free text shown masked
	kindInt                     // a whole number
	kindList                    // a list of strings, typed comma-separated
	kindBool                    // yes / no, toggled with space
	kindChoice                  // one of a few values, cycled with ←/→ or space
	kindButton                  // an action run with enter
)

// choice is one value of a kindChoice field.
type choice struct {
	Value string // as stored in the settings
	Label string // as shown
}

// pickKind says which directory picker a field can open.
type pickKind int

const (
	pickNone       pickKind = iota
	pickUserBase            // the directory browser for users.search_base
	pickGroupBase           // the directory browser for groups.search_base
	pickUserAttr            // attribute picker over sampled users
	pickUserClass           // object-class picker for users
	pickGroupAttr           // attribute picker over sampled groups
	pickGroupClass          // object-class picker for groups
	pickGroups              // multi-select of real groups (groups.sync_only)
)

// field is one editable setting on a screen: a label in plain words, a
// one-line explanation, the editor for its kind, and the problem found for it.
// Its value lives in the wizard.Settings; get and set move it in and out.
type field struct {
	Key    string // dotted setting key ("users.search_base"); UI-only fields use "ui.NAME"
	Label  string // what a person calls it
	Help   string // one line: what it means
	Kind   fieldKind
	Choice []choice // for kindChoice

	get  func(*wizard.Settings) string // text, int, list (comma-separated), choice value
	set  func(*wizard.Settings, string)
	getB func(*wizard.Settings) bool // kindBool
	setB func(*wizard.Settings, bool)

	// visible, when set, hides the field unless it returns true.
	visible func(wizard.Settings) bool
	// disabled, when set and returning a reason, greys the field out and shows why.
	disabled func(wizard.Settings) string

	Pick   pickKind // which picker ctrl+b / ctrl+o opens; pickNone for none
	Action string   // for kindButton: the action id

	input    textinput.Model
	localErr string // a problem found by the field itself (e.g. not a number)
}

// isText reports whether the field is edited through a text input.
func (f *field) isText() bool {
	switch f.Kind {
	case kindText, kindSecret, kindInt, kindList:
		return true
	}
	return false
}

// init prepares the text input of a text-like field.
func (f *field) init() {
	if !f.isText() {
		return
	}
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 4096
	st := in.Styles()
	st.Cursor.Blink = false // a steady cursor: no timer ticks, quieter over SSH
	in.SetStyles(st)
	if f.Kind == kindSecret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}
	f.input = in
}

// load copies the field's value from the settings into its editor.
func (f *field) load(s *wizard.Settings) {
	if f.isText() && f.get != nil {
		f.input.SetValue(f.get(s))
		f.input.CursorEnd()
		f.localErr = ""
	}
}

// focus gives the field the keyboard.
func (f *field) focus() tea.Cmd {
	if f.isText() {
		return f.input.Focus()
	}
	return nil
}

// blur takes the keyboard away.
func (f *field) blur() {
	if f.isText() {
		f.input.Blur()
	}
}

// setWidth sizes the field's editor.
func (f *field) setWidth(w int) {
	if f.isText() {
		f.input.SetWidth(max(w, 4))
	}
}

// shown reports whether the field is on screen with these settings.
func (f *field) shown(s wizard.Settings) bool {
	return f.visible == nil || f.visible(s)
}

// disabledReason returns why the field cannot be edited, or "".
func (f *field) disabledReason(s wizard.Settings) string {
	if f.disabled == nil {
		return ""
	}
	return f.disabled(s)
}

// update feeds a key to the field. changed reports whether the settings changed.
func (f *field) update(msg tea.KeyPressMsg, keys KeyMap, s *wizard.Settings) (cmd tea.Cmd, changed bool) {
	if f.disabledReason(*s) != "" {
		return nil, false
	}
	switch f.Kind {
	case kindBool:
		if key.Matches(msg, keys.Toggle, keys.Left, keys.Right) {
			f.setB(s, !f.getB(s))
			return nil, true
		}
		return nil, false
	case kindChoice:
		step := 0
		switch {
		case key.Matches(msg, keys.Left):
			step = -1
		case key.Matches(msg, keys.Right, keys.Toggle):
			step = 1
		}
		if step == 0 || len(f.Choice) == 0 {
			return nil, false
		}
		cur := f.get(s)
		i := 0
		for j, c := range f.Choice {
			if c.Value == cur {
				i = j
			}
		}
		i = (i + step + len(f.Choice)) % len(f.Choice)
		f.set(s, f.Choice[i].Value)
		return nil, true
	case kindButton:
		return nil, false
	}
	before := f.input.Value()
	var c tea.Cmd
	f.input, c = f.input.Update(msg)
	if f.input.Value() == before {
		return c, false
	}
	f.store(s)
	return c, true
}

// store writes the text editor's value into the settings, parsing it by kind.
func (f *field) store(s *wizard.Settings) {
	v := f.input.Value()
	f.localErr = ""
	switch f.Kind {
	case kindInt:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			f.localErr = "must be a whole number, e.g. 500"
			return
		}
		f.set(s, strconv.Itoa(n))
	default:
		f.set(s, v)
	}
}

// display returns the field's value as shown when it is not being edited.
func (f *field) display(s *wizard.Settings) string {
	switch f.Kind {
	case kindBool:
		if f.getB(s) {
			return "[x] yes"
		}
		return "[ ] no"
	case kindChoice:
		cur := f.get(s)
		parts := make([]string, 0, len(f.Choice))
		for _, c := range f.Choice {
			if c.Value == cur {
				parts = append(parts, "("+"•"+") "+c.Label)
			} else {
				parts = append(parts, "( ) "+c.Label)
			}
		}
		return strings.Join(parts, "  ")
	case kindButton:
		return "[ " + f.Label + " ]"
	}
	return f.input.View()
}

// splitList parses a comma-separated list, dropping empty items.
func splitList(v string) []string {
	out := []string{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// joinList renders a list for a kindList editor.
func joinList(l []string) string { return strings.Join(l, ", ") }
