// Package serve is "ldapwiz serve": the wizard served over SSH. Each SSH
// session that authenticates with a public key from an OpenSSH
// authorized_keys file (or a user certificate of a trusted CA) gets a
// Bubble Tea program of its own on the config file; sessions share nothing
// but that file. Passwords and keyboard-interactive are never offered.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"ldapwiz/ui"
)

// Server is the SSH server of the wizard.
type Server struct {
	opts  Options
	host  gossh.Signer
	srv   *ssh.Server
	slots chan struct{} // one per session open

	handlers sync.WaitGroup // session handlers running
	// newModel builds a session's wizard; tests replace it.
	newModel func(ui.Options) tea.Model

	mu   sync.Mutex
	live map[*tea.Program]*atomic.Value // open sessions' programs and their ending
}

// New checks the key files, loads or creates the host key and builds the
// server; created tells whether the host key was created now.
func New(opts Options) (s *Server, created bool, err error) {
	opts = opts.withDefaults()
	if opts.ConfigPath == "" || opts.AuthorizedKeys == "" {
		return nil, false, errors.New("a config file and an authorized keys file are needed")
	}
	keys, err := readKeyFile(opts.AuthorizedKeys, opts.Log)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read the authorized keys: %w", err)
	}
	if len(keys) == 0 {
		opts.Log.Warn("no usable key in the authorized keys file yet: nobody can log in until one is added", "file", opts.AuthorizedKeys)
	}
	if opts.TrustedCA != "" {
		if _, err := readKeyFile(opts.TrustedCA, opts.Log); err != nil {
			return nil, false, fmt.Errorf("cannot read the trusted CA file: %w", err)
		}
	}
	host, created, err := LoadHostKey(opts.HostKey)
	if err != nil {
		return nil, false, err
	}
	s = &Server{opts: opts, host: host, slots: make(chan struct{}, opts.MaxSessions), live: map[*tea.Program]*atomic.Value{},
		newModel: func(o ui.Options) tea.Model { return ui.New(o) }}
	s.srv, err = wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(host); return nil }, // never wish's own key file
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
		wish.WithVersion("ldapwiz"),
	)
	if err != nil {
		return nil, false, err
	}
	s.srv.HandshakeTimeout = 30 * time.Second
	s.srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		opts.Log.Info("connection refused", "from", c.RemoteAddr().String(), "reason", err.Error())
	}
	return s, created, nil
}

// Fingerprint is the host key's SHA256 fingerprint, as ssh shows it.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.host.PublicKey()) }

// Serve accepts connections on l until ctx ends; then it stops accepting,
// tells the open sessions, waits for them up to Options.Grace, closes what
// is left and returns nil.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.opts.Log.Info("stopping: no new sessions", "open", s.open(), "grace", s.opts.Grace.String())
	s.notify(ending{"shutdown", "ldapwiz serve stopped; the session has ended."},
		fmt.Sprintf("The server is stopping: save now (ctrl+s); this session ends within %s.", s.opts.Grace))
	grace, cancel := context.WithTimeout(context.Background(), s.opts.Grace)
	defer cancel()
	if err := s.srv.Shutdown(grace); err != nil {
		// Sessions still open after the grace: end their programs (which
		// restores the client's terminal), give them a moment to say so,
		// then close the connections.
		s.quitAll()
		s.waitHandlers(2 * time.Second)
		_ = s.srv.Close()
	}
	<-served
	s.waitHandlers(2 * time.Second) // their log lines
	return nil
}

// waitHandlers waits up to d for the session handlers to return.
func (s *Server) waitHandlers(d time.Duration) {
	done := make(chan struct{})
	go func() { s.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		s.opts.Log.Warn("sessions still ending", "open", s.open())
	}
}

// acquire takes a session slot, or reports that all are taken.
func (s *Server) acquire() bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release gives a session slot back.
func (s *Server) release() { <-s.slots }

// open is the number of sessions open.
func (s *Server) open() int { return len(s.slots) }

// OpenSessions is the number of sessions open now.
func (s *Server) OpenSessions() int { return s.open() }

// track registers a session's program (and where its ending is written)
// for shutdown; the returned func unregisters it.
func (s *Server) track(p *tea.Program, why *atomic.Value) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live[p] = why
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.live, p)
	}
}

// notify shows notice in every open session and records e as how they
// will end.
func (s *Server) notify(e ending, notice string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, why := range s.live {
		why.CompareAndSwap(nil, e)
		p.Send(noticeMsg(notice))
	}
}

// quitAll ends every open session's program.
func (s *Server) quitAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.live {
		p.Quit()
	}
}
