package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// listFilter is what a list narrowed by typing keeps besides its rows: the
// text typed, the row under the cursor and the first row shown. The
// picker and the Enrollment screen's "enroll again" list share it.
type listFilter struct {
	filter textinput.Model
	cursor int
	offset int
}

// query is the typed text as rows are matched against it: trimmed and
// lower-cased.
func (l *listFilter) query() string { return strings.ToLower(strings.TrimSpace(l.filter.Value())) }

// typed hands msg (a key or a paste) to the filter; when the text changes,
// the cursor goes back to the first row.
func (l *listFilter) typed(msg tea.Msg) tea.Cmd {
	before := l.filter.Value()
	var cmd tea.Cmd
	l.filter, cmd = l.filter.Update(msg)
	if l.filter.Value() != before {
		l.cursor, l.offset = 0, 0
	}
	return cmd
}

// scroll moves the first row shown so that the cursor's row is among the
// room rows drawn, and returns it.
func (l *listFilter) scroll(room int) int {
	l.offset = followCursor(l.offset, l.cursor, room)
	return l.offset
}

// followCursor returns the first row to show of a list drawn room rows at a
// time from offset, moved as little as it takes to show the cursor's row.
func followCursor(offset, cursor, room int) int {
	if cursor < offset {
		return cursor
	}
	if cursor >= offset+room {
		return cursor - room + 1
	}
	return offset
}
