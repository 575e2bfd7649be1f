package wizard

import (
	"errors"
	"net"
	"strings"

	"ldapwiz/ldap"
)

// gssapiBind checks bind_method = "gssapi": principal, keytab_file and
// krb5_conf as the Kerberos login needs them (the same checks the bind
// makes before asking the KDC), the keytab not readable by others, a host
// name rather than an address in every URL (Kerberos names the server
// ldap/<host>), TLS (the bind adds no signing or sealing), and no bind_dn
// or password that would not be used.
func (c *checker) gssapiBind(conn Connection) {
	cfg := ldap.Config{BindMethod: ldap.BindGSSAPI, Principal: strings.TrimSpace(conn.Principal),
		KeytabFile: strings.TrimSpace(conn.KeytabFile), Krb5Conf: strings.TrimSpace(conn.Krb5Conf)}
	var ke *ldap.KerberosError
	if err := ldap.CheckKerberos(cfg, c.opts.ReadFile); errors.As(err, &ke) {
		msg := "bind_method = \"gssapi\": " + ke.Problem
		if ke.Hint != "" {
			msg += "; " + ke.Hint
		}
		c.errorf(ke.Setting, "%s.", msg)
	} else if err != nil {
		c.errorf("connection.keytab_file", "bind_method = \"gssapi\": %v.", err)
	}
	c.secretFileMode("connection.keytab_file", conn.KeytabFile, "The keytab file")
	plain := false
	for _, raw := range conn.ServerURLs() {
		t, msg := parseConnectionURL(raw)
		if msg != "" {
			continue // reported with connection.url
		}
		if net.ParseIP(t.Host) != nil {
			c.errorf("connection.url", "bind_method = \"gssapi\" needs the server's host name in connection.url, not the address %s: Kerberos asks a ticket for ldap/<host name>, the server's service principal (SPN).", t.Host)
		}
		plain = plain || (t.Scheme != "ldaps" && !conn.StartTLS)
	}
	if plain {
		c.warnf("connection.start_tls", "bind_method = \"gssapi\" neither signs nor seals the LDAP traffic, so Active Directory and Samba refuse it on a plain connection and the data would cross the network in clear; use ldaps:// or turn on start_tls.")
	}
	if strings.TrimSpace(conn.BindDN) != "" || len(bindSecret(conn).sources()) > 0 {
		c.warnf("connection.bind_dn", "bind_method = \"gssapi\" logs in with the keytab of principal, so bind_dn and the bind password are not used; empty them to avoid confusion.")
	}
}
