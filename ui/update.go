package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// Update handles one message. It never does I/O itself.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tea.ColorProfileMsg:
		m.st = NewStyles(colourOn(msg.Profile))
		return m, nil
	case validatedMsg:
		if msg.seq == m.valSeq {
			m.setProblems(msg.problems)
		}
		return m, nil
	case savedMsg:
		return m, m.onSaved(msg)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.PasteMsg:
		return m, m.onPaste(msg)
	case spinner.TickMsg:
		return m, m.onSpinTick(msg)
	case progressMsg:
		return m, m.onProgress(msg)
	case previewDoneMsg:
		return m, m.onPreviewDone(msg)
	case runDoneMsg:
		return m, m.onRunDone(msg)
	case testMailMsg:
		return m, m.onTestMail(msg)
	case attrCheckTick:
		return m, m.onAttrCheckTick(msg)
	case attrCheckMsg:
		return m, m.onAttrCheck(msg)
	}
	return m, m.routeAsync(msg)
}

// onKey handles a key press: dialogs first, then global keys, then the screen.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.confirmQuit {
		return m.onQuitDialogKey(msg)
	}
	// ctrl+s saves from anywhere: the help, a component, a line being typed.
	if key.Matches(msg, m.keys.Save) {
		return m.saveCmd()
	}
	if m.showHelp {
		if key.Matches(msg, m.keys.Help, m.keys.Back, m.keys.Enter) || msg.String() == "q" {
			m.showHelp = false
		}
		if key.Matches(msg, m.keys.Quit) {
			m.showHelp = false
			return m.askQuit()
		}
		return nil
	}
	if m.overlayOpen() {
		return m.overlayKey(msg)
	}
	// A running sync takes esc and ctrl+c (to cancel); a line being typed
	// takes every key.
	switch sc := flow[m.screen]; {
	case sc == wizard.ScreenRun && m.run.stage == runRunning:
		return m.runKey(msg)
	case sc == wizard.ScreenPreview && m.preview.filtering:
		return m.previewKey(msg)
	case sc == wizard.ScreenEnrollment && m.mail.asking:
		return m.mailKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.askQuit()
	case key.Matches(msg, m.keys.Save):
		return m.saveCmd()
	case key.Matches(msg, m.keys.Help) && m.helpKeyFree(msg):
		m.showHelp = true
		return nil
	case key.Matches(msg, m.keys.NextPane):
		return m.goTo(m.screen + 1)
	case key.Matches(msg, m.keys.PrevPane):
		return m.goTo(m.screen - 1)
	}
	switch flow[m.screen] {
	case wizard.ScreenWelcome:
		return m.welcomeKey(msg)
	case wizard.ScreenReview:
		return m.reviewKey(msg)
	case wizard.ScreenPreview:
		return m.previewKey(msg)
	case wizard.ScreenRun:
		return m.runKey(msg)
	}
	return m.formKey(msg)
}

// helpKeyFree reports whether ? opens the help rather than typing a "?": in
// a password field it types; F1 always opens the help.
func (m *Model) helpKeyFree(msg tea.KeyPressMsg) bool {
	if msg.String() != "?" {
		return true
	}
	if f := m.currentField(); f != nil && f.Kind == kindSecret {
		return false
	}
	return true
}

// currentField returns the focused field of the screen on show, or nil.
func (m *Model) currentField() *field {
	f := m.forms[flow[m.screen]]
	if f == nil {
		return nil
	}
	return f.current(m.settings)
}

// formKey handles a key on a screen of fields.
func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	sc := flow[m.screen]
	f := m.forms[sc]
	fl := f.current(m.settings)
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.goTo(m.screen - 1)
	case key.Matches(msg, m.keys.Next, m.keys.Down):
		f.move(1, m.settings)
		return nil
	case key.Matches(msg, m.keys.Prev, m.keys.Up):
		f.move(-1, m.settings)
		return nil
	case key.Matches(msg, m.keys.Enter):
		if fl != nil && fl.Kind == kindButton {
			return m.runAction(fl.Action)
		}
		if !f.move(1, m.settings) {
			return m.goTo(m.screen + 1)
		}
		return nil
	case key.Matches(msg, m.keys.Test) && sc == wizard.ScreenConnection:
		return m.runAction(actionTest)
	case key.Matches(msg, m.keys.Test) && sc == wizard.ScreenEnrollment:
		return m.runAction(actionTestMail)
	case key.Matches(msg, m.keys.Undo) && m.undo != nil:
		return m.undoRebase()
	case key.Matches(msg, m.keys.Apply) && sc == wizard.ScreenConnection:
		return m.applyFindings()
	case key.Matches(msg, m.keys.GoTo) && sc == wizard.ScreenConnection:
		if st := m.blamedStep(); st != nil {
			k := m.blamedSetting(st)
			return m.jumpTo(wizard.Problem{Setting: k, Screen: wizard.ScreenFor(k)})
		}
		return nil
	case key.Matches(msg, m.keys.Browse) && fl != nil && (fl.Pick == pickUserBase || fl.Pick == pickGroupBase):
		return m.openBrowserFor(fl)
	case key.Matches(msg, m.keys.Pick) && fl != nil && fl.Pick != pickNone:
		return m.openPickerFor(fl)
	}
	if fl == nil {
		return nil
	}
	cmd, changed := fl.update(msg, m.keys, &m.settings)
	if changed {
		delete(m.notes, fl.Key)
		if fl.Kind == kindChoice || fl.Kind == kindBool {
			f.load(&m.settings)
		}
		return tea.Batch(cmd, m.changed())
	}
	return cmd
}

// onPaste puts pasted text into the focused text field.
func (m *Model) onPaste(msg tea.PasteMsg) tea.Cmd {
	if m.confirmQuit || m.showHelp || m.overlayOpen() {
		return m.pickerPaste(msg)
	}
	switch sc := flow[m.screen]; {
	case sc == wizard.ScreenPreview:
		return m.previewPaste(msg)
	case sc == wizard.ScreenEnrollment && m.mail.asking:
		return m.mailPaste(msg)
	}
	fl := m.currentField()
	if fl == nil || !fl.isText() || fl.disabledReason(m.settings) != "" {
		return nil
	}
	var cmd tea.Cmd
	fl.input, cmd = fl.input.Update(msg)
	fl.store(&m.settings)
	delete(m.notes, fl.Key)
	return tea.Batch(cmd, m.changed())
}

// actions run by button fields.
const actionTest = "test"

// runAction runs a button's action.
func (m *Model) runAction(a string) tea.Cmd {
	switch a {
	case actionTest:
		return m.startTest()
	case actionTestMail:
		return m.askTestMail()
	}
	return nil
}
