package demodir

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

// TestTLSDirKeepsTheCA: two servers on one TLS directory share the CA kept
// there (a config naming its ca.pem keeps working from run to run), the
// second server's certificate verifies against that file, and the key is
// readable by its owner only.
func TestTLSDirKeepsTheCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	a, err := New(Options{TLSDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{TLSDir: dir, AD: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.CAPEM(), b.CAPEM()) {
		t.Fatal("the second start made a new CA instead of reusing the kept one")
	}
	ca, err := os.ReadFile(filepath.Join(dir, TLSDirCA))
	if err != nil || !bytes.Equal(ca, b.CAPEM()) {
		t.Fatalf("ca.pem is not the CA served: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	leaf, err := x509.ParseCertificate(b.tlsConfig.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err != nil {
		t.Fatalf("the served certificate does not verify against ca.pem: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, tlsDirKey))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi.Mode(), err)
	}

	// A damaged kept pair is replaced, at the same path.
	if err := os.WriteFile(filepath.Join(dir, tlsDirCert), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{TLSDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if ca2, _ := os.ReadFile(filepath.Join(dir, TLSDirCA)); !bytes.Equal(ca2, c.CAPEM()) || bytes.Equal(ca2, ca) {
		t.Fatal("a damaged pair was not replaced by a new one at the same path")
	}
}

// TestTLSDirConcurrentStarts: demos starting at once on an empty TLS
// directory all serve the one pair kept there.
func TestTLSDirConcurrentStarts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	const n = 6
	cas := make(chan []byte, n)
	for range n {
		go func() {
			s, err := New(Options{TLSDir: dir})
			if err != nil {
				t.Error(err)
				cas <- nil
				return
			}
			cas <- s.CAPEM()
		}()
	}
	kept := func() []byte { b, _ := os.ReadFile(filepath.Join(dir, TLSDirCA)); return b }
	for range n {
		if ca := <-cas; !bytes.Equal(ca, kept()) {
			t.Fatal("a demo serves a CA other than the one kept in its directory")
		}
	}
}
