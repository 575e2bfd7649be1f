package ui

import (
	"fmt"
	"strings"
	"testing"
)

// layoutRows are rows of every shape the Preview screen draws: short and
// long heads, with and without a side or a note, detail lines that fit or
// wrap, words longer than a line, wide characters, an embedded newline.
func layoutRows() []planRow {
	rows := []planRow{
		{side: "store", what: "create user", name: "ann", note: "new in the directory", lines: []string{"dn: uid=ann,ou=people,dc=example,dc=com", `email (mail): "ann@example.com"`}},
		{side: "directory", what: "update user", name: "bob", lines: []string{`last_name (sn): "Old" → "A much longer family name that will not fit on one narrow line"`}},
		{what: "missing username attribute", name: "cn=Nobody,ou=people,dc=example,dc=com", note: "the entry has no uid: set users.username_attribute or fix the entry"},
		{side: "store", what: "add member", name: "jdoe in staff"},
		{side: "store", what: "create user", name: "山田太郎", note: "名前が長い利用者の説明", lines: []string{"dn: uid=yamada,ou=人々,dc=example,dc=com"}},
		{side: "directory", what: "update user", name: strings.Repeat("x", 70), lines: []string{strings.Repeat("averyveryverylongwordwithoutspaces", 3)}},
		{side: "store", what: "update user", name: "carl", lines: []string{"two\nlines", "", "   spaced    out   "}},
		{side: "directory", what: "conflict", name: "dora", note: "the directory wins", failed: true},
	}
	for i := range 20 {
		rows = append(rows, planRow{side: "store", what: "create user", name: fmt.Sprintf("user%07d", i),
			note: strings.Repeat("word ", i), lines: []string{strings.Repeat("v", 5*i)}})
	}
	return rows
}

// A row's height in the layout is the number of lines rowLines draws it
// as, at every width: the screen slices the lines it draws by it.
func TestRowHeightIsWhatRowLinesDraws(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	for _, r := range layoutRows() {
		for w := 1; w <= 140; w++ {
			if got, want := d.m.rowHeight(r, w), len(d.m.rowLines([]planRow{r}, w)); got != want {
				t.Errorf("row %q at width %d: height %d, rowLines draws %d lines", r.name, w, got, want)
			}
		}
	}
}

// Any window of the laid-out rows is the same lines as drawing every row
// and slicing them, whatever the filter; the layout is made again when
// the tab, the filter or the width changes, and kept otherwise.
func TestLayoutWindowIsTheDrawnRowsSliced(t *testing.T) {
	d, p, _ := previewRunning(t)
	rows := layoutRows()
	p.tabs = []planTab{{title: "All", rows: rows}, {title: "None"}}
	for _, filter := range []string{"", "user", "store create", "nothing matches this"} {
		p.filter.SetValue(filter)
		for _, w := range []int{12, 40, 80, 133} {
			l := p.layout(w)
			all := d.m.rowLines(p.tabs[0].filtered(filter), w)
			if l.lines() != len(all) {
				t.Fatalf("filter %q, width %d: %d lines laid out, %d drawn", filter, w, l.lines(), len(all))
			}
			for from := 0; from < len(all); from += 7 {
				for _, n := range []int{1, 5, 19} {
					to := min(from+n, len(all))
					if got, want := strings.Join(l.window(d.m, from, to), "\n"), strings.Join(all[from:to], "\n"); got != want {
						t.Fatalf("filter %q, width %d, lines %d-%d:\n%s\nwant\n%s", filter, w, from, to, got, want)
					}
				}
			}
			if p.layout(w) != l {
				t.Fatalf("filter %q, width %d: laid out again with nothing changed", filter, w)
			}
		}
	}
	p.filter.SetValue("")
	l := p.layout(80)
	p.tab = 1
	if p.layout(80) == l || p.layout(80).lines() != 0 {
		t.Error("another tab kept the layout of the first")
	}
	p.tab = 0
	p.tabs = []planTab{{title: "All", rows: rows[:1]}, {title: "None"}}
	if p.layout(80).lines() != len(d.m.rowLines(rows[:1], 80)) {
		t.Error("new tabs (a new answer) kept the layout of the old ones")
	}
}

// filtered returns the rows of a tab matching the filter, as the screen
// shows them.
func (t planTab) filtered(filter string) []planRow {
	var out []planRow
	for _, i := range t.matching(filter) {
		out = append(out, t.rows[i])
	}
	return out
}

// A preview's answer lays the tab on show out at the width the screen was
// drawn at (while the preview ran), before the memory the preview read is
// given back, so that the first frame draws at once.
func TestPreviewAnswerLaysTheRowsOut(t *testing.T) {
	d, p, plan := previewRunning(t)
	d.m.Render() // the progress, drawn at the screen's width
	if p.drawn == 0 {
		t.Fatal("the screen did not note the width it was drawn at")
	}
	d.send(previewDoneMsg{seq: 7, plan: plan, tabs: planTabs(plan)})
	l := p.laidOut
	if l == nil || l.width != p.drawn || !sameTabs(l.tabs, p.tabs) || l.tab != p.tab {
		t.Fatalf("after the answer the layout is %+v, want the tab on show at width %d", l, p.drawn)
	}
	d.contains("ann")
	if p.laidOut != l {
		t.Error("the first frame laid the rows out again")
	}
}
