package wizard

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
)

// connection checks the [connection] settings.
func (c *checker) connection() {
	conn := c.s.Connection
	u, msg := parseConnectionURL(conn.URL)
	if msg != "" {
		c.errorf("connection.url", "The URL %s", msg)
	}
	tls := u.Scheme == "ldaps" || conn.StartTLS
	if u.Scheme != "" {
		switch {
		case u.Scheme == "ldaps" && conn.StartTLS:
			c.errorf("connection.start_tls", "StartTLS cannot be used with ldaps://, which is already encrypted; turn start_tls off, or use ldap:// with start_tls.")
		case u.Scheme == "ldap" && u.Port == "636":
			c.warnf("connection.url", "Port 636 is the LDAPS port but the URL says ldap://; did you mean ldaps://%s?", u.Host)
		case u.Scheme == "ldaps" && u.Port == "389":
			c.warnf("connection.url", "Port 389 is the plain LDAP port but the URL says ldaps://; use ldaps:// on 636, or ldap:// on 389 with start_tls.")
		}
		if !tls && strings.TrimSpace(conn.BindDN) != "" && !isLoopback(u.Host) {
			c.warnf("connection.start_tls", "The bind password and all data go over the network unencrypted; turn on start_tls or use ldaps://.")
		}
	}
	if !conn.VerifyTLS {
		c.warnf("connection.verify_tls", "TLS certificates are not verified, so anyone on the network path can impersonate the directory; set verify_tls = true and give the CA in ca_file if needed.")
	}
	c.caFile(conn.CAFile, u.Scheme != "" && !tls)
	c.bindDN(conn)
	c.bindPassword(conn)
	if msg := durationProblem(conn.Timeout, "10s"); msg != "" {
		c.errorf("connection.timeout", "The timeout %s", msg)
	}
	switch {
	case conn.PageSize < 1 || conn.PageSize > 10000:
		c.errorf("connection.page_size", "page_size %d is out of range; use a number from 1 to 10000 (500 is a good default).", conn.PageSize)
	case conn.ActiveDirectory && conn.PageSize > 1000:
		c.warnf("connection.page_size", "Active Directory returns at most 1000 entries per page (MaxPageSize); page_size %d will be cut to 1000.", conn.PageSize)
	}
}

// caFile checks that ca_file, when set, holds at least one PEM certificate.
func (c *checker) caFile(path string, plain bool) {
	if path == "" {
		return
	}
	data, err := c.opts.ReadFile(path)
	if err != nil {
		c.errorf("connection.ca_file", "Cannot read the CA file: %s; check the path and permissions, or empty ca_file to use the system's trusted CAs.", describeFileErr(err))
		return
	}
	certs := 0
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			c.errorf("connection.ca_file", "%s holds a certificate that does not parse (%v); export the CA again in PEM format.", path, err)
			return
		}
		certs++
	}
	if certs == 0 {
		c.errorf("connection.ca_file", "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----); convert a DER file with: openssl x509 -inform der -in CA.cer -out ca.pem", path)
		return
	}
	if plain {
		c.warnf("connection.ca_file", "ca_file is set but the connection is not encrypted, so it is not used; turn on start_tls or use ldaps://.")
	}
}

// bindDN checks the bind name: a DN, or on Active Directory also a UPN or
// DOMAIN\user; empty means an anonymous bind.
func (c *checker) bindDN(conn Connection) {
	dn := strings.TrimSpace(conn.BindDN)
	switch {
	case dn == "":
		c.warnf("connection.bind_dn", "bind_dn is empty, so ldapwiz binds anonymously: most directories then hide users and refuse writes; set the DN of a service account.")
	case isADBindName(dn) && !strings.Contains(dn, "="):
		if !conn.ActiveDirectory {
			c.errorf("connection.bind_dn", "%s is an Active Directory logon name (user@domain or DOMAIN\\user), which only AD accepts; set active_directory = true, or give a DN like cn=admin,dc=example,dc=com.", Echo(dn))
		}
	default:
		if msg := dnProblem(dn); msg != "" {
			c.errorf("connection.bind_dn", "The bind DN %s", msg)
		}
	}
}

// bindPassword checks that exactly one working password source is set.
func (c *checker) bindPassword(conn Connection) {
	spec := bindSecret(conn)
	if strings.TrimSpace(conn.BindDN) == "" {
		if len(spec.sources()) > 0 {
			c.warnf(spec.sources()[0], "A bind password is set but bind_dn is empty (anonymous bind), so it is not used; set bind_dn or remove the password.")
		}
		return
	}
	if conn.BindPassword != "" && len(spec.sources()) == 1 {
		c.warnf("connection.bind_password", "The bind password is written in the config file; move it to a file readable only by ldapwiz and set bind_password_file (or use bind_password_env).")
	}
	if _, setting, err := spec.resolve(c.opts.Getenv, c.opts.ReadFile); err != nil {
		msg := err.Error()
		if errors.Is(err, ErrNoPasswordSource) {
			msg = "bind_dn is set but no bind password source is: set bind_password_file (a file holding the password) or bind_password_env (an environment variable)."
		}
		c.errorf(setting, "%s", msg)
	}
}
