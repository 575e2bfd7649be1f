package cli

import (
	"context"
	"strings"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// validateStoreBudget bounds the PostgreSQL store check of "ldapwiz
// validate".
const validateStoreBudget = 15 * time.Second

// storeProblems checks that the PostgreSQL store (store.url) can be opened
// (read only: reachable, signed in, TLS verified, schema not newer than
// this ldapwiz's), for "ldapwiz validate": an error on the setting to fix,
// or nothing. An SQLite store, or store settings that already have an
// error, are left to the settings checks.
func storeProblems(s wizard.Settings, found []wizard.Problem, getenv func(string) string) []wizard.Problem {
	if s.Store.Backend() != wizard.StorePostgres {
		return nil
	}
	for _, p := range found {
		if p.Severity == wizard.Error && strings.HasPrefix(p.Setting, "store.") {
			return nil
		}
	}
	cfg, err := s.Store.Config(getenv, nil)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), validateStoreBudget)
		defer cancel()
		_, err = store.CheckConnection(ctx, cfg)
	}
	if err == nil {
		return nil
	}
	setting := storeErrorSetting(err)
	return []wizard.Problem{{Severity: wizard.Error, Setting: setting, Screen: wizard.ScreenFor(setting),
		Message: "The store cannot be opened: " + err.Error()}}
}
