package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// Default values for zero Config fields.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultPageSize = 500
)

// Conn is an open connection to a directory. It is not safe for concurrent
// use by several goroutines issuing operations that depend on each other's
// order; independent operations are fine (go-ldap multiplexes them).
type Conn struct {
	c         *goldap.Conn
	cfg       Config
	target    Target
	server    string // the URL, as configured, of the server that answered
	encrypted bool
	tap       *tapConn  // what go-ldap reads through; decodes bulk search entries (tapconn.go)
	tls       *tls.Conn // the TLS connection under tap, when encrypted
}

func (cfg Config) timeout() time.Duration {
	if cfg.Timeout <= 0 {
		return DefaultTimeout
	}
	return cfg.Timeout
}

func (cfg Config) pageSize() int {
	if cfg.PageSize <= 0 {
		return DefaultPageSize
	}
	return cfg.PageSize
}

// TLSConfig builds the TLS client configuration for host: the CA file's
// certificates (or the system roots), verification unless turned off, and
// the client certificate when one is configured.
func (cfg Config) TLSConfig(host string) (*tls.Config, error) {
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if cfg.ClientCertFile != "" || cfg.ClientKeyFile != "" {
		cert, err := loadClientCert(cfg.ClientCertFile, cfg.ClientKeyFile)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if !cfg.VerifyTLS {
		tc.InsecureSkipVerify = true // the user turned verification off; the UI warns
		return tc, nil
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read ca_file %s: %v", cfg.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// Connect opens a connection (TCP, then TLS for ldaps:// or StartTLS when
// configured) without binding. With several servers (Config.Servers) it
// tries each in turn until one connects; see Dial.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	return eachServer(ctx, cfg, func(c *Conn) error { return nil })
}

// connectURL opens a connection to the one server at raw.
func connectURL(ctx context.Context, cfg Config, raw string) (*Conn, error) {
	t, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	if t.Scheme == "ldaps" && cfg.StartTLS {
		return nil, ErrStartTLSOnLDAPS
	}
	tc, err := cfg.TLSConfig(t.Host)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: cfg.timeout()}
	if dl, ok := ctx.Deadline(); ok {
		dialer.Deadline = dl
	}
	tcp, err := dialer.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, err
	}
	paced := &pacedConn{Conn: tcp}
	var conn net.Conn = paced
	encrypted := false
	if t.Scheme == "ldaps" || cfg.StartTLS {
		// StartTLS is done here, before go-ldap takes the connection, so
		// that certificate errors keep their types (see starttls.go).
		var tlsConn *tls.Conn
		if cfg.StartTLS {
			tlsConn, err = startTLS(ctx, conn, tc, cfg.timeout())
		} else {
			tlsConn, err = tlsHandshake(ctx, conn, tc, cfg.timeout())
		}
		if err != nil {
			conn.Close()
			return nil, err
		}
		conn, encrypted = tlsConn, true
	}
	tlsConn, _ := conn.(*tls.Conn)
	tap := newTapConn(conn)
	paced.paced = tap.paced // before go-ldap's reader starts
	c := goldap.NewConn(tap, encrypted)
	c.SetTimeout(cfg.timeout())
	c.Start()
	return &Conn{c: c, cfg: cfg, target: t, server: strings.TrimSpace(raw), encrypted: encrypted, tap: tap, tls: tlsConn}, nil
}

// Dial connects and authenticates: a simple bind with the configured
// credentials (anonymously when BindDN is empty) or SASL EXTERNAL with the
// client certificate. With several servers it fails over to the next on a
// connection error or timeout, never on a refused bind (a wrong password
// would otherwise count against the account on every server).
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	probe := len(cfg.Servers()) > 1
	return eachServer(ctx, cfg, func(c *Conn) error { return c.authenticate(ctx, cfg, probe) })
}

// authenticate binds as configured. probe makes an anonymous configuration
// bind anonymously too, so that a server that accepts connections but never
// answers is noticed here, where another server can still be tried.
func (c *Conn) authenticate(ctx context.Context, cfg Config, probe bool) error {
	switch {
	case cfg.external():
		return c.ExternalBind(ctx)
	case cfg.gssapi():
		return c.GSSAPIBind(ctx)
	case cfg.BindDN != "":
		// With the password-policy control: a locked or expired service
		// account is refused with the policy's reason, which Explain words.
		_, err := c.BindWithPolicy(ctx, cfg.BindDN, cfg.BindPassword)
		return err
	case probe:
		return c.do(ctx, func() error { return c.c.UnauthenticatedBind("") })
	}
	return nil
}

// errEmptyPassword is Bind's refusal of an empty password.
var errEmptyPassword = errors.New("the bind password is empty; set bind_password_file, bind_password_env or bind_password")

// Bind authenticates with a simple bind. An empty password is refused here,
// since servers treat it as an unauthenticated bind that "succeeds".
func (c *Conn) Bind(ctx context.Context, dn, password string) error {
	if password == "" {
		return errEmptyPassword
	}
	return c.do(ctx, func() error { return c.c.Bind(dn, password) })
}

// ExternalBind authenticates with SASL EXTERNAL: the server takes the
// identity from the TLS client certificate. It needs an encrypted
// connection.
func (c *Conn) ExternalBind(ctx context.Context) error {
	if !c.encrypted {
		return ErrExternalWithoutTLS
	}
	return c.do(ctx, c.c.ExternalBind)
}

// Server returns the URL, as configured, of the server this connection
// reached: with several servers, the one that answered.
func (c *Conn) Server() string { return c.server }

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Encrypted reports whether the connection is protected by TLS (ldaps or
// StartTLS).
func (c *Conn) Encrypted() bool { return c.encrypted }

// Target returns the parsed URL the connection was made to.
func (c *Conn) Target() Target { return c.target }

// TLSState returns the TLS connection state, if the connection is encrypted.
func (c *Conn) TLSState() (tls.ConnectionState, bool) {
	if c.tls == nil {
		return c.c.TLSConnectionState() // a connection made without the tap
	}
	return c.tls.ConnectionState(), true
}

// PageSize is the configured paged-search page size.
func (c *Conn) PageSize() int { return c.cfg.pageSize() }

// do runs a blocking go-ldap operation so that cancelling ctx aborts it: the
// connection is closed on cancellation (it cannot be used afterwards) and the
// context's error is returned.
func (c *Conn) do(ctx context.Context, op func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.c.Close() })
	err := op()
	if !stop() {
		// ctx was cancelled while op ran.
		return fmt.Errorf("%w (the directory connection was closed)", ctx.Err())
	}
	return err
}
