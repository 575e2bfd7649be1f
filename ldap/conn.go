package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
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
	encrypted bool
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
// certificates (or the system roots), and verification unless turned off.
func (cfg Config) TLSConfig(host string) (*tls.Config, error) {
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
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
// configured) without binding.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	t, err := ParseURL(cfg.URL)
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
	raw, err := dialer.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, err
	}
	encrypted := false
	if t.Scheme == "ldaps" || cfg.StartTLS {
		// StartTLS is done here, before go-ldap takes the connection, so
		// that certificate errors keep their types (see starttls.go).
		var tlsConn *tls.Conn
		if cfg.StartTLS {
			tlsConn, err = startTLS(ctx, raw, tc, cfg.timeout())
		} else {
			tlsConn, err = tlsHandshake(ctx, raw, tc, cfg.timeout())
		}
		if err != nil {
			raw.Close()
			return nil, err
		}
		raw, encrypted = tlsConn, true
	}
	c := goldap.NewConn(raw, encrypted)
	c.SetTimeout(cfg.timeout())
	c.Start()
	return &Conn{c: c, cfg: cfg, target: t, encrypted: encrypted}, nil
}

// Dial connects and binds with the configured credentials (anonymously when
// BindDN is empty).
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	c, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.BindDN != "" {
		if err := c.Bind(ctx, cfg.BindDN, cfg.BindPassword); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Bind authenticates with a simple bind. An empty password is refused here,
// since servers treat it as an unauthenticated bind that "succeeds".
func (c *Conn) Bind(ctx context.Context, dn, password string) error {
	if password == "" {
		return errors.New("the bind password is empty; set bind_password_file, bind_password_env or bind_password")
	}
	return c.do(ctx, func() error { return c.c.Bind(dn, password) })
}

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Encrypted reports whether the connection is protected by TLS (ldaps or
// StartTLS).
func (c *Conn) Encrypted() bool { return c.encrypted }

// Target returns the parsed URL the connection was made to.
func (c *Conn) Target() Target { return c.target }

// TLSState returns the TLS connection state, if the connection is encrypted.
func (c *Conn) TLSState() (tls.ConnectionState, bool) { return c.c.TLSConnectionState() }

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
