package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ldapwiz/config"
	"ldapwiz/wizard"
)

// savedMsg is the answer of a save command.
type savedMsg struct {
	data []byte
	err  error
}

// diskReadMsg says the file on disk is not what the wizard loaded (or last
// saved): someone else changed it, and the save did not happen.
type diskReadMsg struct {
	disk []byte // the file as it is now; nil when it was removed
}

// saveConflict is the dialog asking what to do with a file changed on disk.
type saveConflict struct {
	disk []byte
}

// saveCmd writes the settings to the config file off the update loop,
// unless the file changed on disk since it was loaded or last saved.
func (m *Model) saveCmd() tea.Cmd { return m.save(false) }

// save writes the file; over forces it over a file changed on disk.
func (m *Model) save(over bool) tea.Cmd {
	if m.encErr != nil {
		m.setStatus("Cannot save: "+m.encErr.Error(), false)
		return nil
	}
	if ps := m.fieldProblems(); len(ps) > 0 {
		m.setStatus("Cannot save: "+ps[0].Setting+": "+ps[0].Message, false)
		return nil
	}
	if m.saving {
		return nil
	}
	m.saving = true
	m.setStatus("Saving "+m.opts.Path+"…", true)
	path, data, expect, save, read := m.opts.Path, m.encoded, m.onDisk, m.opts.Save, m.opts.ReadFile
	if save == nil {
		save = saveFile
	}
	if read == nil {
		read = os.ReadFile
	}
	return func() tea.Msg {
		if !over {
			disk, err := read(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				disk = nil
			case err != nil:
				return savedMsg{err: err}
			}
			if !bytes.Equal(disk, expect) {
				return diskReadMsg{disk: disk}
			}
		}
		return savedMsg{data: data, err: save(path, data)}
	}
}

// onSaved records a finished save and quits when the save was asked for on the way out.
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	m.saving = false
	if msg.err != nil {
		m.quitAfterSave = false
		m.setStatus(fmt.Sprintf("Not saved: %v", msg.err), false)
		return nil
	}
	m.baseline = msg.data
	m.onDisk = msg.data
	m.setStatus("Saved "+m.opts.Path, true)
	if m.quitAfterSave {
		// Edits made while this save was writing are saved before quitting.
		if !bytes.Equal(msg.data, m.encoded) {
			cmd := m.saveCmd()
			if cmd == nil {
				m.quitAfterSave = false
			}
			return cmd
		}
		return m.quit()
	}
	return nil
}

// onDiskRead opens the dialog: the file changed on disk since it was loaded.
func (m *Model) onDiskRead(msg diskReadMsg) tea.Cmd {
	m.saving = false
	m.conflict = &saveConflict{disk: msg.disk}
	m.setStatus("Not saved: "+m.opts.Path+" changed on disk since it was loaded.", false)
	return nil
}

// onConflictKey answers the "changed on disk" dialog: o writes over it, r
// loads the file as it is now (dropping the edits), esc or c cancels.
func (m *Model) onConflictKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	c := m.conflict
	switch {
	case key.Matches(msg, k.Overwrite):
		m.conflict = nil
		return m.save(true)
	case key.Matches(msg, k.Reload):
		m.conflict, m.quitAfterSave = nil, false
		return m.reloadFrom(c.disk)
	case key.Matches(msg, k.Back, k.StayHere):
		m.conflict, m.quitAfterSave = nil, false
		m.setStatus("Not saved.", false)
	case key.Matches(msg, k.Quit):
		m.conflict = nil
		return m.askQuit()
	}
	return nil
}

// reloadFrom replaces the settings with the file's bytes as read from disk.
func (m *Model) reloadFrom(disk []byte) tea.Cmd {
	if disk == nil {
		m.onDisk, m.baseline = nil, nil
		m.setStatus(m.opts.Path+" was removed; the settings on screen are kept, unsaved.", false)
		return nil
	}
	s := wizard.Default()
	var ce *config.ConfigError
	if err := config.DecodeTOML(m.opts.Path, disk, &s); err != nil && (!errors.As(err, &ce) || ce.Syntax) {
		m.setStatus("Cannot reload: "+err.Error(), false)
		return nil
	}
	cmd := m.loadSettings(s)
	m.onDisk, m.baseline = disk, m.encoded
	m.setStatus("Reloaded "+m.opts.Path+" as it is on disk.", true)
	return cmd
}

// conflictView asks what to do with a file changed on disk.
func (m *Model) conflictView(w, h int) string {
	st := m.c.Styles
	text := m.opts.Path + " changed on disk since the wizard loaded it (another administrator or session saved it)."
	if m.conflict.disk == nil {
		text = m.opts.Path + " was removed from disk since the wizard loaded it."
	}
	inner := max(min(w-8, 64), 20)
	box := st.Dialog.Render(st.Heading.Render("The file changed on disk") + "\n\n" + wrap(text, inner) + "\n\n" +
		st.Key.Render("o") + " overwrite it   " + st.Key.Render("r") + " reload it (drops your edits)   " + st.Key.Render("esc") + " cancel")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// askQuit quits at once when nothing is unsaved, else opens the dialog.
func (m *Model) askQuit() tea.Cmd {
	if !m.Dirty() {
		return m.quit()
	}
	m.confirmQuit = true
	return nil
}

// onQuitDialogKey answers the "unsaved changes" dialog: s saves and quits,
// d discards and quits, esc (or c, n) goes back to the wizard.
func (m *Model) onQuitDialogKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.SaveQuit, k.Save):
		m.confirmQuit = false
		m.quitAfterSave = true
		return m.saveCmd()
	case key.Matches(msg, k.DiscardQuit):
		return m.quit()
	case key.Matches(msg, k.Back, k.StayHere):
		m.confirmQuit = false
	case key.Matches(msg, k.Quit):
		return m.quit()
	}
	return nil
}
