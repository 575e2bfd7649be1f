package slapdtest

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
	"os"
	"path/filepath"
	"time"
)

// ClientSubjectOrg is the organization of the client certificates made
// with Options.ClientCert; the server maps "cn=NAME,o=" + ClientSubjectOrg
// to cn=NAME,ou=service under the base DN (olcAuthzRegexp).
const ClientSubjectOrg = "ldapwiz test clients"

// ClientCertFiles are the PEM files of the client certificate a test server
// made with Options.ClientCert requires.
type ClientCertFiles struct {
	CAFile   string // the CA that signed client certificates (trusted by slapd)
	CertFile string // a client certificate for CN=reader, mapped to ReaderDN
	KeyFile  string // its key (PKCS#8, mode 0600)
	// MappedDN is the DN the server gives a bind with CertFile: ReaderDN.
	MappedDN string
}

// clientTLSExtra is the cn=config text that makes slapd demand a client
// certificate and map its subject to an entry.
func clientTLSExtra() string {
	return "olcTLSVerifyClient: demand\n" +
		fmt.Sprintf("olcAuthzRegexp: {0}\"^cn=([^,]+),o=%s$\" \"cn=$1,ou=service,%s\"\n", ClientSubjectOrg, BaseDN)
}

// generateClientCerts writes a client CA and a client certificate for
// CN=reader into dir.
func generateClientCerts(dir string) (ClientCertFiles, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ClientCertFiles{}, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ldapwiz test client CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return ClientCertFiles{}, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return ClientCertFiles{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ClientCertFiles{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "reader", Organization: []string{ClientSubjectOrg}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return ClientCertFiles{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return ClientCertFiles{}, err
	}
	files := ClientCertFiles{
		CAFile:   filepath.Join(dir, "client-ca.crt"),
		CertFile: filepath.Join(dir, "client.crt"),
		KeyFile:  filepath.Join(dir, "client.key"),
		MappedDN: ReaderDN,
	}
	for _, f := range []struct {
		path, typ string
		der       []byte
		mode      os.FileMode
	}{{files.CAFile, "CERTIFICATE", caDER, 0o644}, {files.CertFile, "CERTIFICATE", der, 0o644}, {files.KeyFile, "PRIVATE KEY", keyDER, 0o600}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), f.mode); err != nil {
			return ClientCertFiles{}, err
		}
	}
	return files, nil
}

// caBundle writes the server CA and the client CA into one file, which
// slapd uses to verify client certificates.
func caBundle(dir, serverCA, clientCA string) (string, error) {
	var all []byte
	for _, f := range []string{serverCA, clientCA} {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		all = append(all, b...)
	}
	path := filepath.Join(dir, "ca-bundle.crt")
	return path, os.WriteFile(path, all, 0o644)
}

// clientTLSCerts is the certificate the readiness probe presents, if any.
func (s *Server) clientTLSCerts() ([]tls.Certificate, error) {
	if s.ClientCert == nil {
		return nil, nil
	}
	c, err := tls.LoadX509KeyPair(s.ClientCert.CertFile, s.ClientCert.KeyFile)
	if err != nil {
		return nil, err
	}
	return []tls.Certificate{c}, nil
}
