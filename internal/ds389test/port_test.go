package ds389test

import (
	"errors"
	"net"
	"os"
	"testing"
)

// TestPortTakenIsRetried checks that a port another process holds is
// reported as taken (so Start tries other ports), and never passes for
// the server's own.
func TestPortTakenIsRetried(t *testing.T) {
	s := Start(t)
	s.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s.Port = ln.Addr().(*net.TCPAddr).Port
	if err := s.Restart(); !errors.Is(err, errPortTaken) {
		t.Errorf("restart on a port another process holds: %v, want errPortTaken", err)
	}
	// The ownership check names the process that really listens.
	if err := ownsListener(os.Getpid(), s.Port); err != nil {
		t.Errorf("the test's own listener: %v", err)
	}
	if err := s.Restart(); err == nil {
		t.Error("a second restart on the taken port worked")
	}
}
