package ui

import (
	"charm.land/bubbles/v2/key"

	"ldapwiz/wizard"
)

// syncScreen is the Synchronization screen: its fields alone.
type syncScreen struct{ *formScreen }

// newSyncScreen builds the Synchronization screen.
func newSyncScreen(m *Model) screen {
	return &syncScreen{newFormScreen(m, wizard.ScreenSync, "Sync", "Which way changes flow, who wins a conflict, and safety limits.", syncFields()...)}
}

// help lists the field's keys and the common ones.
func (s *syncScreen) help() []key.Binding { return append(s.formScreen.help(), s.helpTail()...) }

// syncFields lists the Synchronization screen.
func syncFields() []*field {
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
	return []*field{
		choiceS("sync.mode", "Direction", "import: directory → store; one-way: store → directory; two-way: both.", func(s *wizard.Settings) *string { return &y(s).Mode },
			choice{wizard.ModeImport, "import"}, choice{wizard.ModeOneWay, "one-way"}, choice{wizard.ModeTwoWay, "two-way"}),
		auth,
		textS("sync.max_delete", "Delete at most", "A run deleting more stops unless --force: a number or a percentage, e.g. 10%.", func(s *wizard.Settings) *string { return &y(s).MaxDelete }),
		textS("sync.interval", "Repeat every", "Time between runs of sync --watch, e.g. 5m.", func(s *wizard.Settings) *string { return &y(s).Interval }),
		choiceS("sync.missing_users", "Missing users", "A user gone from the directory: deleted from the store, or disabled first.", func(s *wizard.Settings) *string { return &y(s).MissingUsers },
			choice{wizard.MissingDelete, "delete"}, choice{wizard.MissingDisable, "disable"}),
		grace,
		textS("store.path", "User database file", "The application's SQLite database that ldapwiz keeps in sync.", func(s *wizard.Settings) *string { return &s.Store.Path }),
	}
}
