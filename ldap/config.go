// Package ldap is everything ldapwiz says to a directory: connecting, the
// staged connection test, discovery, browsing, streaming searches and writes.
// It is built on github.com/go-ldap/ldap/v3, takes a context.Context on every
// call, and knows nothing about the UI or the settings file.
package ldap

import "time"

// Config says how to reach and authenticate to a directory. It is filled from
// the wizard's settings; the password is already resolved from its source.
type Config struct {
	URL             string        // ldap://host[:port] or ldaps://host[:port]; IPv6 literals in brackets
	StartTLS        bool          // upgrade an ldap:// connection with StartTLS
	VerifyTLS       bool          // verify the server certificate
	CAFile          string        // PEM CA bundle; empty uses the system roots
	BindDN          string        // empty binds anonymously
	BindPassword    string        // never logged or printed
	Timeout         time.Duration // connect and per-operation timeout; 0 means 10s
	PageSize        int           // paged search page size; 0 means 500
	ActiveDirectory bool          // the settings claim Active Directory
}
