package wizard

import (
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/internal/certgen"
)

func TestValidateSeveralServers(t *testing.T) {
	s := Default()
	s.Connection.URL = "ldaps://a.example.com  ldaps://b.example.com:1636"
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.url", ""); len(got) != 0 {
		t.Errorf("two good URLs: %v", got)
	}
	s.Connection.URL = "ldaps://a.example.com http://b.example.com"
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.url", "server 2 of 2"); len(got) != 1 || got[0].Severity != Error {
		t.Errorf("a bad second URL: %v", Validate(s, ValidateOptions{}))
	}
	s.Connection.URL = "ldaps://a.example.com"
	s.Connection.ServerOrder = "roundrobin"
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.server_order", "in-order"); len(got) != 1 {
		t.Errorf("a bad server_order: %v", Validate(s, ValidateOptions{}))
	}
	s.Connection.ServerOrder = ServerOrderRandom
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.server_order", "single server"); len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("random with one server: %v", Validate(s, ValidateOptions{}))
	}
	cfg, err := s.LDAPConfig(func(string) string { return "pw" })
	if err == nil && !cfg.RandomOrder {
		t.Errorf("server_order random does not reach ldap.Config")
	}
}

func TestValidateExternalBind(t *testing.T) {
	dir := t.TempDir()
	pki, err := certgen.Generate(certgen.Options{CA: pkix.Name{CommonName: "ca"}, Subject: pkix.Name{CommonName: "client"}, Validity: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "c.crt"), filepath.Join(dir, "c.key")
	if err := pki.WriteFiles(filepath.Join(dir, "ca.crt"), certFile, keyFile); err != nil {
		t.Fatal(err)
	}
	s := Default()
	s.Connection.URL = "ldaps://ldap.example.com"
	s.Connection.BindDN = ""
	s.Connection.BindMethod = BindExternal
	s.Connection.ClientCertFile, s.Connection.ClientKeyFile = certFile, keyFile
	for _, p := range Validate(s, ValidateOptions{}) {
		if p.Severity == Error && (p.Setting == "connection.bind_method" || p.Setting == "connection.client_cert_file" || p.Setting == "connection.client_key_file" || p.Setting == "connection.bind_dn") {
			t.Errorf("good external settings: %v", p)
		}
	}
	if cfg, err := s.LDAPConfig(func(string) string { return "" }); err != nil || cfg.BindMethod != "external" || cfg.ClientCertFile != certFile {
		t.Errorf("LDAPConfig: %+v, %v", cfg, err)
	}

	os.Chmod(keyFile, 0o644)
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.client_key_file", "chmod 600"); len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("a key readable by others: %v", Validate(s, ValidateOptions{}))
	}

	plain := s
	plain.Connection.URL = "ldap://ldap.example.com"
	if got := problemsFor(Validate(plain, ValidateOptions{}), "connection.bind_method", "needs TLS"); len(got) != 1 || got[0].Severity != Error {
		t.Errorf("external over plain LDAP: %v", Validate(plain, ValidateOptions{}))
	}
	plain.Connection.StartTLS = true
	if got := problemsFor(Validate(plain, ValidateOptions{}), "connection.bind_method", "needs TLS"); len(got) != 0 {
		t.Errorf("external with StartTLS: %v", got)
	}

	noCert := s
	noCert.Connection.ClientCertFile, noCert.Connection.ClientKeyFile = "", ""
	if got := problemsFor(Validate(noCert, ValidateOptions{}), "connection.client_cert_file", "needs a client certificate"); len(got) != 1 {
		t.Errorf("external without a certificate: %v", Validate(noCert, ValidateOptions{}))
	}

	swapped := s
	swapped.Connection.ClientCertFile, swapped.Connection.ClientKeyFile = keyFile, certFile
	if got := problemsFor(Validate(swapped, ValidateOptions{}), "connection.client_cert_file", "do not form"); len(got) != 1 {
		t.Errorf("certificate and key swapped: %v", Validate(swapped, ValidateOptions{}))
	}

	missing := s
	missing.Connection.ClientKeyFile = filepath.Join(dir, "nope.key")
	if got := problemsFor(Validate(missing, ValidateOptions{}), "connection.client_key_file", "Cannot read"); len(got) != 1 {
		t.Errorf("a missing key file: %v", Validate(missing, ValidateOptions{}))
	}

	bad := s
	bad.Connection.BindMethod = "kerberos"
	if got := problemsFor(Validate(bad, ValidateOptions{}), "connection.bind_method", "is not"); len(got) != 1 {
		t.Errorf("an unknown bind_method: %v", Validate(bad, ValidateOptions{}))
	}
}
