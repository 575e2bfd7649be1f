// Package ldap is everything ldapwiz says to a directory: connecting, the
// staged connection test, discovery, browsing, streaming searches and writes.
// It is built on github.com/go-ldap/ldap/v3, takes a context.Context on every
// call, and knows nothing about the UI or the settings file.
package ldap

import (
	"strings"
	"time"
)

// Config says how to reach and authenticate to a directory. It is filled from
// the wizard's settings; the password is already resolved from its source.
type Config struct {
	// URL is ldap://host[:port] or ldaps://host[:port] (IPv6 literals in
	// brackets); several URLs separated by spaces are tried in turn, as in
	// OpenLDAP's ldap.conf (see Servers).
	URL             string
	RandomOrder     bool          // try the servers in a random order instead of as listed
	StartTLS        bool          // upgrade an ldap:// connection with StartTLS
	VerifyTLS       bool          // verify the server certificate
	CAFile          string        // PEM CA bundle; empty uses the system roots
	ClientCertFile  string        // PEM client certificate presented in the TLS handshake; empty for none
	ClientKeyFile   string        // PEM private key of ClientCertFile
	BindMethod      string        // BindSimple (or empty), BindExternal or BindGSSAPI
	BindDN          string        // empty binds anonymously (simple binds only)
	BindPassword    string        // never logged or printed
	Timeout         time.Duration // connect and per-operation timeout; 0 means 10s
	PageSize        int           // paged search page size; 0 means 500
	ActiveDirectory bool          // the settings claim Active Directory

	// Kerberos, for BindGSSAPI: log in as Principal (name@REALM) with its
	// key from KeytabFile, reaching the realm's KDC as Krb5Conf says (empty:
	// DefaultKrb5Conf). ServicePrincipal is the directory server's principal;
	// empty means ldap/<the URL's host>, as Kerberos clients name it.
	KeytabFile       string
	Principal        string
	Krb5Conf         string
	ServicePrincipal string
}

// Bind methods of Config.BindMethod.
const (
	BindSimple   = "simple"   // bind DN and password (anonymous without a DN)
	BindExternal = "external" // SASL EXTERNAL: the TLS client certificate is the identity
	BindGSSAPI   = "gssapi"   // SASL GSSAPI: Kerberos, logging in with a keytab from KeytabFile
)

// Servers returns the URLs to try, as listed: URL split on white space. It
// is never empty: an empty URL yields one empty entry, which ParseURL
// refuses with a message saying so.
func (cfg Config) Servers() []string {
	if out := strings.Fields(cfg.URL); len(out) > 0 {
		return out
	}
	return []string{""}
}

// external reports whether the bind is SASL EXTERNAL.
func (cfg Config) external() bool { return strings.EqualFold(cfg.BindMethod, BindExternal) }
