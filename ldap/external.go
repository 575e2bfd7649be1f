package ldap

import (
	"crypto/tls"
	"errors"
	"fmt"
)

// ErrExternalWithoutTLS is returned by ExternalBind on a connection that is
// not encrypted: without TLS there is no client certificate to bind with.
var ErrExternalWithoutTLS = errors.New("bind_method \"external\" needs TLS: use an ldaps:// URL or turn on start_tls, and set client_cert_file and client_key_file")

// errClientCert marks errors loading the client certificate.
var errClientCert = errors.New("client certificate")

// loadClientCert reads the PEM client certificate and its key.
func loadClientCert(certFile, keyFile string) (tls.Certificate, error) {
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, fmt.Errorf("%w: set both client_cert_file and client_key_file", errClientCert)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%w: cannot load client_cert_file %s with client_key_file %s: %v", errClientCert, certFile, keyFile, err)
	}
	return cert, nil
}
