package ui

import (
	"bytes"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// savedMsg is the answer of a save command.
type savedMsg struct {
	data []byte
	err  error
}

// saveCmd writes the settings to the config file off the update loop.
func (m *Model) saveCmd() tea.Cmd {
	if m.encErr != nil {
		m.status, m.statusOK = "Cannot save: "+m.encErr.Error(), false
		return nil
	}
	if m.saving {
		return nil
	}
	m.saving = true
	m.status, m.statusOK = "Saving "+m.opts.Path+"…", true
	path, data, save := m.opts.Path, m.encoded, m.opts.Save
	if save == nil {
		save = saveFile
	}
	return func() tea.Msg {
		return savedMsg{data: data, err: save(path, data)}
	}
}

// onSaved records a finished save and quits when the save was asked for on the way out.
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	m.saving = false
	if msg.err != nil {
		m.quitAfterSave = false
		m.status, m.statusOK = fmt.Sprintf("Not saved: %v", msg.err), false
		return nil
	}
	m.baseline = msg.data
	m.onDisk = msg.data
	m.status, m.statusOK = "Saved "+m.opts.Path, true
	if m.quitAfterSave {
		// Edits made while this save was writing are saved before quitting.
		if !bytes.Equal(msg.data, m.encoded) {
			cmd := m.saveCmd()
			if cmd == nil {
				m.quitAfterSave = false
			}
			return cmd
		}
		return tea.Quit
	}
	return nil
}

// askQuit quits at once when nothing is unsaved, else opens the dialog.
func (m *Model) askQuit() tea.Cmd {
	if !m.Dirty() {
		return tea.Quit
	}
	m.confirmQuit = true
	return nil
}

// onQuitDialogKey answers the "unsaved changes" dialog: s saves and quits,
// d discards and quits, esc (or n) goes back to the wizard.
func (m *Model) onQuitDialogKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case msg.String() == "s" || key.Matches(msg, m.keys.Save):
		m.confirmQuit = false
		m.quitAfterSave = true
		return m.saveCmd()
	case msg.String() == "d":
		return tea.Quit
	case key.Matches(msg, m.keys.Back) || msg.String() == "c" || msg.String() == "n":
		m.confirmQuit = false
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	}
	return nil
}
