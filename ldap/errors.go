package ldap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	goldap "github.com/go-ldap/ldap/v3"
)

// Diagnosis is an error explained for a person: what went wrong in plain
// words, and what to change. It never contains a password.
type Diagnosis struct {
	Code    int    `json:"code,omitempty"`     // LDAP result code; 0 when the error is not an LDAP result
	SubCode string `json:"sub_code,omitempty"` // Active Directory "data" sub-code of result 49, e.g. "52e"
	Policy  string `json:"policy,omitempty"`   // password-policy refusal, e.g. "account_locked" (PolicyAccountLocked)
	Problem string `json:"problem"`            // what went wrong
	Hint    string `json:"hint,omitempty"`     // how to fix it, naming the setting
	Setting string `json:"setting,omitempty"`  // dotted key of the setting to change, e.g. "connection.ca_file"
	Server  string `json:"server,omitempty"`   // the server's own diagnostic message, when it sent one
}

// String renders the diagnosis as one or two sentences: problem, then hint.
func (d Diagnosis) String() string {
	if d.Hint == "" {
		return d.Problem
	}
	return d.Problem + ". " + d.Hint
}

// Explain turns an error from this package, go-ldap, the network or TLS into
// a Diagnosis. Errors it does not recognise are passed through in Problem.
// Callers that know which setting produced the failing value (a search base,
// a filter) may override Setting and Hint.
func Explain(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	if d, ok := explainContext(err); ok {
		return d
	}
	if d, ok := explainPolicyBind(err, bindAccount); ok {
		return d
	}
	if d, ok := explainKerberos(err); ok {
		return d
	}
	var le *goldap.Error
	if errors.As(err, &le) && le.ResultCode < goldap.ErrorNetwork {
		return explainResult(le)
	}
	if d, ok := explainTLS(err); ok {
		return d
	}
	if d, ok := explainNet(err); ok {
		return d
	}
	if errors.As(err, &le) {
		return explainClientError(le)
	}
	switch msg := err.Error(); {
	case errors.Is(err, ErrStartTLSOnLDAPS):
		return startTLSOnLDAPSDiagnosis()
	case strings.Contains(msg, "ca_file"):
		return Diagnosis{Problem: msg, Hint: "set connection.ca_file to a readable PEM file with the CA certificate, or leave it empty for the system roots", Setting: "connection.ca_file"}
	}
	return Diagnosis{Problem: err.Error()}
}

func explainContext(err error) (Diagnosis, bool) {
	switch {
	case errors.Is(err, context.Canceled):
		return Diagnosis{Problem: "cancelled"}, true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return Diagnosis{
			Problem: "the directory did not answer in time",
			Hint:    "check the host and port in connection.url (a firewall may be dropping packets), or raise connection.timeout for a slow server",
			Setting: "connection.timeout",
		}, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return explainContext(context.DeadlineExceeded)
	}
	return Diagnosis{}, false
}

// explainNet decodes DNS and socket errors, and the ways a connection dies
// when one side speaks TLS and the other does not.
func explainNet(err error) (Diagnosis, bool) {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		d := Diagnosis{Setting: "connection.url"}
		if dnsErr.IsNotFound {
			d.Problem = fmt.Sprintf("the host name %q does not exist in DNS", dnsErr.Name)
			d.Hint = "check the host name in connection.url (typo? missing domain suffix?)"
		} else {
			d.Problem = fmt.Sprintf("the host name %q could not be looked up: %v", dnsErr.Name, dnsErr.Err)
			d.Hint = "check this machine's DNS resolver, or put the server's IP address in connection.url"
		}
		return d, true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return Diagnosis{
			Problem: "nothing is listening on that port (connection refused)",
			Hint:    "check the port in connection.url: 389 for ldap://, 636 for ldaps://, and that the directory server is running",
			Setting: "connection.url",
		}, true
	}
	if errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return Diagnosis{
			Problem: "the host cannot be reached from this machine (no route)",
			Hint:    "check the host in connection.url and the network path (VPN, firewall)",
			Setting: "connection.url",
		}, true
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) || strings.Contains(err.Error(), "first record does not look like a TLS handshake") {
		return notTLSDiagnosis(), true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "connection closed") || strings.Contains(err.Error(), "connection reset") {
		return Diagnosis{
			Problem: "the server closed the connection without an answer",
			Hint:    "this often means TLS and plain LDAP are mixed up: use ldaps:// for the TLS port (636) and ldap:// (optionally with connection.start_tls) for the plain port (389) in connection.url",
			Setting: "connection.url",
		}, true
	}
	return Diagnosis{}, false
}

// notTLSDiagnosis is the answer when a TLS client met a plain LDAP server.
func notTLSDiagnosis() Diagnosis {
	return Diagnosis{
		Problem: "the server speaks plain LDAP on this port, not TLS",
		Hint:    "use ldap://host:port in connection.url (with connection.start_tls = true to encrypt), or the server's ldaps port (usually 636) with ldaps://",
		Setting: "connection.url",
	}
}

// tlsOnPlainDiagnosis is the answer when a plain LDAP client met a TLS port.
func tlsOnPlainDiagnosis() Diagnosis {
	return Diagnosis{
		Problem: "the server expects TLS on this port (it is an ldaps port), but the connection spoke plain LDAP",
		Hint:    "write ldaps:// instead of ldap:// in connection.url and turn connection.start_tls off",
		Setting: "connection.url",
	}
}

// explainClientError covers go-ldap's own (non-server) error codes.
func explainClientError(le *goldap.Error) Diagnosis {
	msg := le.Err.Error()
	switch le.ResultCode {
	case goldap.ErrorFilterCompile:
		return Diagnosis{Code: int(le.ResultCode), Problem: "the LDAP filter is not valid: " + msg,
			Hint: "write a filter like (mail=*) or (&(department=IT)(!(title=intern))) in users.filter", Setting: "users.filter"}
	case goldap.ErrorNetwork:
		if strings.Contains(msg, "already encrypted") {
			return startTLSOnLDAPSDiagnosis()
		}
		if strings.Contains(msg, "TLS handshake failed") {
			if d, ok := explainTLSText(msg); ok {
				return d
			}
		}
		return Diagnosis{Code: int(le.ResultCode),
			Problem: "the connection to the directory was lost: " + msg,
			Hint:    "check that the server is up and that connection.url uses ldaps:// for a TLS port and ldap:// for a plain one",
			Setting: "connection.url"}
	}
	return Diagnosis{Code: int(le.ResultCode), Problem: le.Error()}
}

// startTLSOnLDAPSDiagnosis is the answer to start_tls with an ldaps:// URL.
func startTLSOnLDAPSDiagnosis() Diagnosis {
	return Diagnosis{
		Problem: "StartTLS was asked for on an ldaps:// connection, which is already encrypted",
		Hint:    "turn connection.start_tls off (ldaps:// encrypts from the first byte), or use ldap:// with start_tls",
		Setting: "connection.start_tls",
	}
}
