package demodir

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Options choose the flavour of the demo directory.
type Options struct {
	// AD serves the Active Directory flavour (base DC=example,DC=test, user
	// and group classes, objectGUID, userAccountControl) instead of OpenLDAP.
	AD bool
	// OnSearch, when set, is called with the base, the scope (0 base, 1 one
	// level, 2 subtree) and the filter (in its string form) of every search
	// request received, from the connection's goroutine: tests use it to
	// see exactly what a client asked.
	OnSearch func(base string, scope int, filter string)
	// IdleTimeout closes a connection on which no request starts for this
	// long; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// ReadTimeout closes a connection whose request, once started, is not
	// complete within this long (a client trickling bytes); 0 means
	// DefaultReadTimeout.
	ReadTimeout time.Duration
	// MaxConns is how many clients may be connected at once; one more is
	// told the server is busy and disconnected. 0 means DefaultMaxConns.
	MaxConns int
	// TLSDir, when set, keeps the CA and the server certificate in this
	// directory (TLSDirCA is the CA clients trust) and reuses them on the
	// next start, so a config naming that CA file keeps working from one run
	// to the next. Empty: a throw-away pair, gone with the server.
	TLSDir string
}

// The demo directory's connection limits, when Options leave them zero:
// idle connections are closed after 15 minutes (Active Directory's
// MaxConnIdleTime), a started request must arrive within 30 seconds, and at
// most 256 clients are connected at once.
const (
	DefaultIdleTimeout = 15 * time.Minute
	DefaultReadTimeout = 30 * time.Second
	DefaultMaxConns    = 256
)

// Server is one demo directory: its data, its TLS certificate and, once
// started, its listener. The zero value is not usable; call New.
type Server struct {
	dir       *directory
	onSearch  func(base string, scope int, filter string)
	limits    limits
	tlsConfig *tls.Config
	caPEM     []byte

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed chan struct{} // closed by Close
	wg     sync.WaitGroup
}

// New loads the demo data of the chosen flavour and generates the server's
// certificate. Nothing listens until Start.
func New(opts Options) (*Server, error) {
	dir, err := load(opts.AD)
	if err != nil {
		return nil, err
	}
	newPair := newTLS
	if opts.TLSDir != "" {
		newPair = func() (*tls.Config, []byte, error) { return tlsFromDir(opts.TLSDir) }
	}
	cfg, caPEM, err := newPair()
	if err != nil {
		return nil, err
	}
	return &Server{dir: dir, onSearch: opts.OnSearch, limits: limitsOf(opts), tlsConfig: cfg, caPEM: caPEM, conns: map[net.Conn]struct{}{}, closed: make(chan struct{})}, nil
}

// Start listens on addr ("127.0.0.1:0" picks a free port when addr is
// empty) and serves clients until ctx ends or Close is called. Only
// loopback addresses are accepted: the demo directory is not for networks.
func (s *Server) Start(ctx context.Context, addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("demo directory: listen address %q: %w (use HOST:PORT, e.g. 127.0.0.1:3389)", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("demo directory: listen address %q is not a loopback address: the demo directory only listens on 127.0.0.1, ::1 or localhost", addr)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("demo directory: cannot listen on %s: %w (choose another address with --listen)", addr, err)
	}
	s.mu.Lock()
	if s.ln != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("demo directory: already started")
	}
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go s.accept(ln)
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.closed:
		}
	}()
	return nil
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.conns == nil { // closed
			s.mu.Unlock()
			nc.Close()
			return
		}
		busy := len(s.conns) >= s.limits.maxConns
		if !busy {
			s.conns[nc] = struct{}{}
		}
		s.mu.Unlock()
		c := &conn{srv: s, nc: nc, r: bufio.NewReader(nc)}
		if busy {
			go c.refuseBusy()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, nc)
			s.mu.Unlock()
		}()
	}
}

// Addr returns the address the server listens on ("" before Start).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL returns the ldap:// URL of the server ("" before Start).
func (s *Server) URL() string {
	if a := s.Addr(); a != "" {
		return "ldap://" + a
	}
	return ""
}

// CAPEM returns the PEM certificate of the CA that signed the server's
// StartTLS certificate, for clients to verify it.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.caPEM...) }

// BaseDN returns the naming context of the served flavour.
func (s *Server) BaseDN() string { return s.dir.fl.suffix }

// AdminDN returns the DN the administrator binds as.
func (s *Server) AdminDN() string { return s.dir.fl.adminDN }

// AdminPassword returns the administrator's (public, demo) password.
func (s *Server) AdminPassword() string { return s.dir.fl.adminPassword }

// ActiveDirectory reports whether the server serves the AD flavour.
func (s *Server) ActiveDirectory() bool { return s.dir.fl.ad }

// Close stops listening, closes every client connection and waits for
// their goroutines to end. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	ln := s.ln
	conns := s.conns
	s.conns = nil
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for c := range conns {
		c.Close()
	}
	s.wg.Wait()
	return nil
}
