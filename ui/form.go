package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// form is the ordered fields of one screen and which one has the keyboard.
type form struct {
	fields []*field
	focus  int // index into fields; always a shown field when any is shown
}

// newForm prepares the fields' editors and loads them from the settings.
func newForm(s *wizard.Settings, fields ...*field) *form {
	f := &form{fields: fields}
	for _, fl := range fields {
		fl.init()
		fl.load(s)
	}
	return f
}

// load copies every field's value from the settings.
func (f *form) load(s *wizard.Settings) {
	for _, fl := range f.fields {
		fl.load(s)
	}
}

// current returns the focused field, or nil when none is shown.
func (f *form) current(s wizard.Settings) *field {
	f.fixFocus(s)
	if f.focus < 0 || f.focus >= len(f.fields) || !f.fields[f.focus].shown(s) {
		return nil
	}
	return f.fields[f.focus]
}

// fixFocus moves the focus off a field that has been hidden.
func (f *form) fixFocus(s wizard.Settings) {
	if f.focus >= 0 && f.focus < len(f.fields) && f.fields[f.focus].shown(s) {
		return
	}
	for i := f.focus; i >= 0; i-- {
		if i < len(f.fields) && f.fields[i].shown(s) {
			f.focus = i
			return
		}
	}
	for i := range f.fields {
		if f.fields[i].shown(s) {
			f.focus = i
			return
		}
	}
}

// move shifts the focus by delta shown fields; it reports false when it
// would leave the form (before the first or after the last field).
func (f *form) move(delta int, s wizard.Settings) bool {
	f.fixFocus(s)
	i := f.focus
	for {
		i += delta
		if i < 0 || i >= len(f.fields) {
			return false
		}
		if f.fields[i].shown(s) {
			f.setFocus(i)
			return true
		}
	}
}

// setFocus gives field i the keyboard.
func (f *form) setFocus(i int) {
	for j, fl := range f.fields {
		if j == i {
			fl.focus()
		} else {
			fl.blur()
		}
	}
	f.focus = i
}

// focusKey focuses the field editing a setting; false when it is not here.
func (f *form) focusKey(k string, s wizard.Settings) bool {
	for i, fl := range f.fields {
		if fl.Key == k && fl.shown(s) {
			f.setFocus(i)
			return true
		}
	}
	return false
}

// has reports whether the form edits a setting.
func (f *form) has(k string) bool {
	for _, fl := range f.fields {
		if fl.Key == k {
			return true
		}
	}
	return false
}

// labelWidth is the width of the label column for a body width.
func labelWidth(w int) int {
	return min(max(w/3, 18), 30)
}

// labelWidth is the label column of this form: wide enough for its
// longest shown label (up to half the width), so labels show whole.
func (f *form) labelWidth(w int, s wizard.Settings) int {
	lw := labelWidth(w)
	for _, fl := range f.fields {
		if fl.shown(s) && fl.Kind != kindButton {
			lw = max(lw, min(ansi.StringWidth(fl.Label)+1, w/2))
		}
	}
	return lw
}

// view renders the form into at most height lines of width w, scrolled so
// the focused field is visible. problems maps a setting key to its problems.
func (f *form) view(w, height int, st *Styles, s *wizard.Settings, problems map[string][]wizard.Problem, active bool) string {
	f.fixFocus(*s)
	lw := f.labelWidth(w, *s)
	vw := w - lw - 3
	var lines []string
	focusTop, focusBottom := 0, 0
	for i, fl := range f.fields {
		if !fl.shown(*s) {
			continue
		}
		fl.setWidth(vw - 1)
		now := active && i == f.focus
		if now {
			focusTop = len(lines)
		}
		lines = append(lines, f.fieldLines(fl, now, lw, w, st, s, problems)...)
		if now {
			focusBottom = len(lines)
		}
	}
	if len(lines) <= height {
		return strings.Join(lines, "\n")
	}
	// Scroll so the focused field's block is inside the window; a line at
	// the end (and at the top once scrolled) says there is more.
	if focusBottom <= height-1 {
		return strings.Join(append(lines[:height-1:height-1], st.Muted.Render("  ↓ more below")), "\n")
	}
	room := max(height-2, 1)
	top := focusBottom - room
	if focusTop < top {
		top = focusTop
	}
	top = min(top, len(lines)-room)
	end := min(len(lines), top+room)
	out := []string{st.Muted.Render("  ↑ more above")}
	out = append(out, lines[top:end]...)
	if end < len(lines) {
		out = append(out, st.Muted.Render("  ↓ more below"))
	}
	return strings.Join(out, "\n")
}

// fieldLines renders one field: the label and value, then its explanation
// (or why it is greyed out), then its problems.
func (f *form) fieldLines(fl *field, now bool, lw, w int, st *Styles, s *wizard.Settings, problems map[string][]wizard.Problem) []string {
	mark := "  "
	label := st.Label
	if now {
		mark = "▸ "
		label = st.LabelNow
	}
	reason := fl.disabledReason(*s)
	val := fl.display(s)
	if reason != "" {
		label = st.Disabled
		val = st.Disabled.Render(ansi.Strip(val))
	}
	var lines []string
	if fl.Kind == kindButton {
		b := "[ " + fl.Label + " ]"
		if now {
			b = st.Selected.Render(b)
		}
		lines = append(lines, mark+b)
	} else {
		l := lipgloss.NewStyle().Width(lw).MaxWidth(lw).Render(ansi.Truncate(fl.Label, lw-1, "…"))
		lines = append(lines, ansi.Truncate(mark+label.Render(l)+" "+val, w, "…"))
	}
	pad := strings.Repeat(" ", 4)
	help := fl.Help
	if reason != "" {
		help = reason
	}
	if help != "" {
		for _, l := range strings.Split(wrap(help, w-len(pad)), "\n") {
			lines = append(lines, pad+st.Muted.Render(l))
		}
	}

	for _, p := range problems[fl.Key] {
		mark, style := "! ", st.Warning
		if p.Severity == wizard.Error {
			mark, style = "✗ ", st.Error
		}
		for i, l := range strings.Split(wrap(mark+p.Message, w-len(pad)-2), "\n") {
			if i > 0 {
				l = "  " + l
			}
			lines = append(lines, pad+style.Render(l))
		}
	}
	return lines
}
