package ldap

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// explainTLS decodes certificate verification failures.
func explainTLS(err error) (Diagnosis, bool) {
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		return unknownAuthorityDiagnosis(ua.Cert), true
	}
	var he x509.HostnameError
	if errors.As(err, &he) {
		return hostnameDiagnosis(he.Certificate, he.Host), true
	}
	var ci x509.CertificateInvalidError
	if errors.As(err, &ci) {
		if ci.Reason == x509.Expired {
			return expiredDiagnosis(ci.Cert, time.Now()), true
		}
		return Diagnosis{
			Problem: "the server's certificate is not valid: " + ci.Error(),
			Hint:    "have the server's certificate reissued; connection.verify_tls = false would hide the problem but is unsafe",
			Setting: "connection.verify_tls",
		}, true
	}
	return explainTLSText(err.Error())
}

// explainTLSText decodes TLS failures known only by their text, as go-ldap
// reports a failed StartTLS handshake.
func explainTLSText(msg string) (Diagnosis, bool) {
	switch {
	case strings.Contains(msg, "certificate signed by unknown authority"):
		return unknownAuthorityDiagnosis(nil), true
	case strings.Contains(msg, "relies on legacy Common Name field"):
		return hostnameDiagnosis(nil, ""), true
	case strings.Contains(msg, "certificate is valid for"), strings.Contains(msg, "certificate is not valid for any names"),
		strings.Contains(msg, "doesn't contain any IP SANs"):
		d := hostnameDiagnosis(nil, "")
		d.Problem = "the server's certificate does not hold the host name in connection.url (" + afterX509(msg) + ")"
		return d, true
	case strings.Contains(msg, "certificate has expired or is not yet valid"):
		return Diagnosis{
			Problem: "the server's certificate has expired or is not yet valid (" + afterX509(msg) + ")",
			Hint:    "have the server's certificate renewed, and check this machine's clock; connection.verify_tls = false would hide the problem but is unsafe",
			Setting: "connection.verify_tls",
		}, true
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		return notTLSDiagnosis(), true
	}
	return Diagnosis{}, false
}

func afterX509(msg string) string {
	if i := strings.LastIndex(msg, "x509: "); i >= 0 {
		return strings.TrimSuffix(msg[i+len("x509: "):], ")")
	}
	return msg
}

func unknownAuthorityDiagnosis(cert *x509.Certificate) Diagnosis {
	d := Diagnosis{
		Problem: "the server's certificate is signed by an authority this machine does not trust",
		Hint:    "set connection.ca_file to the PEM file of the CA that signed the server's certificate (ask the directory's administrator for it)",
		Setting: "connection.ca_file",
	}
	if cert != nil {
		switch {
		case selfSigned(cert) && cert.IsCA:
			d.Problem = fmt.Sprintf("the server's certificate is issued by a private CA (%s) that this machine does not trust", cert.Subject.String())
			d.Hint = fmt.Sprintf("set connection.ca_file to a PEM file holding the CA certificate %q (the directory's administrator has it; the server may also send it in its chain)", cert.Subject.String())
		case selfSigned(cert):
			d.Problem = fmt.Sprintf("the server's certificate is self-signed (%s) and this machine does not trust it", cert.Subject.String())
			d.Hint = "set connection.ca_file to a PEM file holding that very certificate"
		default:
			d.Problem = fmt.Sprintf("the server's certificate is signed by %q, which this machine does not trust", cert.Issuer.String())
		}
	}
	return d
}

// hostnameDiagnosis explains a certificate that does not hold the host name
// the client asked for, listing the names it does hold. A certificate with
// a matching Common Name but no subjectAltName is the CN-only case.
func hostnameDiagnosis(cert *x509.Certificate, host string) Diagnosis {
	d := Diagnosis{Setting: "connection.url"}
	if cert == nil {
		d.Problem = "the server's certificate does not hold the host name in connection.url"
		d.Hint = "connect by a name the certificate holds (change the host in connection.url), or have the certificate reissued with this name as a subjectAltName"
		return d
	}
	names := certNames(cert)
	if !hasSANs(cert) {
		d.Problem = fmt.Sprintf("the server's certificate has no subjectAltName, only the Common Name CN=%s; Go, like current browsers, no longer accepts host names from the Common Name", cert.Subject.CommonName)
		d.Hint = "have the certificate reissued with a subjectAltName (DNS:" + nonEmptyOr(host, cert.Subject.CommonName) + "); only as a stopgap, connection.verify_tls = false (unsafe)"
		d.Setting = "connection.verify_tls"
		return d
	}
	d.Problem = fmt.Sprintf("the server's certificate is for %s, not for %q", strings.Join(names, ", "), host)
	d.Hint = "write one of the certificate's names in connection.url (" + strings.Join(names, ", ") + "), or have the certificate reissued to include " + host
	return d
}

func expiredDiagnosis(cert *x509.Certificate, now time.Time) Diagnosis {
	d := Diagnosis{
		Hint:    "have the server's certificate renewed, and check this machine's clock; connection.verify_tls = false would hide the problem but is unsafe",
		Setting: "connection.verify_tls",
	}
	switch {
	case cert == nil:
		d.Problem = "the server's certificate has expired or is not yet valid"
	case now.Before(cert.NotBefore):
		d.Problem = "the server's certificate is not valid until " + cert.NotBefore.UTC().Format("2006-01-02 15:04 MST")
	default:
		d.Problem = "the server's certificate expired on " + cert.NotAfter.UTC().Format("2006-01-02 15:04 MST")
	}
	return d
}

func nonEmptyOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
