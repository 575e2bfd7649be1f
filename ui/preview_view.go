package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// previewView draws the Preview screen: progress while reading, the reason
// it could not run, or the plan.
func (p *previewScreen) view(w, h int) string {
	m := p.m
	p.drawn = w
	switch {
	case p.running:
		return p.progressView(w)
	case p.blocked != nil:
		lines := []string{m.c.Styles.Error.Render(fmt.Sprintf("✗ The settings have %s; a preview needs them fixed:", plural(len(p.blocked), "error")))}
		for i, pr := range p.blocked {
			if i == max(h-6, 1) {
				lines = append(lines, m.c.Styles.Muted.Render(fmt.Sprintf("  … and %d more on the Review screen", len(p.blocked)-i)))
				break
			}
			for j, l := range strings.Split(wrap(m.screenTitle(pr.Screen)+" › "+pr.Setting+": "+pr.Message, w-4), "\n") {
				indent := "    " // continuation lines under the setting
				if j == 0 {
					indent = "  "
				}
				lines = append(lines, indent+l)
			}
		}
		lines = append(lines, "", m.c.Styles.Muted.Render(wrap("esc goes back to Review (enter there jumps to the field); r reads again.", w)))
		return strings.Join(lines, "\n")
	case p.err != nil:
		return m.c.Styles.Error.Render(wrap("✗ The preview failed: "+p.err.Error(), w)) + "\n\n" +
			m.c.Styles.Muted.Render(wrap("Fix the setting it names (the Connection screen's test helps), then press r to read again.", w))
	case p.plan == nil:
		return m.c.Styles.Muted.Render(wrap("Press r to read the directory and the store and show what a sync would change. Nothing is written.", w))
	}
	return p.planView(w, h)
}

// previewProgressView shows the phase being read and a spinner.
func (p *previewScreen) progressView(w int) string {
	m, ev := p.m, p.ev
	line := p.spin.View() + " " + string(ev.Phase)
	if ev.Message != "" {
		line += m.c.Styles.Muted.Render(" — " + ev.Message)
	}
	lines := []string{ansi.Truncate(line, w, "…")}
	if ev.Done > 0 {
		n := thousands(ev.Done)
		if ev.Total > 0 {
			n += " of "
			if ev.Estimated {
				n += "about "
			}
			n += thousands(ev.Total)
		}
		lines = append(lines, "  "+n+" entries read")
	}
	lines = append(lines, "", m.c.Styles.Muted.Render(wrap("Reading both sides; nothing is written. esc cancels.", w)))
	return strings.Join(lines, "\n")
}

// planView is the plan: what was read, each side's changes, the guard, the
// tabs, the filter and the rows of the tab on show.
func (p *previewScreen) planView(w, h int) string {
	m := p.m
	pl := p.plan
	mode := pl.Mode + " sync"
	if pl.Mode == wizard.ModeTwoWay {
		mode += ", authority " + pl.Authority
	}
	var lines []string
	// The heading and the counts wrap (at spaces) rather than lose their ends.
	head := "Plan: " + mode
	read := fmt.Sprintf("· read %s, %s from the directory; %s, %s in the store",
		kindCount(pl.DirectoryUsers, store.KindUser), kindCount(pl.DirectoryGroups, store.KindGroup),
		kindCount(pl.StoreUsers, store.KindUser), kindCount(pl.StoreGroups, store.KindGroup))
	for i, l := range strings.Split(wrap(head+" "+read, w), "\n") {
		if i == 0 && strings.HasPrefix(l, head) {
			l = m.c.Styles.Heading.Render(head) + m.c.Styles.Muted.Render(strings.TrimPrefix(l, head))
		} else {
			l = m.c.Styles.Muted.Render(l)
		}
		lines = append(lines, l)
	}
	lines = append(lines, strings.Split(wrap("Directory: "+sideCounts(pl, syncer.SideLDAP)+" · Store: "+sideCounts(pl, syncer.SideStore), w), "\n")...)
	if pl.Read != nil { // how the next sync reads the directory
		for _, l := range strings.Split(wrap("Directory read: "+pl.Read.Line(), w), "\n") {
			lines = append(lines, m.c.Styles.Muted.Render(l))
		}
	}
	switch {
	case p.guard != "":
		for _, l := range strings.Split(wrap("! A sync would be refused: "+p.guard+".", w), "\n") {
			lines = append(lines, m.c.Styles.Warning.Render(l))
		}
	case pl.Changes() == 0:
		lines = append(lines, m.c.Styles.OK.Render("✓ Nothing to change: both sides are in sync."))
	default:
		lines = append(lines, m.c.Styles.OK.Render("✓ Within the safety limits: a sync would run."))
	}
	if !p.current() {
		for _, l := range strings.Split(wrap("The settings changed since this preview: r reads again.", w), "\n") {
			lines = append(lines, m.c.Styles.Warning.Render(l))
		}
	}
	lines = append(lines, p.tabsLine(w))
	tab := p.tabs[p.tab]
	laid := p.layout(w)
	if p.filtering || p.filter.Value() != "" {
		fl := p.filter.View()
		if !p.filtering {
			fl = "/ " + p.filter.Value()
		}
		lines = append(lines, ansi.Truncate(fl, w-18, "…")+m.c.Styles.Muted.Render(fmt.Sprintf("  %s of %s", thousands(len(laid.rows)), thousands(tab.count()))))
	}
	room := h - len(lines)
	if room < 1 {
		return strings.Join(lines, "\n")
	}
	total := laid.lines()
	if total == 0 {
		msg := "Nothing here."
		if tab.count() > 0 {
			msg = "No row matches the filter (esc clears it)."
		}
		return strings.Join(append(lines, m.c.Styles.Muted.Render(msg)), "\n")
	}
	p.scroll = min(p.scroll, max(total-room, 0))
	end := min(p.scroll+room, total)
	shown := laid.window(m, p.scroll, end)
	if end < total {
		shown[len(shown)-1] = m.c.Styles.Muted.Render(fmt.Sprintf("↓ %d more lines (j/k, pgup/pgdn)", total-end+1))
	}
	return strings.Join(append(lines, shown...), "\n")
}

// previewCurrent reports whether the plan is for the settings on screen.
func (p *previewScreen) current() bool {
	return p.enc != nil && string(p.enc) == string(p.m.encoded)
}

// tabsLine draws the tab titles with their counts, the current one marked.
func (p *previewScreen) tabsLine(w int) string {
	m := p.m
	render := func(level int, pad string) string {
		parts := make([]string, len(p.tabs))
		for i, t := range p.tabs {
			title := []string{t.title, t.medium, t.short}[level]
			text := fmt.Sprintf("%s%s %s%s", pad, title, thousands(t.count()), pad)
			switch {
			case i == p.tab: // brackets mark it where reverse video does not show
				parts[i] = m.c.Styles.Selected.Render(fmt.Sprintf("[%s %s]", title, thousands(t.count())))
			case t.count() == 0:
				parts[i] = m.c.Styles.Muted.Render(text)
			default:
				parts[i] = text
			}
		}
		return strings.Join(parts, m.c.Styles.Muted.Render("│"))
	}
	// Shorter titles, then no padding, until the line fits.
	var line string
	for _, f := range []struct {
		level int
		pad   string
	}{{0, " "}, {1, " "}, {1, ""}, {2, " "}, {2, ""}} {
		if line = render(f.level, f.pad); lipgloss.Width(line) <= w {
			break
		}
	}
	return ansi.Truncate(line, w, "…")
}

// rowLines renders rows: a head line (side, what, name, note) and the
// detail lines indented under it.
func (m *Model) rowLines(rows []planRow, w int) []string {
	var out []string
	for _, r := range rows {
		head := ""
		if r.side != "" {
			head = fmt.Sprintf("%-9s ", r.side)
		}
		what := r.what
		if r.failed {
			what = m.c.Styles.Warning.Render(what)
		}
		head += what + "  " + m.c.Styles.Value.Bold(true).Render(r.name)
		if r.note != "" {
			head += m.c.Styles.Muted.Render("  " + r.note)
		}
		if ansi.StringWidth(head) <= w { // fits: the columns stay aligned
			out = append(out, head)
		} else {
			out = append(out, wrappedHead(head, w)...)
		}
		for _, l := range r.detail() {
			for _, part := range strings.Split(ansi.Hardwrap(wrap(l, w-4), w-4, true), "\n") {
				out = append(out, "    "+part)
			}
		}
	}
	return out
}

// wrappedHead breaks a row's head line too long for w at spaces, the
// continuation lines indented past the side column.
func wrappedHead(head string, w int) []string {
	out := strings.Split(wrap(head, w-10), "\n")
	for i := 1; i < len(out); i++ {
		out[i] = strings.Repeat(" ", 10) + out[i]
	}
	return out
}

// previewHelp lists the Preview screen's keys.
func (p *previewScreen) help() []key.Binding {
	k := p.m.c.Keys
	switch {
	case p.filtering:
		return []key.Binding{withHelp(k.Enter, "keep the filter"), withHelp(k.Back, "clear the filter")}
	case p.running:
		return []key.Binding{withHelp(k.Back, "cancel"), k.Help, k.Quit}
	case p.plan == nil:
		return []key.Binding{k.Refresh, k.Back, withHelp(k.Enter, "next"), k.Help, k.Quit}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "tab")),
		key.NewBinding(key.WithKeys("j"), key.WithHelp("j/k", "scroll")),
		k.Filter, k.Refresh, withHelp(k.Enter, "to Run"), k.Back, k.Help, k.Quit,
	}
}
