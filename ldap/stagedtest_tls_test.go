package ldap

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

func TestRunTestCertificateProblems(t *testing.T) {
	t.Run("private CA without ca_file", func(t *testing.T) {
		s := slapdtest.Start(t)
		for _, url := range []string{s.LDAPSURL, s.URL} {
			cfg := readerConfig(s, url)
			cfg.CAFile = ""
			cfg.StartTLS = strings.HasPrefix(url, "ldap://")
			res := runTest(t, cfg, fixtureScope())
			wantStep(t, res, StepTLS, StepFailed, "connection.ca_file", "does not trust", "ldapwiz test CA", "CN=localhost", "set connection.ca_file")
			wantNotRunAfter(t, res, StepTLS)
			if res.Cert == nil || res.Cert.Verified || res.Cert.Subject != "CN=localhost" || res.Cert.NotAfter.IsZero() {
				t.Errorf("certificate not described: %+v", res.Cert)
			}
		}
	})
	t.Run("certificate for another host", func(t *testing.T) {
		s := slapdtest.StartWith(t, slapdtest.Options{Cert: slapdtest.CertWrongHost})
		res := runTest(t, readerConfig(s, s.LDAPSURL), fixtureScope())
		wantStep(t, res, StepTLS, StepFailed, "connection.url", "ldap.other.test", `not for "127.0.0.1"`)
		wantNotRunAfter(t, res, StepTLS)
		if res.Cert == nil || len(res.Cert.DNSNames) != 1 || res.Cert.DNSNames[0] != "ldap.other.test" {
			t.Errorf("certificate names: %+v", res.Cert)
		}
	})
	t.Run("expired certificate", func(t *testing.T) {
		s := slapdtest.StartWith(t, slapdtest.Options{Cert: slapdtest.CertExpired})
		res := runTest(t, readerConfig(s, s.LDAPSURL), fixtureScope())
		yesterday := time.Now().Add(-24 * time.Hour).UTC().Format("2006-01-02")
		wantStep(t, res, StepTLS, StepFailed, "connection.verify_tls", "expired on "+yesterday, "renewed")
		wantNotRunAfter(t, res, StepTLS)
	})
	t.Run("CN-only certificate", func(t *testing.T) {
		s := slapdtest.StartWith(t, slapdtest.Options{Cert: slapdtest.CertCNOnly})
		cfg := readerConfig(s, s.URL)
		cfg.StartTLS = true
		res := runTest(t, cfg, fixtureScope())
		wantStep(t, res, StepTLS, StepFailed, "connection.verify_tls", "no subjectAltName", "CN=127.0.0.1", "Common Name")
		if res.Cert == nil || !res.Cert.NoSANs {
			t.Errorf("certificate: %+v", res.Cert)
		}
	})
	t.Run("verification off", func(t *testing.T) {
		s := slapdtest.StartWith(t, slapdtest.Options{Cert: slapdtest.CertWrongHost})
		cfg := readerConfig(s, s.LDAPSURL)
		cfg.VerifyTLS = false
		res := runTest(t, cfg, fixtureScope())
		wantStep(t, res, StepTLS, StepWarning, "connection.verify_tls", "NOT verified", "would not verify", "ldap.other.test")
		if res.Step(StepAccess).Status != StepOK {
			t.Errorf("later steps should run with verification off:\n%s", dumpSteps(res))
		}
	})
}
