package sambatest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ServicePrincipal is the domain controller's LDAP service principal, the
// name a Kerberos client asks a ticket for when it talks LDAP to DCHost.
const ServicePrincipal = "ldap/" + DCHost

// LocalServicePrincipal is registered on the domain controller too (with
// Options.KDC), so that a client reaching it as ldaps://localhost:P asks
// for a ticket the KDC has: Kerberos names the server by the URL's host.
const LocalServicePrincipal = "ldap/localhost"

// LocalhostURL returns LDAPSURL with localhost for 127.0.0.1: a URL whose
// host has an SPN (LocalServicePrincipal) and a name in the certificate.
func (s *Server) LocalhostURL() string {
	return strings.Replace(s.LDAPSURL, "127.0.0.1", "localhost", 1)
}

// Krb5Conf writes a krb5.conf for the realm, its KDC at KDCAddr (the
// server must have been started with Options.KDC), and returns its path.
// It asks over TCP only (udp_preference_limit = 1): only TCP is forwarded
// out of Samba's network namespace.
func (s *Server) Krb5Conf(t testing.TB) string {
	t.Helper()
	if s.KDCAddr == "" {
		t.Fatal("sambatest: Krb5Conf needs a server started with Options{KDC: true}")
	}
	conf := strings.Join([]string{
		"[libdefaults]",
		"  default_realm = " + Realm,
		"  dns_lookup_kdc = false",
		"  dns_lookup_realm = false",
		"  udp_preference_limit = 1",
		"[realms]",
		"  " + Realm + " = {",
		"    kdc = " + s.KDCAddr,
		"  }",
		"[domain_realm]",
		"  ." + strings.ToLower(Realm) + " = " + Realm,
		"  " + strings.ToLower(Realm) + " = " + Realm,
		"",
	}, "\n")
	path := filepath.Join(s.Dir, "krb5.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatalf("sambatest: writing %s: %v", path, err)
	}
	return path
}

// ExportKeytab writes the keys of principal (name@EXAMPLE.TEST, e.g. a
// user made with AddUser) to a keytab file of mode 0600 and returns its
// path: samba-tool domain exportkeytab, run on this server's database.
func (s *Server) ExportKeytab(t testing.TB, principal string) string {
	t.Helper()
	name := strings.NewReplacer("/", "_", "@", "_").Replace(principal)
	path := filepath.Join(s.Dir, name+".keytab")
	if err := run("samba-tool", "domain", "exportkeytab", path, "--principal="+principal, "-s", s.conf); err != nil {
		t.Fatalf("sambatest: exporting the keytab of %s: %v", principal, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatalf("sambatest: %v", err)
	}
	return path
}
