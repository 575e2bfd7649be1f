package slapdtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
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
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CertFiles{}, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ldapwiz test CA", Organization: []string{"ldapwiz tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return CertFiles{}, err
	}
	caCert, _ := x509.ParseCertificate(caDER)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CertFiles{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	switch kind {
	case CertExpired:
		tmpl.NotBefore = now.Add(-48 * time.Hour)
		tmpl.NotAfter = now.Add(-24 * time.Hour)
	case CertWrongHost:
		tmpl.Subject.CommonName = "ldap.other.test"
		tmpl.DNSNames = []string{"ldap.other.test"}
		tmpl.IPAddresses = nil
	case CertCNOnly:
		tmpl.Subject.CommonName = "127.0.0.1"
		tmpl.DNSNames = nil
		tmpl.IPAddresses = nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return CertFiles{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return CertFiles{}, err
	}
	files := CertFiles{
		CAFile:   filepath.Join(dir, "ca.crt"),
		CertFile: filepath.Join(dir, "server.crt"),
		KeyFile:  filepath.Join(dir, "server.key"),
	}
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{files.CAFile, "CERTIFICATE", caDER}, {files.CertFile, "CERTIFICATE", der}, {files.KeyFile, "PRIVATE KEY", keyDER}} {
		data := pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der})
		if err := os.WriteFile(f.path, data, 0o600); err != nil {
			return CertFiles{}, fmt.Errorf("write %s: %v", f.path, err)
		}
	}
	return files, nil
}
