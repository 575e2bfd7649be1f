package ldap

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"time"
)

// CertInfo describes the certificate a server presented. It is filled even
// when verification fails, so the user can see what the server holds.
type CertInfo struct {
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	DNSNames    []string  `json:"dns_names,omitempty"`
	IPAddresses []string  `json:"ip_addresses,omitempty"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	SelfSigned  bool      `json:"self_signed"`
	NoSANs      bool      `json:"no_sans"`  // CN-only: no subjectAltName extension at all
	SHA256      string    `json:"sha256"`   // fingerprint of the DER certificate, lower-case hex
	Verified    bool      `json:"verified"` // the chain and host name verified
	Chain       int       `json:"chain"`    // certificates the server sent, leaf included
}

// NewCertInfo describes cert; chainLen is how many certificates the server
// sent.
func NewCertInfo(cert *x509.Certificate, chainLen int) *CertInfo {
	if cert == nil {
		return nil
	}
	sum := sha256.Sum256(cert.Raw)
	ci := &CertInfo{
		Subject:    cert.Subject.String(),
		Issuer:     cert.Issuer.String(),
		DNSNames:   append([]string(nil), cert.DNSNames...),
		NotBefore:  cert.NotBefore.UTC(),
		NotAfter:   cert.NotAfter.UTC(),
		SelfSigned: selfSigned(cert),
		NoSANs:     !hasSANs(cert),
		SHA256:     hex.EncodeToString(sum[:]),
		Chain:      chainLen,
	}
	for _, ip := range cert.IPAddresses {
		ci.IPAddresses = append(ci.IPAddresses, ip.String())
	}
	return ci
}

// Names returns the host names and IP addresses the certificate is valid
// for (its subjectAltNames).
func (ci *CertInfo) Names() []string {
	if ci == nil {
		return nil
	}
	return append(append([]string(nil), ci.DNSNames...), ci.IPAddresses...)
}

// Summary renders the certificate in one line: subject, names, issuer,
// validity.
func (ci *CertInfo) Summary() string {
	if ci == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("certificate " + ci.Subject)
	if ci.NoSANs {
		b.WriteString(", no subjectAltName")
	} else {
		b.WriteString(", names " + strings.Join(ci.Names(), ", "))
	}
	if ci.SelfSigned {
		b.WriteString(", self-signed")
	} else {
		b.WriteString(", issued by " + ci.Issuer)
	}
	b.WriteString(", valid until " + ci.NotAfter.Format("2006-01-02"))
	return b.String()
}

// certNames lists the names a certificate holds: DNS SANs, IP SANs, and the
// Common Name when there are no SANs.
func certNames(cert *x509.Certificate) []string {
	names := append([]string(nil), cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && cert.Subject.CommonName != "" {
		names = append(names, "CN="+cert.Subject.CommonName)
	}
	return names
}

// hasSANs reports whether the certificate carries a subjectAltName
// extension (OID 2.5.29.17).
func hasSANs(cert *x509.Certificate) bool {
	for _, e := range cert.Extensions {
		if e.Id.Equal([]int{2, 5, 29, 17}) {
			return true
		}
	}
	return false
}

func selfSigned(cert *x509.Certificate) bool {
	return bytes.Equal(cert.RawIssuer, cert.RawSubject) && cert.CheckSignatureFrom(cert) == nil
}
