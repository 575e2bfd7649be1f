package slapdtest

import (
	"crypto/x509/pkix"
	"net"
	"path/filepath"
	"time"

	"ldapwiz/internal/certgen"
)

// CertKind selects the server certificate a test server presents.
type CertKind int

// Certificate kinds, for the TLS failure cases of the connection test.
const (
	CertGood      CertKind = iota // SANs localhost and 127.0.0.1, signed by the test CA
	CertExpired                   // like CertGood but expired yesterday
	CertWrongHost                 // SAN only "ldap.other.test"
	CertCNOnly                    // CN=127.0.0.1 and no SANs at all
)

// CertFiles are the PEM files of a generated test PKI.
type CertFiles struct {
	CAFile   string // the CA certificate, to trust as ca_file
	CertFile string // the server certificate
	KeyFile  string // the server key (PKCS#8)
}

// GenerateCerts writes a fresh CA and a server certificate of the given kind
// into dir.
func GenerateCerts(dir string, kind CertKind) (CertFiles, error) {
	now := time.Now()
	o := certgen.Options{
		CA:          pkix.Name{CommonName: "ldapwiz test CA", Organization: []string{"ldapwiz tests"}},
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		Validity:    24 * time.Hour,
	}
	switch kind {
	case CertExpired:
		o.NotBefore = now.Add(-48 * time.Hour)
		o.NotAfter = now.Add(-24 * time.Hour)
	case CertWrongHost:
		o.Subject.CommonName = "ldap.other.test"
		o.DNSNames = []string{"ldap.other.test"}
		o.IPAddresses = nil
	case CertCNOnly:
		o.Subject.CommonName = "127.0.0.1"
		o.DNSNames = nil
		o.IPAddresses = nil
	}
	pki, err := certgen.Generate(o)
	if err != nil {
		return CertFiles{}, err
	}
	files := CertFiles{
		CAFile:   filepath.Join(dir, "ca.crt"),
		CertFile: filepath.Join(dir, "server.crt"),
		KeyFile:  filepath.Join(dir, "server.key"),
	}
	if err := pki.WriteFiles(files.CAFile, files.CertFile, files.KeyFile); err != nil {
		return CertFiles{}, err
	}
	return files, nil
}
