package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// stepTLS encrypts the connection (ldaps handshake or StartTLS) or warns
// that it stays in clear, and hands the connection to go-ldap.
func (r *testRun) stepTLS() Step {
	if r.target.Scheme == "ldaps" && r.cfg.StartTLS {
		r.raw.Close()
		r.raw = nil
		return failed("", startTLSOnLDAPSDiagnosis())
	}
	if r.target.Scheme == "ldap" && !r.cfg.StartTLS {
		r.startLDAP(r.raw, false)
		return Step{Status: StepWarning,
			Detail:  "the connection is not encrypted: the bind password and all directory data cross the network in clear",
			Hint:    "write ldaps:// in connection.url (port 636), or set connection.start_tls = true",
			Setting: "connection.start_tls"}
	}
	tc, err := r.cfg.TLSConfig(r.target.Host)
	if err != nil {
		return Step{Status: StepFailed, Detail: err.Error(),
			Hint: "set connection.ca_file to a readable PEM file with the CA certificate, or leave it empty for the system roots", Setting: "connection.ca_file"}
	}
	how := "TLS handshake"
	if r.cfg.StartTLS {
		how = "StartTLS"
		if err := startTLSRequest(r.ctx, r.raw, r.cfg.timeout()); err != nil {
			return r.startTLSRefused(err)
		}
	}
	tlsConn, err := tlsHandshake(r.ctx, r.raw, tc, r.cfg.timeout())
	if err != nil {
		return r.handshakeFailed(how, err)
	}
	r.startLDAP(tlsConn, true)
	return r.tlsEstablished(how, tlsConn.ConnectionState())
}

// startLDAP hands an established connection to go-ldap.
func (r *testRun) startLDAP(conn net.Conn, encrypted bool) {
	c := goldap.NewConn(conn, encrypted)
	c.SetTimeout(r.cfg.timeout())
	c.Start()
	r.conn = &Conn{c: c, cfg: r.cfg, target: r.target, encrypted: encrypted}
	r.raw = nil
}

// tlsEstablished describes a successful handshake: protocol, certificate,
// and warnings for unverified or soon-expiring certificates.
func (r *testRun) tlsEstablished(how string, st tls.ConnectionState) Step {
	var ci *CertInfo
	if len(st.PeerCertificates) > 0 {
		ci = NewCertInfo(st.PeerCertificates[0], len(st.PeerCertificates))
		ci.Verified = r.cfg.VerifyTLS
		r.result.Cert = ci
	}
	detail := fmt.Sprintf("%s done (%s)", how, tls.VersionName(st.Version))
	if ci != nil {
		detail += "; " + ci.Summary()
	}
	step := Step{Status: StepOK, Detail: detail}
	if !r.cfg.VerifyTLS {
		step.Status = StepWarning
		step.Setting = "connection.verify_tls"
		step.Detail += "; the certificate was NOT verified (connection.verify_tls = false): anyone between here and the server could read the bind password"
		if err := r.verifyPeer(st.PeerCertificates); err != nil {
			step.Hint = "it would not verify (" + Explain(err).Problem + "); fix that, then set connection.verify_tls = true"
		} else {
			step.Hint = "the certificate verifies with the current settings: set connection.verify_tls = true"
		}
		return step
	}
	if ci != nil {
		// Warn when less than a third of the lifetime is left, at most 30
		// days ahead: short-lived certificates renew themselves.
		lifetime := ci.NotAfter.Sub(ci.NotBefore)
		if left := time.Until(ci.NotAfter); left < min(30*24*time.Hour, lifetime/3) {
			step.Status = StepWarning
			step.Detail += fmt.Sprintf("; the certificate expires in %d days", int(left.Hours()/24))
			step.Hint = "have the server's certificate renewed before " + ci.NotAfter.Format("2006-01-02") + " (a server-side fix: no ldapwiz setting changes this)"
		}
	}
	return step
}

// verifyPeer verifies certificates the way a handshake with verification
// on would (used when verification is off, to say whether it could be on).
func (r *testRun) verifyPeer(certs []*x509.Certificate) error {
	if len(certs) == 0 {
		return errors.New("the server sent no certificate")
	}
	cfg := r.cfg
	cfg.VerifyTLS = true
	tc, err := cfg.TLSConfig(r.target.Host)
	if err != nil {
		return err
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err = certs[0].Verify(x509.VerifyOptions{Roots: tc.RootCAs, Intermediates: inter, DNSName: r.target.Host})
	return err
}

// handshakeFailed explains a failed TLS handshake. Certificate failures
// keep the certificate (from the error, or else by a second handshake that
// only reads it); other failures are probed to tell whether the port speaks
// plain LDAP.
func (r *testRun) handshakeFailed(how string, err error) Step {
	r.raw.Close()
	r.raw = nil
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0 {
		r.result.Cert = NewCertInfo(cve.UnverifiedCertificates[0], len(cve.UnverifiedCertificates))
	}
	d := Explain(err)
	certProblem := cve != nil || isCertProblem(d) || strings.Contains(err.Error(), "x509:")
	if certProblem && r.result.Cert == nil {
		r.result.Cert = r.readCertificate()
	}
	if !certProblem && r.target.Scheme == "ldaps" && r.probePlainLDAP() {
		d = notTLSDiagnosis()
	}
	step := failed(how+" failed", d)
	if r.result.Cert != nil {
		step.Detail += "; " + r.result.Cert.Summary()
	}
	return step
}

func isCertProblem(d Diagnosis) bool {
	return d.Setting == "connection.ca_file" || d.Setting == "connection.verify_tls"
}

// startTLSRefused explains a StartTLS request that got no usable answer.
func (r *testRun) startTLSRefused(err error) Step {
	r.raw.Close()
	r.raw = nil
	if errors.Is(err, ErrNoStartTLSAnswer) {
		if r.probeTLS() {
			d := tlsOnPlainDiagnosis()
			d.Problem = "the server expects TLS from the first byte on this port (it is an ldaps port), so it cannot answer StartTLS"
			return failed("StartTLS failed", d)
		}
		return failed("StartTLS failed", Explain(err))
	}
	if ctxErr := r.ctx.Err(); ctxErr != nil {
		return failed("StartTLS failed", Explain(ctxErr))
	}
	d := Explain(err)
	var le *goldap.Error
	if errors.As(err, &le) && le.ResultCode < goldap.ErrorNetwork {
		d.Problem = "the server refused StartTLS (" + goldap.LDAPResultCodeMap[le.ResultCode] + ": " + serverMessage(le) + ")"
		d.Hint = "the server has no TLS configured for StartTLS: use ldaps:// in connection.url if it offers it, or have TLS configured on the server; connection.start_tls = false would send the password in clear"
		d.Setting = "connection.start_tls"
	}
	return failed("StartTLS failed", d)
}

// readCertificate opens a second connection only to read the certificate
// the server presents (InsecureSkipVerify here never trusts anything: the
// connection is closed right after the handshake).
func (r *testRun) readCertificate() *CertInfo {
	raw, err := r.dial(r.addr, r.probeTimeout())
	if err != nil {
		return nil
	}
	defer raw.Close()
	if r.cfg.StartTLS {
		if err := startTLSRequest(r.ctx, raw, r.probeTimeout()); err != nil {
			return nil
		}
	}
	tlsConn, err := tlsHandshake(r.ctx, raw, &tls.Config{ServerName: r.target.Host, InsecureSkipVerify: true}, r.probeTimeout())
	if err != nil {
		return nil
	}
	st := tlsConn.ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return nil
	}
	return NewCertInfo(st.PeerCertificates[0], len(st.PeerCertificates))
}

// probeTLS reports whether the port completes a TLS handshake: the
// certificate is not checked, this only tells what the port speaks.
func (r *testRun) probeTLS() bool {
	raw, err := r.dial(r.addr, r.probeTimeout())
	if err != nil {
		return false
	}
	defer raw.Close()
	_, err = tlsHandshake(r.ctx, raw, &tls.Config{ServerName: r.target.Host, InsecureSkipVerify: true}, r.probeTimeout())
	return err == nil
}

// probePlainLDAP reports whether the port answers an anonymous RootDSE
// search in plain LDAP.
func (r *testRun) probePlainLDAP() bool {
	raw, err := r.dial(r.addr, r.probeTimeout())
	if err != nil {
		return false
	}
	c := goldap.NewConn(raw, false)
	c.SetTimeout(r.probeTimeout())
	c.Start()
	defer c.Close()
	ctx, cancel := context.WithTimeout(r.ctx, r.probeTimeout())
	defer cancel()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	_, err = c.Search(goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	var le *goldap.Error
	return err == nil || errors.As(err, &le) && le.ResultCode < goldap.ErrorNetwork
}
