package serve

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// noticeMsg asks the session's model to show a line over the help bar
// (the server is stopping): the wizard itself knows nothing of the server.
type noticeMsg string

// sessionModel wraps the wizard of one session: it passes everything on
// and draws the server's notice, when there is one, on the last line.
type sessionModel struct {
	inner  tea.Model
	notice string
	width  int
}

// Init starts the wizard.
func (m *sessionModel) Init() tea.Cmd { return m.inner.Init() }

// Update records a notice or the width, and hands every message on.
func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case noticeMsg:
		m.notice = string(msg)
		return m, nil
	case tea.WindowSizeMsg:
		m.width = msg.Width
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View is the wizard's view with the notice over its last line.
func (m *sessionModel) View() tea.View {
	v := m.inner.View()
	if m.notice == "" {
		return v
	}
	lines := strings.Split(v.Content, "\n")
	w := m.width
	if w <= 0 {
		w = 80
	}
	text := ansi.Truncate(" "+m.notice, w, "…")
	if pad := w - ansi.StringWidth(text); pad > 0 {
		text += strings.Repeat(" ", pad)
	}
	lines[len(lines)-1] = "\x1b[7m" + text + "\x1b[m"
	v.Content = strings.Join(lines, "\n")
	return v
}
