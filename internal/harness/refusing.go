package harness

import (
	"fmt"
	"syscall"
	"testing"
)

// RefusingAddr returns an address of 127.0.0.1 ("127.0.0.1:PORT") that
// refuses connections for as long as the test runs: a socket is bound to
// the port and never listens, so the kernel answers a connection with a
// reset and gives the port to no listener. A port found by listening and
// closing again could be handed straight to the next listener of this or
// another test process (a silent one made a failover test wait twice as
// long as it allows).
func RefusingAddr(tb testing.TB) string {
	tb.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		tb.Fatalf("a socket for a refusing port: %v", err)
	}
	syscall.CloseOnExec(fd)
	tb.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		tb.Fatalf("bind a refusing port: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		tb.Fatalf("the refusing port: %v", err)
	}
	in, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		tb.Fatalf("the refusing port: an address of type %T", sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", in.Port)
}
