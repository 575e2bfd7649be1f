package certgen

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testOptions() Options {
	return Options{
		CA:          pkix.Name{CommonName: "certgen test CA"},
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		Validity:    time.Hour,
	}
}

// TestHandshake serves the generated certificate over a real TLS
// connection and checks a client trusting only the CA accepts it.
func TestHandshake(t *testing.T) {
	pki, err := Generate(testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pki.TLSCertificate()}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pki.CAPEM()) {
		t.Fatal("CAPEM is not a PEM certificate")
	}
	c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("handshake with the generated certificate: %v", err)
	}
	c.Close()
}

// TestVariants checks the expired, wrong-host and CN-only certificates
// the callers build from Options fail verification the way they should.
func TestVariants(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Options)
		host string
		want string
	}{
		{"good", func(*Options) {}, "localhost", ""},
		{"expired", func(o *Options) {
			o.NotBefore, o.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
		}, "localhost", "expired"},
		{"wrong host", func(o *Options) { o.DNSNames, o.IPAddresses = []string{"ldap.other.test"}, nil }, "localhost", "not localhost"},
		{"CN only", func(o *Options) { o.Subject.CommonName, o.DNSNames, o.IPAddresses = "127.0.0.1", nil, nil }, "127.0.0.1", "legacy Common Name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOptions()
			c.edit(&o)
			pki, err := Generate(o)
			if err != nil {
				t.Fatal(err)
			}
			ca, _ := x509.ParseCertificate(pki.CADER)
			leaf, _ := x509.ParseCertificate(pki.CertDER)
			roots := x509.NewCertPool()
			roots.AddCert(ca)
			_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: c.host})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("verify: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("verify: got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestWriteFiles checks the PEM files load and the key file is 0600.
func TestWriteFiles(t *testing.T) {
	pki, err := Generate(testOptions())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := pki.WriteFiles(ca, cert, key); err != nil {
		t.Fatal(err)
	}
	if _, err := tls.LoadX509KeyPair(cert, key); err != nil {
		t.Fatalf("written pair does not load: %v", err)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, want mode 0600 (error %v)", st, err)
	}
	data, _ := os.ReadFile(ca)
	if b, _ := pem.Decode(data); b == nil || b.Type != "CERTIFICATE" {
		t.Errorf("ca.pem is not a PEM certificate")
	}
	if err := pki.WriteFiles(filepath.Join(dir, "missing", "ca.pem"), cert, key); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("write into a missing folder: got %v, want an error naming the path", err)
	}
}
