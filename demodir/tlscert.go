package demodir

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"time"

	"ldapwiz/internal/certgen"
)

// newTLS makes a throw-away CA and a server certificate it signs, valid for
// 127.0.0.1, ::1 and localhost. It returns the server's TLS configuration
// and the CA certificate in PEM for clients to trust.
func newTLS() (*tls.Config, []byte, error) {
	pki, err := generatePKI()
	if err != nil {
		return nil, nil, err
	}
	return tlsConfigOf(pki.TLSCertificate()), pki.CAPEM(), nil
}

// generatePKI makes the demo's CA and the server certificate it signs.
func generatePKI() (*certgen.PKI, error) {
	pki, err := certgen.Generate(certgen.Options{
		CA:          pkix.Name{CommonName: "ldapwiz demo directory CA", Organization: []string{"ldapwiz demo"}},
		Subject:     pkix.Name{CommonName: "localhost", Organization: []string{"ldapwiz demo"}},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		Validity:    30 * 24 * time.Hour,
		KeyUsage:    x509.KeyUsageDigitalSignature,
	})
	if err != nil {
		return nil, fmt.Errorf("demo directory: %w", err)
	}
	return pki, nil
}

// tlsConfigOf is the server's TLS configuration for a certificate.
func tlsConfigOf(c tls.Certificate) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{c}}
}
