package demodir

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The files a TLS directory (Options.TLSDir) holds.
const (
	// TLSDirCA is the CA certificate clients trust (a config's ca_file).
	TLSDirCA   = "ca.pem"
	tlsDirCert = "cert.pem"
	tlsDirKey  = "key.pem" // mode 0600
)

// renewBefore is how long before its end a kept certificate is replaced.
const renewBefore = 7 * 24 * time.Hour

// tlsFromDir reuses the CA and server certificate kept in dir while they
// have more than renewBefore to run; otherwise it makes a new pair and
// keeps it there (the CA at the same path, so a config naming it goes on
// working). The directory is created 0700, the key written 0600.
func tlsFromDir(dir string) (*tls.Config, []byte, error) {
	caFile, certFile, keyFile := filepath.Join(dir, TLSDirCA), filepath.Join(dir, tlsDirCert), filepath.Join(dir, tlsDirKey)
	if cfg, ca, err := loadTLS(caFile, certFile, keyFile); err == nil {
		return cfg, ca, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("demo directory: cannot keep its certificate in %s: %w", dir, err)
	}
	// Two demos starting at once must not each write half a pair: one makes
	// it, the other waits and reuses it.
	unlock := lockDir(filepath.Join(dir, ".lock"))
	defer unlock()
	if cfg, ca, err := loadTLS(caFile, certFile, keyFile); err == nil {
		return cfg, ca, nil
	}
	pki, err := generatePKI()
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := pki.KeyPEM()
	if err != nil {
		return nil, nil, err
	}
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{keyFile, keyPEM, 0o600}, {certFile, pki.CertPEM(), 0o644}, {caFile, pki.CAPEM(), 0o644}} {
		if err := writeAtomic(f.path, f.data, f.mode); err != nil {
			return nil, nil, fmt.Errorf("demo directory: cannot keep its certificate in %s: %w", dir, err)
		}
	}
	return tlsConfigOf(pki.TLSCertificate()), pki.CAPEM(), nil
}

// loadTLS reads a kept pair; an error when a file is missing, unreadable,
// or the certificate ends within renewBefore.
func loadTLS(caFile, certFile, keyFile string) (*tls.Config, []byte, error) {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, nil, err
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	pair, err := tls.X509KeyPair(append(certPEM, ca...), keyPEM)
	if err != nil {
		return nil, nil, err
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	block, _ := pem.Decode(ca)
	if block == nil {
		return nil, nil, errors.New("no CA certificate")
	}
	caCert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, err
	}
	if err := leaf.CheckSignatureFrom(caCert); err != nil {
		return nil, nil, err
	}
	if time.Until(leaf.NotAfter) < renewBefore || time.Until(caCert.NotAfter) < renewBefore {
		return nil, nil, errors.New("certificate about to expire")
	}
	return tlsConfigOf(pair), ca, nil
}

// lockDir takes the lock file path (created exclusively), waiting up to
// lockWait for another process to drop it; a lock older than that is left
// by a process that died, and is taken over. It returns the release.
func lockDir(path string) func() {
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }
		}
		if time.Now().After(deadline) {
			os.Remove(path) // stale
			deadline = time.Now().Add(lockWait)
			continue
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockWait is how long a demo waits for another to finish its certificate.
const lockWait = 5 * time.Second

// writeAtomic writes data to path through a temporary file in its
// directory, so a demo starting meanwhile never reads half a file.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
