package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// formScreen is a screen of fields: the Synchronization screen as it is,
// and the base the Connection, Users, Groups and Enrollment screens extend.
type formScreen struct {
	m      *Model
	step   wizard.Screen
	name   string // the title
	about  string // the intro
	fields *form
	// actions are the buttons' actions by field.Action.
	actions map[string]func() tea.Cmd
}

// newFormScreen builds a screen of fields on the root model's settings.
func newFormScreen(m *Model, step wizard.Screen, name, about string, fields ...*field) *formScreen {
	return &formScreen{m: m, step: step, name: name, about: about, fields: newForm(&m.settings, fields...)}
}

func (s *formScreen) id() wizard.Screen { return s.step }
func (s *formScreen) title() string     { return s.name }
func (s *formScreen) intro() string     { return s.about }
func (s *formScreen) form() *form       { return s.fields }

// typing reports whether a text field has the keyboard.
func (s *formScreen) typing() bool {
	fl := s.fields.current(s.m.settings)
	return fl != nil && fl.isText() && fl.disabledReason(s.m.settings) == ""
}

// update handles a key on the fields; answers are not for a plain form.
func (s *formScreen) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		return s.formKey(k)
	}
	return nil
}

// view draws the fields.
func (s *formScreen) view(w, h int) string {
	m := s.m
	return s.fields.view(w, h, m.c.Styles, &m.settings, m.shownProblems(), true)
}

// help lists the keys of the focused field and the screen.
func (s *formScreen) help() []key.Binding {
	m, k := s.m, s.m.c.Keys
	bs := []key.Binding{k.Next, withHelp(k.Enter, "next")}
	if fl := s.fields.current(m.settings); fl != nil {
		switch {
		case fl.Pick == pickUserBase || fl.Pick == pickGroupBase:
			bs = append(bs, withHelp(k.Browse, "browse"))
		case fl.Pick != pickNone:
			bs = append(bs, withHelp(k.Pick, "pick"))
		case fl.Kind == kindBool || fl.Kind == kindChoice:
			bs = append(bs, withHelp(k.Toggle, "change"))
		}
	}
	return bs
}

// helpTail is what every screen of fields ends its help with.
func (s *formScreen) helpTail() []key.Binding {
	k := s.m.c.Keys
	var bs []key.Binding
	if s.m.undo != nil {
		bs = append(bs, withHelp(k.Undo, "undo"))
	}
	return append(bs, k.Back, k.Save, k.Help, k.Quit)
}

// paste puts pasted text into the focused text field.
func (s *formScreen) paste(msg tea.PasteMsg) tea.Cmd {
	m := s.m
	fl := s.fields.current(m.settings)
	if fl == nil || !fl.isText() || fl.disabledReason(m.settings) != "" {
		return nil
	}
	var cmd tea.Cmd
	fl.input, cmd = fl.input.Update(msg)
	fl.store(&m.settings)
	delete(m.notes, fl.Key)
	return tea.Batch(cmd, m.changed())
}

// formKey moves between fields, runs buttons, opens the browser and the
// pickers, and feeds the rest to the focused field.
func (s *formScreen) formKey(msg tea.KeyPressMsg) tea.Cmd {
	m, k, f := s.m, s.m.c.Keys, s.fields
	fl := f.current(m.settings)
	switch {
	case key.Matches(msg, k.Back):
		return m.back()
	case key.Matches(msg, k.Next, k.Down):
		f.move(1, m.settings)
		return nil
	case key.Matches(msg, k.Prev, k.Up):
		f.move(-1, m.settings)
		return nil
	case key.Matches(msg, k.Enter):
		if fl != nil && fl.Kind == kindButton && s.actions[fl.Action] != nil {
			return s.actions[fl.Action]()
		}
		if !f.move(1, m.settings) {
			return m.next()
		}
		return nil
	case key.Matches(msg, k.Undo) && m.undo != nil:
		return m.undoRebase()
	case key.Matches(msg, k.Browse) && fl != nil && (fl.Pick == pickUserBase || fl.Pick == pickGroupBase):
		return m.openBrowserFor(fl)
	case key.Matches(msg, k.Pick) && fl != nil && fl.Pick != pickNone:
		return m.openPickerFor(fl)
	}
	if fl == nil {
		return nil
	}
	cmd, changed := fl.update(msg, *m.c.Keys, &m.settings)
	if changed {
		delete(m.notes, fl.Key)
		if fl.Kind == kindChoice || fl.Kind == kindBool {
			f.load(&m.settings)
		}
		return tea.Batch(cmd, m.changed())
	}
	return cmd
}
