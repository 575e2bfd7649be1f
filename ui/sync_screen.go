package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// syncScreen is the Synchronization screen: its fields, and the check of
// the store's connection.
type syncScreen struct {
	*formScreen
	check  storeCheck
	method methodCheck
}

// newSyncScreen builds the Synchronization screen.
func newSyncScreen(m *Model) screen {
	s := &syncScreen{formScreen: newFormScreen(m, wizard.ScreenSync, "Sync", "Which way changes flow, who wins a conflict, and safety limits.", syncFields(&storePick{})...)}
	s.actions = map[string]func() tea.Cmd{actionCheckStore: s.checkStore}
	return s
}

// update handles the screen's keys and the store check's answer.
func (s *syncScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case storeCheckMsg:
		return s.onStoreCheck(msg)
	case methodCheckMsg:
		return s.onMethodCheck(msg)
	case spinner.TickMsg:
		switch {
		case s.check.running && msg.ID == s.check.spin.ID():
			var cmd tea.Cmd
			s.check.spin, cmd = s.check.spin.Update(msg)
			return cmd
		case s.method.running && msg.ID == s.method.spin.ID():
			var cmd tea.Cmd
			s.method.spin, cmd = s.method.spin.Update(msg)
			return cmd
		}
	}
	return s.formScreen.update(msg)
}

// view is the form, and below it what the directory offers for
// incremental sync and the store check, when there are.
func (s *syncScreen) view(w, h int) string {
	m := s.m
	cl := append(s.methodLines(w), s.checkLines(w)...)
	if len(cl) == 0 {
		return s.formScreen.view(w, h)
	}
	formH := max(h-len(cl)-1, h/2)
	out := s.fields.view(w, formH, m.c.Styles, &m.settings, m.shownProblems(), true)
	if room := h - formH - 1; len(cl) > room {
		cl = cl[:max(room, 0)]
	}
	return fitBlock(out, w, formH) + "\n\n" + strings.Join(cl, "\n")
}

// help lists the field's keys and the common ones.
func (s *syncScreen) help() []key.Binding { return append(s.formScreen.help(), s.helpTail()...) }

// syncFields lists the Synchronization screen; pick is its choice of user
// database.
func syncFields(pick *storePick) []*field {
	y := func(s *wizard.Settings) *wizard.Sync { return &s.Sync }
	auth := choiceS("sync.authority", "Who wins a conflict", "When a field changed on both sides since the last sync.", func(s *wizard.Settings) *string { return &y(s).Authority },
		choice{wizard.AuthorityLDAP, "the directory"}, choice{wizard.AuthorityStore, "the store"})
	auth.disabled = func(s wizard.Settings) string {
		if s.Sync.Mode != wizard.ModeTwoWay {
			return "Only matters in two-way mode: one side is read-only otherwise."
		}
		return ""
	}
	grace := textS("sync.missing_grace", "Grace period", "A disabled missing user is deleted after this long, e.g. 72h; empty: never.", func(s *wizard.Settings) *string { return &y(s).MissingGrace })
	grace.disabled = func(s wizard.Settings) string {
		if s.EffectiveMissingUsers() != wizard.MissingDisable {
			return "Only with users gone from the directory disabled: deleted users need no grace period."
		}
		return ""
	}
	fullEvery := textS("sync.full_every", "Full read every", "Read the directory whole at least this often, e.g. 24h.", func(s *wizard.Settings) *string { return &y(s).FullEvery })
	fullEvery.disabled = func(s wizard.Settings) string {
		if s.EffectiveIncremental() == wizard.IncrementalOff {
			return "Only with incremental reads: with them off every run reads the directory whole."
		}
		return ""
	}
	return append([]*field{
		choiceS("sync.mode", "Direction", "import: directory → store; one-way: store → directory; two-way: both.", func(s *wizard.Settings) *string { return &y(s).Mode },
			choice{wizard.ModeImport, "import"}, choice{wizard.ModeOneWay, "one-way"}, choice{wizard.ModeTwoWay, "two-way"}),
		auth,
		textS("sync.max_delete", "Delete at most", "A run deleting more stops unless --force: a number or a percentage, e.g. 10%.", func(s *wizard.Settings) *string { return &y(s).MaxDelete }),
		textS("sync.interval", "Repeat every", "Time between runs of sync --watch, e.g. 5m.", func(s *wizard.Settings) *string { return &y(s).Interval }),
		choiceS("sync.missing_users", "Missing users", "A user gone from the directory: deleted from the store, or disabled first.", func(s *wizard.Settings) *string { return &y(s).MissingUsers },
			choice{wizard.MissingDelete, "delete"}, choice{wizard.MissingDisable, "disable"}),
		grace,
		choiceS("sync.incremental", "Read changes only", "auto: after a full run, read only what changed (RFC 4533 content sync; uSNChanged on AD).", func(s *wizard.Settings) *string { return &y(s).Incremental },
			choice{wizard.IncrementalAuto, "auto"}, choice{wizard.IncrementalOff, "off"}, choice{wizard.IncrementalSyncrepl, "syncrepl"}, choice{wizard.IncrementalUSN, "usn"}),
		fullEvery,
	}, storeFields(pick)...)
}
