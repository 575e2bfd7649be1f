package wizard

import (
	"fmt"
	"os"
	"strings"
	"time"

	"ldapwiz/ldap"
)

// LDAPConfig turns the connection settings into an ldap.Config with the bind
// password read from its source (getenv nil means os.Getenv; files are read
// from disk). It fails with a message naming the setting when the timeout
// does not parse or the password cannot be resolved; it does not run the
// rest of Validate.
func (s Settings) LDAPConfig(getenv func(string) string) (ldap.Config, error) {
	c := s.Connection
	timeout, err := time.ParseDuration(strings.TrimSpace(c.Timeout))
	if c.Timeout == "" {
		timeout, err = defaultTimeout, nil
	}
	if err != nil || timeout <= 0 {
		return ldap.Config{}, fmt.Errorf("connection.timeout: %q is not a positive duration; write it like \"10s\" or \"1m\"", c.Timeout)
	}
	pw, err := c.ResolveBindPassword(getenv, os.ReadFile)
	if err != nil {
		return ldap.Config{}, err
	}
	return ldap.Config{
		URL:             strings.TrimSpace(c.URL),
		StartTLS:        c.StartTLS,
		VerifyTLS:       c.VerifyTLS,
		CAFile:          c.CAFile,
		BindDN:          strings.TrimSpace(c.BindDN),
		BindPassword:    pw,
		Timeout:         timeout,
		PageSize:        c.PageSize,
		ActiveDirectory: c.ActiveDirectory,
	}, nil
}
