package ui

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// rowLayout is where the rows of one tab, filtered, start among the lines
// rowLines draws them as at one width, so that the Preview screen draws
// only the rows on screen. Drawing every row each frame took about 0.8 s
// of CPU a key at 100,000 creates (700,000 lines). The rows' heights are
// counted once per tab and width; a filter typed sums those of the rows
// it matches.
type rowLayout struct {
	tabs   []planTab // the tabs it was made for (a new answer brings new ones)
	tab    int
	width  int
	height []int32 // height[i]: the lines of the tab's row i at width
	filter string
	rows   []int // the tab's rows that match the filter
	start  []int // start[k] is the first line of rows[k]; start[len(rows)] is how many lines in all
}

// layout returns the layout of tab p.tab with the filter on screen at
// width w, made again only when one of them (or the tabs) changed.
func (p *previewScreen) layout(w int) *rowLayout {
	old, filter := p.laidOut, p.filter.Value()
	sameRows := old != nil && sameTabs(old.tabs, p.tabs) && old.tab == p.tab && old.width == w
	if sameRows && old.filter == filter {
		return old
	}
	tab := p.tabs[p.tab]
	l := &rowLayout{tabs: p.tabs, tab: p.tab, width: w, filter: filter, rows: tab.matching(filter)}
	if sameRows {
		l.height = old.height
	} else {
		l.height = make([]int32, len(tab.rows))
		for i, r := range tab.rows {
			l.height[i] = int32(p.m.rowHeight(r, w))
		}
	}
	l.start = make([]int, len(l.rows)+1)
	for k, i := range l.rows {
		l.start[k+1] = l.start[k] + int(l.height[i])
	}
	p.laidOut = l
	return l
}

// sameTabs reports whether a and b are the same tabs (not equal ones).
func sameTabs(a, b []planTab) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// lines is how many lines the rows take in all.
func (l *rowLayout) lines() int { return l.start[len(l.rows)] }

// window returns lines [from, to) of the rows, drawing only the rows they
// fall in.
func (l *rowLayout) window(m *Model, from, to int) []string {
	first := sort.Search(len(l.rows), func(k int) bool { return l.start[k+1] > from })
	last := sort.Search(len(l.rows), func(k int) bool { return l.start[k] >= to })
	rows := make([]planRow, 0, last-first)
	for _, i := range l.rows[first:last] {
		rows = append(rows, l.tabs[l.tab].rows[i])
	}
	body := m.rowLines(rows, l.width)
	skip := min(from-l.start[first], len(body))
	return body[skip:min(skip+to-from, len(body))]
}

// rowHeight is how many lines rowLines draws r as at width w: one for its
// head and one for each detail line when all of them fit, as most do;
// otherwise it draws the row to count them.
func (m *Model) rowHeight(r planRow, w int) int {
	fits := headWidth(r) <= w && w-4 >= 10 // under 10 cells wrap widens the lines
	lines := r.detail()
	for _, l := range lines {
		if !fits {
			break
		}
		fits = cells(l) <= w-4 && !strings.Contains(l, "\n")
	}
	if fits {
		return 1 + len(lines)
	}
	return len(m.rowLines([]planRow{r}, w))
}

// headWidth is how many cells r's head line takes as rowLines draws it
// (its styles add none): the side padded to 9 runes and a space, then
// what, name and note two spaces apart.
func headWidth(r planRow) int {
	n := cells(r.what) + 2 + cells(r.name)
	if r.side != "" {
		n += cells(r.side) + max(0, 9-utf8.RuneCountInString(r.side)) + 1
	}
	if r.note != "" {
		n += 2 + cells(r.note)
	}
	return n
}

// cells is how many cells s takes on a terminal: its length when it is
// printable ASCII, as nearly every value is, else ansi.StringWidth's
// count.
func cells(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}
