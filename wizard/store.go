package wizard

import (
	"strings"

	"ldapwiz/store"
)

// Store backends, as the wizard offers them.
const (
	StoreSQLite   = "sqlite"
	StorePostgres = "postgres"
)

// Backend is StorePostgres when store.url is set, StoreSQLite otherwise.
func (s StoreSettings) Backend() string {
	if strings.TrimSpace(s.URL) != "" {
		return StorePostgres
	}
	return StoreSQLite
}

// storeSecret is the PostgreSQL password's sources.
func storeSecret(s StoreSettings) secretSpec {
	return secretSpec{prefix: "store.password", file: s.PasswordFile, env: s.PasswordEnv}
}

// Config returns the store.Config these settings name, with the PostgreSQL
// password read from store.password_file or store.password_env (none set:
// no password, for a server that trusts this host). getenv and readFile
// default to os.Getenv and os.ReadFile when nil. The error names the
// setting to fix and never holds the password.
func (s StoreSettings) Config(getenv func(string) string, readFile func(string) ([]byte, error)) (store.Config, error) {
	c := store.Config{Path: strings.TrimSpace(s.Path), URL: strings.TrimSpace(s.URL), CAFile: strings.TrimSpace(s.CAFile)}
	if c.URL == "" {
		return c, nil
	}
	spec := storeSecret(s)
	if len(spec.sources()) == 0 {
		return c, nil
	}
	getenv, readFile = osDefaults(getenv, readFile)
	pw, setting, err := spec.resolve(getenv, readFile)
	if err != nil {
		return c, &StoreSecretError{Setting: setting, Err: err}
	}
	c.Password = pw
	return c, nil
}

// StoreSecretError is Config's failure to read the PostgreSQL password:
// Setting is the source that failed (store.password_file or
// store.password_env).
type StoreSecretError struct {
	Setting string
	Err     error
}

// Error names the setting, then what is wrong with it.
func (e *StoreSecretError) Error() string { return e.Setting + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *StoreSecretError) Unwrap() error { return e.Err }
