package wizard

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"ldapwiz/ldap"
)

// connection checks the [connection] settings.
func (c *checker) connection() {
	conn := c.s.Connection
	switch strings.ToLower(strings.TrimSpace(conn.BindMethod)) {
	case "", BindSimple, BindExternal, BindGSSAPI:
	default:
		c.errorf("connection.bind_method", "bind_method %s is not \"simple\" (bind_dn and password), \"external\" (client certificate) or \"gssapi\" (Kerberos keytab).", Echo(conn.BindMethod))
	}
	servers := conn.ServerURLs()
	if len(servers) == 0 {
		servers = []string{conn.URL} // empty: parseConnectionURL says so
	}
	var u ldap.Target // the first server, for the checks that name one
	allTLS, anyTLS := true, false
	for i, raw := range servers {
		t, msg := parseConnectionURL(raw)
		if msg != "" {
			if len(servers) > 1 {
				c.errorf("connection.url", "The URL of server %d of %d (connection.url lists servers separated by spaces) %s", i+1, len(servers), msg)
			} else {
				c.errorf("connection.url", "The URL %s", msg)
			}
			allTLS = false
			continue
		}
		if u.Scheme == "" {
			u = t
		}
		c.serverURL(conn, t)
		tls := t.Scheme == "ldaps" || conn.StartTLS
		allTLS = allTLS && tls
		anyTLS = anyTLS || tls
	}
	c.serverOrder(conn, len(servers))
	if !conn.VerifyTLS {
		c.warnf("connection.verify_tls", "TLS certificates are not verified, so anyone on the network path can impersonate the directory; set verify_tls = true and give the CA in ca_file if needed.")
	}
	c.caFile(conn.CAFile, u.Scheme != "" && !anyTLS)
	c.clientCert(conn, u.Scheme != "" && allTLS)
	if conn.External() {
		c.externalBind(conn)
	} else if conn.GSSAPI() {
		c.gssapiBind(conn)
	} else {
		c.bindDN(conn)
		c.bindPassword(conn)
	}
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

// serverURL checks one server's URL against the TLS settings.
func (c *checker) serverURL(conn Connection, u ldap.Target) {
	tls := u.Scheme == "ldaps" || conn.StartTLS
	switch {
	case u.Scheme == "ldaps" && conn.StartTLS:
		c.errorf("connection.start_tls", "StartTLS cannot be used with ldaps://, which is already encrypted; turn start_tls off, or use ldap:// with start_tls.")
	case u.Scheme == "ldap" && u.Port == "636":
		c.warnf("connection.url", "Port 636 is the LDAPS port but the URL says ldap://; did you mean ldaps://%s?", u.Host)
	case u.Scheme == "ldaps" && u.Port == "389":
		c.warnf("connection.url", "Port 389 is the plain LDAP port but the URL says ldaps://; use ldaps:// on 636, or ldap:// on 389 with start_tls.")
	}
	if !tls && strings.TrimSpace(conn.BindDN) != "" && !conn.External() && !isLoopback(u.Host) {
		c.warnf("connection.start_tls", "The bind password and all data go over the network unencrypted; turn on start_tls or use ldaps://.")
	}
}

// serverOrder checks server_order: empty, "in-order" or "random".
func (c *checker) serverOrder(conn Connection, servers int) {
	switch strings.TrimSpace(conn.ServerOrder) {
	case "", ServerOrderInOrder:
	case ServerOrderRandom:
		if servers < 2 {
			c.warnf("connection.server_order", "server_order = \"random\" has no effect with a single server; list several in connection.url, separated by spaces.")
		}
	default:
		c.errorf("connection.server_order", "server_order %s is not \"in-order\" or \"random\".", Echo(conn.ServerOrder))
	}
}

// clientCert checks client_cert_file and client_key_file: both or neither,
// a readable PEM certificate and key that belong together, the key not
// readable by group or others (a warning, as for password files), and TLS
// on every server (the certificate is only sent in a TLS handshake).
func (c *checker) clientCert(conn Connection, allTLS bool) {
	certFile, keyFile := strings.TrimSpace(conn.ClientCertFile), strings.TrimSpace(conn.ClientKeyFile)
	switch {
	case certFile == "" && keyFile == "":
		return
	case certFile == "":
		c.errorf("connection.client_cert_file", "client_key_file is set but client_cert_file is not; set both, or neither.")
		return
	case keyFile == "":
		c.errorf("connection.client_key_file", "client_cert_file is set but client_key_file is not; set the file holding the certificate's private key.")
		return
	}
	certPEM, err := c.opts.ReadFile(certFile)
	if err != nil {
		c.errorf("connection.client_cert_file", "Cannot read the client certificate file: %s; check the path and permissions.", describeFileErr(err))
		return
	}
	keyPEM, err := c.opts.ReadFile(keyFile)
	if err != nil {
		c.errorf("connection.client_key_file", "Cannot read the client key file: %s; check the path and that ldapwiz's user may read it.", describeFileErr(err))
		return
	}
	c.secretFileMode("connection.client_key_file", keyFile, "The client key file")
	if _, err := tlsKeyPair(certPEM, keyPEM); err != nil {
		c.errorf("connection.client_cert_file", "%s and %s do not form a usable certificate and key (%v); both must be PEM, the key unencrypted and matching the certificate.", certFile, keyFile, err)
		return
	}
	if !allTLS {
		c.warnf("connection.client_cert_file", "A client certificate is set but the connection is not encrypted on every server, so it is not sent there; turn on start_tls or use ldaps://.")
	}
}

// externalBind checks bind_method = "external": TLS and a client
// certificate are required; bind_dn and passwords are not used.
func (c *checker) externalBind(conn Connection) {
	tlsEverywhere := false
	for _, raw := range conn.ServerURLs() {
		t, msg := parseConnectionURL(raw)
		if msg != "" {
			continue // reported with connection.url
		}
		if t.Scheme != "ldaps" && !conn.StartTLS {
			tlsEverywhere = false
			break
		}
		tlsEverywhere = true
	}
	if !tlsEverywhere {
		c.errorf("connection.bind_method", "bind_method = \"external\" authenticates with the TLS client certificate, so it needs TLS: use ldaps:// or turn on start_tls.")
	}
	if strings.TrimSpace(conn.ClientCertFile) == "" {
		c.errorf("connection.client_cert_file", "bind_method = \"external\" needs a client certificate: set client_cert_file and client_key_file.")
	}
	if strings.TrimSpace(conn.BindDN) != "" || len(bindSecret(conn).sources()) > 0 {
		c.warnf("connection.bind_dn", "bind_method = \"external\" takes the identity from the client certificate, so bind_dn and the bind password are not used; empty them to avoid confusion.")
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

// tlsKeyPair checks that the PEM certificate and key belong together.
func tlsKeyPair(certPEM, keyPEM []byte) (tls.Certificate, error) {
	return tls.X509KeyPair(certPEM, keyPEM)
}
