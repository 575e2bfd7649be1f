package serve

import (
	"log/slog"
	"time"
)

// Defaults of the limits in Options.
const (
	DefaultMaxSessions = 10
	DefaultIdleTimeout = 15 * time.Minute
	DefaultGrace       = 10 * time.Second
)

// Options is what a Server is built from.
type Options struct {
	// ConfigPath is the config file every session's wizard opens and saves.
	ConfigPath string
	// AuthorizedKeys is an OpenSSH authorized_keys file, re-read on each login.
	AuthorizedKeys string
	// TrustedCA optionally names a file of CA public keys (authorized_keys
	// format) whose signed user certificates are let in; empty: none.
	TrustedCA string
	// HostKey is the server's private host key, created (ed25519, mode
	// 0600) when missing. Empty: DefaultHostKeyPath(ConfigPath).
	HostKey string
	// MaxSessions bounds the sessions open at once; 0: DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout ends a session without input for that long; 0: DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Grace is how long open sessions are given to finish once the server
	// is told to stop; 0: DefaultGrace.
	Grace time.Duration
	// Log receives a line per session and per refusal; nil: discarded.
	Log *slog.Logger
	// Getenv reads the server's environment (password variables named in
	// the config); nil: an empty environment.
	Getenv func(string) string
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.HostKey == "" {
		o.HostKey = DefaultHostKeyPath(o.ConfigPath)
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	return o
}
