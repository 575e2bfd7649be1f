package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
)

func ldapErr(code uint16, diag, matched string) error {
	return &goldap.Error{ResultCode: code, Err: errors.New(diag), MatchedDN: matched}
}

// The diagnostic strings as Windows Server (2008 R2 "v1db1", 2012 R2 "v2580",
// 2016 and later "v4563", with the trailing NUL AD sends) and Samba 4
// ("%08X: LdapErr: DSID-%08X, comment: AcceptSecurityContext error, data %x,
// v1db1", simple bind DSID-0C0903A9 and SASL DSID-0C0904DC) send them.
func TestExplainActiveDirectorySubCodes(t *testing.T) {
	want := map[string]struct{ setting, phrase string }{
		"525": {"connection.bind_dn", "does not exist"},
		"52e": {"connection.bind_password_file", "password is wrong"},
		"530": {"connection.bind_dn", "at this time"},
		"531": {"connection.bind_dn", "from this computer"},
		"532": {"connection.bind_password_file", "password has expired"},
		"533": {"connection.bind_dn", "disabled"},
		"701": {"connection.bind_dn", "account has expired"},
		"773": {"connection.bind_password_file", "must be changed"},
		"775": {"connection.bind_password_file", "locked out"},
	}
	forms := []struct{ name, format string }{
		{"AD 2016+", "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data %s, v4563\x00"},
		{"AD 2012 R2", "80090308: LdapErr: DSID-0C0903C5, comment: AcceptSecurityContext error, data %s, v2580\x00"},
		{"AD 2008 R2", "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data %s, v1db1"},
		{"Samba simple bind", "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data %s, v1db1"},
		{"Samba SASL bind", "8009030C: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data %s, v1db1"},
		{"upper-case hex", "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data %s, v4563"},
	}
	for code, w := range want {
		for _, f := range forms {
			sub := code
			if f.name == "upper-case hex" {
				sub = strings.ToUpper(code)
			}
			diag := fmt.Sprintf(f.format, sub)
			d := Explain(ldapErr(49, diag, ""))
			if d.Code != 49 || d.SubCode != code || d.Setting != w.setting || !strings.Contains(d.Problem, w.phrase) ||
				!strings.Contains(d.Hint, w.setting) || strings.Contains(d.Server, "\x00") {
				t.Errorf("%s data %s: %+v", f.name, code, d)
			}
		}
	}
	if d := Explain(ldapErr(49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52f, v4563", "")); d.SubCode != "52f" || d.Setting != "connection.bind_dn" {
		t.Errorf("unknown sub-code: %+v", d)
	}
	if d := Explain(ldapErr(49, "", "")); d.SubCode != "" || !strings.Contains(d.Problem, "invalid credentials") || d.Setting != "connection.bind_password_file" {
		t.Errorf("OpenLDAP invalid credentials: %+v", d)
	}
}

func TestExplainResultCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		setting string
		phrases []string
	}{
		{"AD integrity", ldapErr(8, "00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn on integrity checking if SSL\\TLS are not already active on the connection, data 0, v4563\x00", ""),
			"connection.start_tls", []string{"unencrypted", "ldaps://"}},
		{"Samba transport encryption", ldapErr(8, "BindSimple: Transport encryption required.", ""), "connection.start_tls", []string{"unencrypted"}},
		{"OpenLDAP confidentiality", ldapErr(13, "TLS confidentiality required", ""), "connection.start_tls", []string{"unencrypted"}},
		{"invalid DN", ldapErr(34, "invalid DN", ""), "connection.bind_dn", []string{"not a valid DN", "user@domain"}},
		{"no such object", ldapErr(32, "", "ou=people,dc=example,dc=com"), "", []string{"closest existing entry is ou=people,dc=example,dc=com"}},
		{"AD no such object", ldapErr(32, "0000208D: NameErr: DSID-0310028D, problem 2001 (NO_OBJECT), data 0, best match of:\n\t'DC=corp,DC=example'\n\x00", "DC=corp,DC=example"), "", []string{"DC=corp,DC=example"}},
		{"insufficient access", ldapErr(50, "00002098: SecErr: DSID-03150BC1, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0", ""), "connection.bind_dn", []string{"not allowed"}},
		{"size limit", ldapErr(4, "", ""), "connection.page_size", []string{"size limit", "paged"}},
		{"time limit", ldapErr(3, "", ""), "connection.timeout", []string{"time limit"}},
		{"admin limit", ldapErr(11, "", ""), "connection.page_size", []string{"administrative limit"}},
		{"referral", ldapErr(10, "", ""), "", []string{"referral"}},
		{"unknown code", ldapErr(80, "boom", ""), "", []string{"(code 80): boom"}},
		{"AD bind required", ldapErr(1, "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563\x00", ""),
			"connection.bind_dn", []string{"requires a bind"}},
		{"unauthenticated bind", ldapErr(53, "unauthenticated bind (DN with no password) disallowed", ""), "connection.bind_password_file", []string{"empty password"}},
		{"inappropriate auth", ldapErr(48, "anonymous bind disallowed", ""), "connection.bind_dn", []string{"refuses this kind of bind"}},
		{"unavailable", ldapErr(52, "", ""), "connection.url", []string{"unavailable"}},
		{"filter", goldap.NewError(goldap.ErrorFilterCompile, errors.New("ldap: unexpected end of filter")), "users.filter", []string{"not valid"}},
		{"already encrypted", goldap.NewError(goldap.ErrorNetwork, errors.New("ldap: already encrypted")), "connection.start_tls", []string{"already encrypted"}},
		{"connection closed", goldap.NewError(goldap.ErrorNetwork, errors.New("ldap: connection closed")), "connection.url", []string{"ldaps://"}},
		{"DNS", &net.DNSError{Err: "no such host", Name: "ldap.example.invalid", IsNotFound: true}, "connection.url", []string{`"ldap.example.invalid" does not exist`}},
		{"timeout", context.DeadlineExceeded, "connection.timeout", []string{"did not answer in time"}},
		{"not TLS", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, "connection.url", []string{"plain LDAP"}},
		{"not TLS via StartTLS text", goldap.NewError(goldap.ErrorNetwork, errors.New("TLS handshake failed (tls: first record does not look like a TLS handshake)")), "connection.url", []string{"plain LDAP"}},
		{"StartTLS unknown CA text", goldap.NewError(goldap.ErrorNetwork, errors.New("TLS handshake failed (tls: failed to verify certificate: x509: certificate signed by unknown authority)")), "connection.ca_file", []string{"does not trust"}},
		{"StartTLS hostname text", goldap.NewError(goldap.ErrorNetwork, errors.New("TLS handshake failed (tls: failed to verify certificate: x509: certificate is valid for ldap.other.test, not 127.0.0.1)")), "connection.url", []string{"ldap.other.test"}},
	} {
		d := Explain(tc.err)
		if d.Setting != tc.setting {
			t.Errorf("%s: setting %q, want %q: %+v", tc.name, d.Setting, tc.setting, d)
		}
		for _, p := range tc.phrases {
			if !strings.Contains(d.String(), p) {
				t.Errorf("%s: %q lacks %q", tc.name, d.String(), p)
			}
		}
		if d.Hint != "" && d.Setting != "" && !strings.Contains(d.Hint, strings.SplitN(d.Setting, ".", 2)[1]) {
			t.Errorf("%s: hint does not name %s: %q", tc.name, d.Setting, d.Hint)
		}
	}
	if d := Explain(nil); d != (Diagnosis{}) {
		t.Errorf("nil: %+v", d)
	}
}

func TestExplainConnectionRefused(t *testing.T) {
	_, err := net.Dial("tcp", harness.RefusingAddr(t))
	if d := Explain(err); d.Setting != "connection.url" || !strings.Contains(d.Problem, "connection refused") {
		t.Errorf("refused: %+v (from %v)", d, err)
	}
}

// TestExplainCertificateErrors decodes real x509 verification errors for
// each kind of broken certificate the harness can make.
func TestExplainCertificateErrors(t *testing.T) {
	for _, tc := range []struct {
		kind    slapdtest.CertKind
		useCA   bool
		setting string
		phrases []string
	}{
		{slapdtest.CertGood, false, "connection.ca_file", []string{"does not trust", "ldapwiz test CA"}},
		{slapdtest.CertWrongHost, true, "connection.url", []string{"ldap.other.test", `not for "127.0.0.1"`}},
		{slapdtest.CertExpired, true, "connection.verify_tls", []string{"expired on " + time.Now().Add(-24*time.Hour).UTC().Format("2006-01-02")}},
		{slapdtest.CertCNOnly, true, "connection.verify_tls", []string{"no subjectAltName", "CN=127.0.0.1"}},
	} {
		files, err := slapdtest.GenerateCerts(t.TempDir(), tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		leaf, ca := readPEMCert(t, files.CertFile), readPEMCert(t, files.CAFile)
		opts := x509.VerifyOptions{DNSName: "127.0.0.1"}
		if tc.useCA {
			opts.Roots = x509.NewCertPool()
			opts.Roots.AddCert(ca)
		}
		_, verr := leaf.Verify(opts)
		if verr == nil {
			t.Fatalf("kind %d: the certificate verified", tc.kind)
		}
		err = &tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{leaf}, Err: verr}
		d := Explain(err)
		if d.Setting != tc.setting {
			t.Errorf("kind %d (%v): setting %q, want %q", tc.kind, verr, d.Setting, tc.setting)
		}
		for _, p := range tc.phrases {
			if !strings.Contains(d.String(), p) {
				t.Errorf("kind %d (%v): %q lacks %q", tc.kind, verr, d.String(), p)
			}
		}
		ci := NewCertInfo(leaf, 1)
		if ci.Subject == "" || ci.NotAfter.IsZero() || len(ci.SHA256) != 64 || ci.NoSANs != (tc.kind == slapdtest.CertCNOnly) {
			t.Errorf("kind %d: cert info %+v", tc.kind, ci)
		}
	}
}

func readPEMCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestADSubCode(t *testing.T) {
	for in, want := range map[string]string{
		"80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563\x00":  "52e",
		"80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 0000052E, v4563": "52e",
		"8009030C: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 773, v1db1":      "773",
		"00002028: LdapErr: DSID-0C090259, comment: ..., data 0, v4563":                                "0",
		"invalid credentials": "",
		"":                    "",
	} {
		if got := ADSubCode(in); got != want {
			t.Errorf("ADSubCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExplainConnectErrors(t *testing.T) {
	_, err := Connect(context.Background(), Config{URL: "ldaps://127.0.0.1:1", StartTLS: true})
	if d := Explain(err); !errors.Is(err, ErrStartTLSOnLDAPS) || d.Setting != "connection.start_tls" {
		t.Errorf("StartTLS on ldaps: %v -> %+v", err, d)
	}
	_, err = Connect(context.Background(), Config{URL: "ldaps://127.0.0.1:1", VerifyTLS: true, CAFile: "/nonexistent/ca.pem"})
	if d := Explain(err); d.Setting != "connection.ca_file" || !strings.Contains(d.Problem, "/nonexistent/ca.pem") {
		t.Errorf("missing ca_file: %v -> %+v", err, d)
	}
}
