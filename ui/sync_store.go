package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// actionCheckStore is the Synchronization screen's "check the store" button.
const actionCheckStore = "check-store"

// storeCheckBudget bounds the store check (connecting, TLS, login, a query).
const storeCheckBudget = 20 * time.Second

// storeCheck is the Synchronization screen's check of the store connection.
type storeCheck struct {
	req     request
	running bool
	spin    spinner.Model
	result  string // what was found, in plain words
	err     error
}

// storeCheckMsg is the answer of request seq.
type storeCheckMsg struct {
	seq    int
	result string
	err    error
}

// storePick is the user database chosen on the Sync screen. PostgreSQL,
// once chosen or found in store.url, stays chosen while store.url is being
// retyped (empty for a moment), until SQLite is chosen, which empties it.
type storePick struct{ postgres bool }

// isPostgres reports whether PostgreSQL is the choice with settings s.
func (p *storePick) isPostgres(s wizard.Settings) bool {
	if s.Store.Backend() == wizard.StorePostgres {
		p.postgres = true
	}
	return p.postgres
}

// storeFields are the [store] fields: SQLite (a file) or PostgreSQL (a URL,
// its password source and CA), and the check of the connection.
func storeFields(pick *storePick) []*field {
	st := func(s *wizard.Settings) *wizard.StoreSettings { return &s.Store }
	pg := func(f *field) *field {
		f.visible = pick.isPostgres
		return f
	}
	backend := &field{Key: "ui.store_backend", Label: "User database", Kind: kindChoice,
		Help:   "SQLite: one file on this host (the default). PostgreSQL: shared by several application instances and sync workers.",
		Choice: []choice{{wizard.StoreSQLite, "SQLite file"}, {wizard.StorePostgres, "PostgreSQL"}},
		get: func(s *wizard.Settings) string {
			if pick.isPostgres(*s) {
				return wizard.StorePostgres
			}
			return wizard.StoreSQLite
		},
		set: func(s *wizard.Settings, v string) {
			pick.postgres = v == wizard.StorePostgres
			switch {
			case v == wizard.StoreSQLite:
				s.Store.URL = ""
			case strings.TrimSpace(s.Store.URL) == "":
				s.Store.URL = "postgres://ldapwiz@localhost:5432/ldapwiz"
			}
		}}
	path := textS("store.path", "User database file", "The application's SQLite database that ldapwiz keeps in sync (with PostgreSQL: where the key file <path>.key lives).", func(s *wizard.Settings) *string { return &st(s).Path })
	return []*field{
		backend,
		path,
		pg(textS("store.url", "PostgreSQL URL", "postgres://USER@HOST:5432/DATABASE, without the password.", func(s *wizard.Settings) *string { return &st(s).URL })),
		pg(textS("store.password_file", "Password file", "File holding the PostgreSQL password.", func(s *wizard.Settings) *string { return &st(s).PasswordFile })),
		pg(textS("store.password_env", "Password variable", "Or: environment variable holding the PostgreSQL password.", func(s *wizard.Settings) *string { return &st(s).PasswordEnv })),
		pg(textS("store.ca_file", "CA file", "PEM of the CA that signed the server's certificate; empty: the system's CAs.", func(s *wizard.Settings) *string { return &st(s).CAFile })),
		pg(&field{Key: "ui.check_store", Label: "Check the store", Kind: kindButton, Action: actionCheckStore,
			Help: "Connects with the settings above (read only): reachable, signed in, TLS verified, schema version."}),
	}
}

// checkStore starts the check of the store with the settings on screen.
func (s *syncScreen) checkStore() tea.Cmd {
	m, c := s.m, &s.check
	ctx, seq := c.req.next(m.c.Ctx, storeCheckBudget)
	c.running, c.result, c.err = true, "", nil
	c.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	st, getenv := m.settings.Store, m.opts.Getenv
	run := func() tea.Msg {
		cfg, err := st.Config(getenv, nil)
		if err != nil {
			return storeCheckMsg{seq: seq, err: err}
		}
		ch, err := store.CheckConnection(ctx, cfg)
		if err != nil {
			return storeCheckMsg{seq: seq, err: err}
		}
		res := fmt.Sprintf("%s at %s: connected; schema version %d of %d", ch.Backend, ch.Where, ch.Version, ch.Latest)
		if ch.Version == 0 {
			res = fmt.Sprintf("%s at %s: connected; no schema yet (the first sync creates it)", ch.Backend, ch.Where)
		}
		return storeCheckMsg{seq: seq, result: res}
	}
	return tea.Batch(run, c.spin.Tick)
}

// onStoreCheck records the answer of the newest check.
func (s *syncScreen) onStoreCheck(msg storeCheckMsg) tea.Cmd {
	c := &s.check
	if !c.req.done(msg.seq) {
		return nil
	}
	c.running, c.result, c.err = false, msg.result, msg.err
	return nil
}

// checkLines renders the check: the spinner, or its result.
func (s *syncScreen) checkLines(w int) []string {
	m, c := s.m, &s.check
	head := m.c.Styles.Heading.Render("Store")
	switch {
	case c.running:
		return []string{head, c.spin.View() + " connecting…"}
	case c.err != nil:
		return append([]string{head}, strings.Split(m.c.Styles.Error.Render(wrap("✗ "+c.err.Error(), w)), "\n")...)
	case c.result != "":
		return append([]string{head}, strings.Split(m.c.Styles.OK.Render(wrap("✓ "+c.result, w)), "\n")...)
	}
	return nil
}
