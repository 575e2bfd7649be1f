package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// runPhases are the phases of a run in order, as the Run screen lists them.
var runPhases = []syncer.Phase{syncer.PhaseConnect, syncer.PhaseReadDirectory, syncer.PhaseReadStore, syncer.PhasePlan, syncer.PhaseApply}

// phaseIndex is a phase's place in runPhases; -1 when it is not there.
func phaseIndex(ph syncer.Phase) int {
	for i, p := range runPhases {
		if p == ph {
			return i
		}
	}
	return -1
}

// runView draws the Run screen for its stage.
func (r *runScreen) view(w, h int) string {
	switch r.stage {
	case runRunning:
		return r.progressView(w)
	case runConfirm, runConfirmForce:
		return r.confirmView(w, h)
	case runFinished:
		return r.summaryView(w, h)
	}
	return r.idleView(w)
}

// runWhat words what a run of the saved settings touches.
func (r *runScreen) runWhat() string {
	m := r.m
	s := m.settings
	switch s.Sync.Mode {
	case wizard.ModeImport:
		return "an import: the directory " + s.Connection.URL + " is copied into the store " + s.Store.Path + "; the directory is only read"
	case wizard.ModeOneWay:
		return "a one-way sync: the store " + s.Store.Path + " is written to the directory " + s.Connection.URL
	}
	winner := "the directory wins conflicts"
	if s.Sync.Authority == wizard.AuthorityStore {
		winner = "the store wins conflicts"
	}
	return "a two-way sync between the directory " + s.Connection.URL + " and the store " + s.Store.Path + " (" + winner + ")"
}

// runIdleView says what a run does and what stops it.
func (r *runScreen) idleView(w int) string {
	m := r.m
	lines := []string{
		wrap("Runs "+r.runWhat()+", with the settings saved in "+m.opts.Path+".", w),
		m.c.Styles.Muted.Render(wrap("A run deleting more than sync.max_delete ("+m.settings.Sync.MaxDelete+") stops before changing anything. The Preview screen shows what would change.", w)),
		"",
	}
	if b := m.runBlocker(); b != "" {
		lines = append(lines, m.c.Styles.Warning.Render(wrap("! "+b, w)))
	} else {
		lines = append(lines, m.c.Styles.Key.Render("enter")+" starts the sync (you will be asked to confirm).")
	}
	return strings.Join(lines, "\n")
}

// runConfirmView asks before running, and again before forcing.
func (r *runScreen) confirmView(w, h int) string {
	m := r.m
	title := "Run the sync now?"
	text := "This runs " + r.runWhat() + "."
	if r.stage == runConfirmForce {
		title = "Run with force?"
		text = "The safety guard said: " + strings.TrimPrefix(r.guard.Error(), "refused: ") +
			"\n\nWith force the run goes ahead anyway and applies every change of the plan."
	}
	inner := max(min(w-8, 72), 20)
	box := m.c.Styles.Dialog.Render(m.c.Styles.Heading.Render(title) + "\n\n" + wrap(text, inner) + "\n\n" +
		m.c.Styles.Key.Render("y") + " run it   " + m.c.Styles.Key.Render("n") + "/" + m.c.Styles.Key.Render("esc") + " cancel")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// runProgressView shows the phases, the counts, rate, ETA and a bar.
func (r *runScreen) progressView(w int) string {
	m := r.m
	ev := r.ev
	var marks []string
	for _, ph := range runPhases {
		switch {
		case ph == ev.Phase:
			marks = append(marks, m.c.Styles.StepNow.Render(r.spin.View()+" "+string(ph)))
		case r.phases[ph] || phaseIndex(ph) < phaseIndex(ev.Phase):
			// A phase the engine reports no event for is done once a later one runs.
			marks = append(marks, m.c.Styles.OK.Render("✓ "+string(ph)))
		default:
			marks = append(marks, m.c.Styles.Muted.Render("· "+string(ph)))
		}
	}
	lines := []string{ansi.Truncate(strings.Join(marks, "  "), w, "…"), ""}
	one, many := "entry", "entries"
	if ev.Phase == syncer.PhaseApply {
		one, many = "change", "changes"
	}
	unit := func(n int) string {
		if n == 1 {
			return one
		}
		return many
	}
	count := thousands(ev.Done) + " " + unit(ev.Done)
	if ev.Total > 0 {
		of := thousands(ev.Total)
		if ev.Estimated {
			of = "about " + of
		}
		count = thousands(ev.Done) + " of " + of + " " + unit(ev.Total)
	}
	if f := ev.Fraction(); f >= 0 {
		r.bar.SetWidth(max(min(w-8, 60), 10))
		lines = append(lines, r.bar.ViewAs(f)+fmt.Sprintf(" %3.0f%%", f*100))
	} else {
		lines = append(lines, m.c.Styles.Muted.Render("(total not known yet)"))
	}
	stats := count
	if ev.Rate > 0 {
		stats += fmt.Sprintf(" · %s/s", thousands(int(ev.Rate+0.5)))
	}
	stats += " · " + ev.Elapsed.Round(100*time.Millisecond).String() + " in this phase"
	if eta, ok := ev.ETA(); ok {
		if eta < time.Second {
			stats += " · under a second left"
		} else {
			stats += " · about " + eta.Round(time.Second).String() + " left"
		}
	}
	lines = append(lines, ansi.Truncate(stats, w, "…"))
	if ev.Message != "" {
		lines = append(lines, m.c.Styles.Muted.Render(ansi.Truncate(ev.Message, w, "…")))
	}
	if a := ev.Action; a != nil {
		name := a.Name
		if a.Member() != "" {
			name = a.Member() + " in " + a.Name
		}
		lines = append(lines, m.c.Styles.Muted.Render(ansi.Truncate("last: "+sideName(a.Side)+" "+strings.ReplaceAll(a.Op, "_", " ")+" "+string(a.Kind)+" "+name, w, "…")))
	}
	lines = append(lines, "")
	if r.cancelling {
		lines = append(lines, m.c.Styles.Warning.Render(wrap("Cancelling: the change in progress finishes, then the sync stops.", w)))
	} else {
		lines = append(lines, m.c.Styles.Muted.Render(wrap("esc or ctrl+c cancels: the change in progress finishes and the store stays consistent.", w)))
	}
	return strings.Join(lines, "\n")
}

// runSummaryView is the end of a run: its outcome, the counts per side and
// operation, skipped entries, conflicts, invitations, failures and where
// the report was saved.
func (r *runScreen) summaryView(w, h int) string {
	m := r.m
	rep := r.rep
	var lines []string
	add := func(style lipgloss.Style, text string) {
		if ansi.StringWidth(text) <= w { // fits: kept as written (aligned columns)
			lines = append(lines, style.Render(text))
			return
		}
		for _, l := range strings.Split(wrap(text, w), "\n") {
			lines = append(lines, style.Render(l))
		}
	}
	planned := 0
	if rep != nil && rep.Plan != nil {
		planned = rep.Plan.Changes()
	}
	switch {
	case r.guard != nil:
		g, _, _ := strings.Cut(strings.TrimPrefix(r.guard.Error(), "refused: "), ". Nothing was changed")
		add(m.c.Styles.Error, "✗ Refused before any change: "+g+".")
		add(m.c.Styles.Muted, "Nothing was changed. Check the plan on the Preview screen; if the deletions are intended, raise sync.max_delete, or press f to run with force.")
	case r.runCancelled():
		add(m.c.Styles.Warning, fmt.Sprintf("Cancelled after %s of %s; the store is consistent; run again to finish.", thousands(rep.Applied), countOf(planned, "change")))
	case errors.Is(r.err, store.ErrSyncRunning):
		add(m.c.Styles.Error, "✗ "+r.err.Error())
	case r.err != nil && rep != nil && rep.Outcome == store.OutcomeFailed && rep.Failed > 0:
		add(m.c.Styles.Error, fmt.Sprintf("✗ The sync finished with failures: %s applied, %s failed.", thousands(rep.Applied), thousands(rep.Failed)))
	case r.err != nil:
		add(m.c.Styles.Error, "✗ The sync failed: "+r.err.Error())
	case rep == nil:
		add(m.c.Styles.OK, "✓ Sync finished.")
	default:
		add(m.c.Styles.OK, fmt.Sprintf("✓ Sync finished in %s: %s of %s applied.", rep.Duration().Round(time.Millisecond), thousands(rep.Applied), countOf(planned, "change")))
	}
	if rep != nil && rep.Plan != nil && r.guard == nil {
		pl := rep.Plan
		lines = append(lines, "")
		add(lipgloss.NewStyle(), "Directory: "+sideCounts(pl, syncer.SideLDAP))
		add(lipgloss.NewStyle(), "Store:     "+sideCounts(pl, syncer.SideStore))
		skipped := fmt.Sprintf("Skipped: %s", thousands(len(pl.Skipped)))
		if reasons := skipReasonsLine(pl); reasons != "" {
			skipped += " (" + reasons + ")"
		}
		add(lipgloss.NewStyle(), skipped)
		lines = append(lines, fmt.Sprintf("Conflicts: %s", thousands(len(pl.Conflicts))))
		if inv := rep.Invites; inv != nil {
			add(lipgloss.NewStyle(), fmt.Sprintf("Invitations: %s sent, %s queued (ldapwiz enroll invites lists the queue)", thousands(inv.Sent), thousands(inv.Queued)))
		}
		if rep.Failed > 0 {
			lines = append(lines, m.c.Styles.Error.Render(fmt.Sprintf("Failures: %s", thousands(rep.Failed))))
			shown := 0
			for _, a := range pl.Actions {
				if !a.Failed {
					continue
				}
				if shown == max(h-len(lines)-4, 1) {
					lines = append(lines, m.c.Styles.Muted.Render("  … the report lists them all"))
					break
				}
				add(lipgloss.NewStyle(), fmt.Sprintf("  %s %s %s %s: %s", sideName(a.Side), a.Op, a.Kind, a.Name, a.ErrorText()))
				shown++
			}
		}
	}
	lines = append(lines, "")
	switch {
	case r.reportPath != "":
		add(lipgloss.NewStyle(), "Report saved to "+r.reportPath)
	case r.reportErr != nil:
		add(m.c.Styles.Error, "The report was not saved: "+r.reportErr.Error())
	}
	next := m.c.Styles.Key.Render("enter") + " runs again · " + m.c.Styles.Key.Render("esc") + " back"
	if r.guard != nil {
		next = m.c.Styles.Key.Render("f") + " runs with force (asks again) · " + next
	}
	return strings.Join(append(lines, next), "\n")
}

// skipReasonsLine words the skip reasons with their counts.
func skipReasonsLine(p *syncer.Plan) string {
	rs := p.SkipReasons()
	keys := make([]string, 0, len(rs))
	for k := range rs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s", thousands(rs[k]), k)
	}
	return strings.Join(parts, ", ")
}

// runHelp lists the Run screen's keys.
func (r *runScreen) help() []key.Binding {
	k := r.m.c.Keys
	switch r.stage {
	case runRunning:
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/ctrl+c", "cancel the sync"))}
	case runConfirm, runConfirmForce:
		return []key.Binding{withHelp(k.Yes, "run"), withHelp(k.Back, "cancel")}
	case runFinished:
		if r.guard != nil {
			return []key.Binding{k.Force, withHelp(k.Enter, "run again"), k.Back, k.Save, k.Help, k.Quit}
		}
		return []key.Binding{withHelp(k.Enter, "run again"), k.Back, k.Save, k.Help, k.Quit}
	}
	return []key.Binding{withHelp(k.Enter, "start"), k.Back, k.Save, k.Help, k.Quit}
}
