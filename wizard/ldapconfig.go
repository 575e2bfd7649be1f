package wizard

import (
	"fmt"
	"os"
	"strings"
	"time"

	"ldapwiz/ldap"
)

// Server orders of connection.server_order; empty means in-order.
const (
	ServerOrderInOrder = "in-order"
	ServerOrderRandom  = "random"
)

// Bind methods of connection.bind_method; empty means simple.
const (
	BindSimple   = "simple"
	BindExternal = "external"
	BindGSSAPI   = "gssapi"
)

// ServerURLs lists the directory servers to try, as listed: connection.url
// split on white space (as OpenLDAP's ldap.conf URI does).
func (c Connection) ServerURLs() []string { return strings.Fields(c.URL) }

// External reports whether the bind is SASL EXTERNAL with the client
// certificate.
func (c Connection) External() bool {
	return strings.EqualFold(strings.TrimSpace(c.BindMethod), BindExternal)
}

// GSSAPI reports whether the bind is SASL GSSAPI (Kerberos with a keytab).
func (c Connection) GSSAPI() bool {
	return strings.EqualFold(strings.TrimSpace(c.BindMethod), BindGSSAPI)
}

// LDAPConfig turns the connection settings into an ldap.Config with the bind
// password read from its source (getenv nil means os.Getenv; files are read
// from disk). It fails with a message naming the setting when the timeout
// does not parse or the password cannot be resolved; it does not run the
// rest of Validate. EXTERNAL and GSSAPI binds need no password and ignore
// bind_dn.
func (s Settings) LDAPConfig(getenv func(string) string) (ldap.Config, error) {
	c := s.Connection
	timeout, err := time.ParseDuration(strings.TrimSpace(c.Timeout))
	if c.Timeout == "" {
		timeout, err = defaultTimeout, nil
	}
	if err != nil || timeout <= 0 {
		return ldap.Config{}, fmt.Errorf("connection.timeout: %q is not a positive duration; write it like \"10s\" or \"1m\"", c.Timeout)
	}
	cfg := ldap.Config{
		URL:             strings.Join(c.ServerURLs(), " "),
		RandomOrder:     strings.TrimSpace(c.ServerOrder) == ServerOrderRandom,
		StartTLS:        c.StartTLS,
		VerifyTLS:       c.VerifyTLS,
		CAFile:          c.CAFile,
		ClientCertFile:  strings.TrimSpace(c.ClientCertFile),
		ClientKeyFile:   strings.TrimSpace(c.ClientKeyFile),
		Timeout:         timeout,
		PageSize:        c.PageSize,
		ActiveDirectory: c.ActiveDirectory,
	}
	if c.External() {
		cfg.BindMethod = ldap.BindExternal
		return cfg, nil
	}
	if c.GSSAPI() {
		cfg.BindMethod = ldap.BindGSSAPI
		cfg.KeytabFile, cfg.Principal, cfg.Krb5Conf = strings.TrimSpace(c.KeytabFile), strings.TrimSpace(c.Principal), strings.TrimSpace(c.Krb5Conf)
		return cfg, nil
	}
	pw, err := c.ResolveBindPassword(getenv, os.ReadFile)
	if err != nil {
		return ldap.Config{}, err
	}
	cfg.BindDN, cfg.BindPassword = strings.TrimSpace(c.BindDN), pw
	return cfg, nil
}
