package cli

import (
	"context"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// openPostgresStore opens the PostgreSQL store that s names (store.url,
// with the password from store.password_file or store.password_env) for a
// command that reads and writes it, as a sync does (migrating it when
// needed). Commands handed an SQLite file (store.path, --db) open it
// themselves.
func openPostgresStore(ctx context.Context, env *cliEnv, s wizard.Settings) (*store.DB, error) {
	cfg, err := s.Store.Config(env.getenv, nil)
	if err != nil {
		return nil, err
	}
	return cfg.Open(ctx)
}
