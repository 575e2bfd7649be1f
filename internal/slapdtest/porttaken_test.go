package slapdtest

import (
	"errors"
	"testing"
)

// TestRestartOnATakenPortSaysSo: slapd started on ports another server
// holds reports errPortTaken (it must print why it exited, so Start can
// pick other ports instead of failing with an empty message).
func TestRestartOnATakenPortSaysSo(t *testing.T) {
	a := Start(t)
	b := Start(t)
	b.Stop()
	b.Port, b.TLSPort = a.Port, a.TLSPort
	err := b.Restart()
	if !errors.Is(err, errPortTaken) {
		t.Fatalf("restart on taken ports: %v, want errPortTaken", err)
	}
}
