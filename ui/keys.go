package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the one keymap of the whole UI, handed down to screens and
// components. The help bar and the full help are drawn from it.
type KeyMap struct {
	Next      key.Binding // next field
	Prev      key.Binding // previous field
	Up        key.Binding // up in a list or form
	Down      key.Binding // down in a list or form
	Left      key.Binding // previous choice / collapse
	Right     key.Binding // next choice / expand
	Toggle    key.Binding // toggle a yes/no field or a list item
	Enter     key.Binding // go on / pick
	Back      key.Binding // previous screen / close
	Save      key.Binding // save the file
	Quit      key.Binding // quit (asks when unsaved)
	Help      key.Binding // full help, where no text field has the keyboard
	HelpF1    key.Binding // full help from anywhere, a text field too
	Browse    key.Binding // open the directory browser for a DN field
	Pick      key.Binding // open the picker for an attribute / group field
	Test      key.Binding // run the connection test
	Apply     key.Binding // apply what the test found
	PageUp    key.Binding // a page up in long lists
	PageDown  key.Binding // a page down in long lists
	NextPane  key.Binding // next screen of the flow
	PrevPane  key.Binding // previous screen of the flow
	ListUp    key.Binding // k in lists
	ListDown  key.Binding // j in lists
	FixIt     key.Binding // jump to the field of a problem (Review)
	Filter    key.Binding // start type-to-filter in the browser
	GoTo      key.Binding // go to the setting a test step blames
	Undo      key.Binding // undo the automatic move of the search bases
	Refresh   key.Binding // read the preview again
	Force     key.Binding // run a refused sync with force (asks again)
	Expand    key.Binding // l: expand in the directory tree (as →)
	Collapse  key.Binding // h: collapse in the directory tree (as ←)
	Erase     key.Binding // delete the last character of a filter
	Close     key.Binding // q: close the help; quit the lone browser
	NextDiff  key.Binding // Review: scroll to the next change of the diff
	PrevDiff  key.Binding // Review: scroll to the previous change
	EntryDown key.Binding // browser: scroll the entry pane down
	EntryUp   key.Binding // browser: scroll the entry pane up

	// Dialogs.
	Yes         key.Binding // confirm the run
	No          key.Binding // do not run
	SaveQuit    key.Binding // unsaved changes: save and quit
	DiscardQuit key.Binding // unsaved changes: discard and quit
	StayHere    key.Binding // unsaved changes: back to the wizard
	Overwrite   key.Binding // the file changed on disk: write over it
	Reload      key.Binding // the file changed on disk: load it instead
}

// DefaultKeyMap returns the keys described in DESIGN.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Up:        key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:      key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "prev. choice / collapse")),
		Right:     key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next choice / expand")),
		Toggle:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
		Enter:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go on")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Save:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		HelpF1:    key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		Browse:    key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "browse the directory")),
		Pick:      key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "pick from the directory")),
		Test:      key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "test the connection")),
		Apply:     key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "apply what the test found")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		NextPane:  key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "next screen")),
		PrevPane:  key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "previous screen")),
		ListUp:    key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "up")),
		ListDown:  key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "down")),
		FixIt:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to the field")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		GoTo:      key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to the blamed setting")),
		Undo:      key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "undo applied or moved bases")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "preview again")),
		Force:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "run with force")),
		Expand:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "expand")),
		Collapse:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "collapse")),
		Erase:     key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "delete a character")),
		Close:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "close")),
		NextDiff:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next change")),
		PrevDiff:  key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous change")),
		EntryDown: key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J/K", "scroll the entry")),
		EntryUp:   key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "scroll the entry up")),

		Yes:         key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:          key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		SaveQuit:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save and quit")),
		DiscardQuit: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "discard and quit")),
		StayHere:    key.NewBinding(key.WithKeys("c", "n"), key.WithHelp("c", "cancel")),
		Overwrite:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "overwrite")),
		Reload:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}
}
