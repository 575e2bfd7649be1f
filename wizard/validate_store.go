package wizard

import (
	"strings"

	"ldapwiz/store"
)

// storePostgres checks the PostgreSQL settings of [store] without
// connecting: the URL's form (no password in it), the password source and
// the CA file. "ldapwiz test" and the wizard's check connect.
func (c *checker) storePostgres() {
	st := c.s.Store
	if err := store.CheckURL(st.URL); err != nil {
		c.errorf("store.url", "%s", err)
	}
	spec := storeSecret(st)
	if len(spec.sources()) == 0 {
		c.warnf("store.password_file", "store.url is set but no password source is: set store.password_file or store.password_env (unless the server lets this host in without a password).")
	} else if _, setting, err := spec.resolve(c.opts.Getenv, c.opts.ReadFile); err != nil {
		c.errorf(setting, "%s", err)
	}
	if ca := strings.TrimSpace(st.CAFile); ca != "" {
		if _, err := c.opts.ReadFile(ca); err != nil {
			c.errorf("store.ca_file", "Cannot read the CA file: %s; check the path, or empty store.ca_file to use the system's CAs.", describeFileErr(err))
		}
	}
}
