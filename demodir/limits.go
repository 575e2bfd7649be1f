package demodir

import "time"

// limits are a server's connection limits, with the defaults applied.
type limits struct {
	idle, read time.Duration
	maxConns   int
}

// limitsOf applies the defaults to the limits in opts.
func limitsOf(opts Options) limits {
	l := limits{idle: opts.IdleTimeout, read: opts.ReadTimeout, maxConns: opts.MaxConns}
	if l.idle <= 0 {
		l.idle = DefaultIdleTimeout
	}
	if l.read <= 0 {
		l.read = DefaultReadTimeout
	}
	if l.maxConns <= 0 {
		l.maxConns = DefaultMaxConns
	}
	return l
}
