// Package certgen makes throw-away TLS material: a self-signed CA and one
// server certificate it signs, as PEM bytes, PEM files or a tls.Config.
// The demo directory serves StartTLS with it; the test servers (slapd,
// Samba, SMTP) use it for their TLS cases. It never touches the system's
// trust stores.
package certgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// Options describe the CA and the server certificate to make.
type Options struct {
	// CA is the CA certificate's subject.
	CA pkix.Name
	// Subject is the server certificate's subject. A certificate with no
	// DNSNames and no IPAddresses names its host by Subject.CommonName only
	// (the "CN-only" certificate modern clients reject).
	Subject pkix.Name
	// DNSNames and IPAddresses are the server certificate's SANs.
	DNSNames    []string
	IPAddresses []net.IP
	// Validity: the CA is valid from an hour ago for this long.
	Validity time.Duration
	// NotBefore and NotAfter bound the server certificate; zero values
	// take the CA's (set them in the past for an expired certificate).
	NotBefore, NotAfter time.Time
	// KeyUsage of the server certificate; zero means digital signature
	// and key encipherment.
	KeyUsage x509.KeyUsage
}

// PKI is a generated CA and the server certificate and key it signed.
type PKI struct {
	// CADER and CertDER are the DER certificates of the CA and the server.
	CADER, CertDER []byte
	// Key is the server's private key: never print or log it.
	Key *ecdsa.PrivateKey
}

// Generate makes a fresh P-256 CA and a server certificate signed by it.
func Generate(o Options) (*PKI, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certgen: CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               o.CA,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(o.Validity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("certgen: CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("certgen: CA certificate: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certgen: server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      o.Subject,
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     o.KeyUsage,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     o.DNSNames,
		IPAddresses:  o.IPAddresses,
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = caTmpl.NotBefore
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = caTmpl.NotAfter
	}
	if tmpl.KeyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("certgen: server certificate: %w", err)
	}
	return &PKI{CADER: caDER, CertDER: der, Key: key}, nil
}

// CAPEM is the CA certificate in PEM, for clients to trust.
func (p *PKI) CAPEM() []byte { return certPEM(p.CADER) }

// CertPEM is the server certificate in PEM.
func (p *PKI) CertPEM() []byte { return certPEM(p.CertDER) }

// KeyPEM is the server key in PKCS#8 PEM.
func (p *PKI) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(p.Key)
	if err != nil {
		return nil, fmt.Errorf("certgen: server key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// TLSCertificate is the server certificate for a tls.Config, sent with
// the CA certificate as its chain.
func (p *PKI) TLSCertificate() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{p.CertDER, p.CADER}, PrivateKey: p.Key}
}

// WriteFiles writes the CA and server certificates (mode 0644) and the
// server key (mode 0600: servers such as Samba refuse a key others can
// read) as PEM to the paths given. The test servers (internal/slapdtest,
// internal/sambatest) load their TLS material from these files; ldapwiz
// itself only serves from memory (TLSCertificate).
func (p *PKI) WriteFiles(caFile, certFile, keyFile string) error {
	keyPEM, err := p.KeyPEM()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{caFile, p.CAPEM(), 0o644}, {certFile, p.CertPEM(), 0o644}, {keyFile, keyPEM, 0o600}} {
		if err := os.WriteFile(f.path, f.data, f.mode); err != nil {
			return fmt.Errorf("certgen: write %s: %w", f.path, err)
		}
	}
	return nil
}

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
