package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// storeStepID is the id of the store's step in "ldapwiz test".
const storeStepID = "store"

// storeStep checks the PostgreSQL store (store.url) as "ldapwiz test"
// shows it: reachable, authenticated, TLS verified, schema version. ok is
// false for an SQLite store, which "ldapwiz validate" checks.
func storeStep(ctx context.Context, s wizard.Settings, getenv func(string) string) (step ldap.Step, ok bool) {
	if s.Store.Backend() != wizard.StorePostgres {
		return ldap.Step{}, false
	}
	step = ldap.Step{ID: storeStepID, Title: "Store (PostgreSQL)"}
	cfg, err := s.Store.Config(getenv, os.ReadFile)
	if err != nil {
		step.Status, step.Detail, step.Setting = ldap.StepFailed, err.Error(), "store.password_file"
		var se *wizard.StoreSecretError
		if errors.As(err, &se) {
			step.Setting = se.Setting
		}
		return step, true
	}
	ch, err := store.CheckConnection(ctx, cfg)
	if err != nil {
		step.Status, step.Detail, step.Setting = ldap.StepFailed, err.Error(), storeErrorSetting(err)
		return step, true
	}
	step.Status = ldap.StepOK
	switch {
	case ch.Version == 0:
		step.Detail = fmt.Sprintf("%s: connected; no schema yet (the first sync creates version %d)", ch.Where, ch.Latest)
	default:
		step.Detail = fmt.Sprintf("%s: connected; schema version %d of %d", ch.Where, ch.Version, ch.Latest)
	}
	return step, true
}

// storeErrorSetting is the setting to fix for an error opening the
// PostgreSQL store: the one the error names, else store.url.
func storeErrorSetting(err error) string {
	if setting := store.SettingOf(err); setting != "" {
		return setting
	}
	return "store.url"
}
