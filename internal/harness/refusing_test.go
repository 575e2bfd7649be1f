package harness

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// A refusing address refuses at once, and no listener gets its port while
// the test runs.
func TestRefusingAddr(t *testing.T) {
	addr := RefusingAddr(t)
	_, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Errorf("a listener got %s while it is held", addr)
	}
}
