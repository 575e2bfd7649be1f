package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// promptLine is a one-line input with a steady cursor (no timer ticks,
// quieter over SSH), width wide but at least 20.
func promptLine(prompt, placeholder string, width int) textinput.Model {
	in := textinput.New()
	in.Prompt, in.Placeholder = prompt, placeholder
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetWidth(max(width, 20))
	return in
}

// scrollKey moves a text's scroll offset a line (arrows, j/k) or page
// lines at a time; it reports whether msg was one of those keys.
func scrollKey(scroll *int, msg tea.KeyPressMsg, k *KeyMap, page int) bool {
	switch {
	case key.Matches(msg, k.Down, k.ListDown):
		*scroll++
	case key.Matches(msg, k.Up, k.ListUp):
		*scroll = max(*scroll-1, 0)
	case key.Matches(msg, k.PageDown):
		*scroll += page
	case key.Matches(msg, k.PageUp):
		*scroll = max(*scroll-page, 0)
	default:
		return false
	}
	return true
}

// scrollWindow clamps *scroll so the text fills room lines when it can and
// returns the lines shown.
func scrollWindow(body []string, scroll *int, room int) []string {
	*scroll = min(*scroll, max(len(body)-room, 0))
	return body[*scroll:min(len(body), *scroll+room)]
}

// cursorKey moves a list's cursor over n rows a row or ten at a time; it
// reports whether msg was one of those keys.
func cursorKey(cursor *int, n int, msg tea.KeyPressMsg, k *KeyMap) bool {
	switch {
	case key.Matches(msg, k.Down):
		*cursor = min(*cursor+1, max(n-1, 0))
	case key.Matches(msg, k.Up):
		*cursor = max(*cursor-1, 0)
	case key.Matches(msg, k.PageDown):
		*cursor = min(*cursor+10, max(n-1, 0))
	case key.Matches(msg, k.PageUp):
		*cursor = max(*cursor-10, 0)
	default:
		return false
	}
	return true
}
