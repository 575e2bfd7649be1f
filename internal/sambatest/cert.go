package sambatest

import (
	"crypto/x509/pkix"
	"net"
	"path/filepath"
	"time"

	"ldapwiz/internal/certgen"
)

// tlsFiles are the PEM files Samba serves LDAPS with.
type tlsFiles struct {
	CAFile, CertFile, KeyFile string
}

// writeCertificates makes a CA and a server certificate signed by it, with
// the SANs DNS:localhost, DNS:dc1.example.test and IP:127.0.0.1 (Samba's own
// generated certificate has no SAN, which Go rejects), and writes them to dir.
// The key file is 0600: Samba refuses a key readable by others.
func writeCertificates(dir string) (tlsFiles, error) {
	pki, err := certgen.Generate(certgen.Options{
		CA:          pkix.Name{CommonName: "ldapwiz test CA (sambatest)"},
		Subject:     pkix.Name{CommonName: "dc1.example.test"},
		DNSNames:    []string{"localhost", "dc1.example.test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		Validity:    7 * 24 * time.Hour,
	})
	if err != nil {
		return tlsFiles{}, err
	}
	f := tlsFiles{
		CAFile:   filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "cert.pem"),
		KeyFile:  filepath.Join(dir, "key.pem"),
	}
	if err := pki.WriteFiles(f.CAFile, f.CertFile, f.KeyFile); err != nil {
		return tlsFiles{}, err
	}
	return f, nil
}
