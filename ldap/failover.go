package ldap

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// ServerFailure is why one listed server could not be used.
type ServerFailure struct {
	URL string // the server's URL as configured
	Err error
}

// FailoverError is returned by Dial and Connect when several servers are
// configured and none of them could be used. Its text lists each server's
// problem in plain words; Failures keeps the errors themselves.
type FailoverError struct {
	Failures []ServerFailure
}

// Error lists every server's problem: "none of the 3 directory servers
// could be used: ldap://a: ...; ldap://b: ...".
func (e *FailoverError) Error() string {
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = f.URL + ": " + Explain(f.Err).Problem
	}
	return "none of the " + strconv.Itoa(len(e.Failures)) + " directory servers could be used: " + strings.Join(parts, "; ")
}

// eachServer connects to the configured servers in turn and runs then on
// the first connection. A failure to connect, or a then that fails with a
// network error, a timeout or "busy"/"unavailable", moves on to the next
// server; any other failure of then (a refused bind) is returned at once.
// A single server's error is returned as it is; with several, a
// *FailoverError lists them all.
func eachServer(ctx context.Context, cfg Config, then func(*Conn) error) (*Conn, error) {
	servers := cfg.Servers()
	if cfg.RandomOrder {
		servers = append([]string(nil), servers...)
		rand.Shuffle(len(servers), func(i, j int) { servers[i], servers[j] = servers[j], servers[i] })
	}
	var failures []ServerFailure
	for _, u := range servers {
		c, err := connectURL(ctx, cfg, u)
		if err != nil {
			if !connectFailsOver(err) || ctx.Err() != nil {
				return nil, err
			}
			failures = append(failures, ServerFailure{URL: u, Err: err})
			continue
		}
		if err := then(c); err != nil {
			c.Close()
			if !failsOver(err) || ctx.Err() != nil {
				return nil, err
			}
			failures = append(failures, ServerFailure{URL: u, Err: err})
			continue
		}
		return c, nil
	}
	if len(failures) == 1 {
		return nil, failures[0].Err
	}
	return nil, &FailoverError{Failures: failures}
}

// connectFailsOver reports whether a connection error is worth trying the
// next server for: anything but a mistake in the settings themselves.
func connectFailsOver(err error) bool {
	var ue *URLError
	switch {
	case errors.As(err, &ue), errors.Is(err, ErrStartTLSOnLDAPS), errors.Is(err, errClientCert):
		return false
	case strings.Contains(err.Error(), "ca_file"):
		return false
	}
	return true
}

// failsOver reports whether an error after connecting (during the bind)
// means the server, not the credentials, is the problem: the connection
// broke or timed out, the server is busy or unavailable, or what answered
// does not speak LDAP. A result the server gave to the bind itself (invalid
// credentials above all) and the client's own refusals do not fail over.
func failsOver(err error) bool {
	var ke *KerberosError
	if errors.Is(err, ErrExternalWithoutTLS) || errors.Is(err, errEmptyPassword) || errors.As(err, &ke) {
		return false
	}
	var le *goldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case goldap.ErrorNetwork, goldap.ErrorUnexpectedMessage, goldap.ErrorUnexpectedResponse,
			goldap.LDAPResultBusy, goldap.LDAPResultUnavailable:
			return true
		}
		return false
	}
	// go-ldap reports a connection that broke while waiting for the answer
	// as a plain error ("unable to read LDAP response packet: ...").
	return true
}
