package demodir

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// closedWithin reports whether the server hangs up nc within d (reading
// whatever notice it sends first). A hang-up reads as EOF, or as a reset
// when the client wrote after the server closed; only the deadline passing
// means it is still open.
func closedWithin(nc net.Conn, d time.Duration) bool {
	_ = nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

// TestIdleTrickleAndBusyConnectionsAreClosed: idle clients are closed after
// the idle timeout, a client trickling one byte at a time after the read
// timeout, and one over the cap at once with "busy" — while a real client
// under the cap is served throughout.
func TestIdleTrickleAndBusyConnectionsAreClosed(t *testing.T) {
	srv, err := New(Options{IdleTimeout: 700 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := srv.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	client, err := goldap.DialURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.Bind(srv.AdminDN(), srv.AdminPassword()); err != nil {
		t.Fatal(err)
	}

	idle, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	trickle, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer trickle.Close()
	third, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	// The cap is 4: the client, idle, trickle and third. A fifth is busy.
	waitConns(t, srv, 4)
	busy, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if !closedWithin(busy, 2*time.Second) {
		t.Error("a connection over the cap was not hung up at once")
	}
	if _, err := client.Search(goldap.NewSearchRequest(srv.BaseDN(), goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil)); err != nil {
		t.Fatalf("the client under the cap is not served: %v", err)
	}

	// The trickler starts a message and sends one byte every 100 ms.
	start := time.Now()
	stop := make(chan struct{})
	go func() {
		_, _ = trickle.Write([]byte{0x30, 0x7f})
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := trickle.Write([]byte{0x01}); err != nil {
					return
				}
			}
		}
	}()
	if !closedWithin(trickle, 3*time.Second) {
		t.Error("a trickling client was not hung up")
	} else if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("the trickling client was hung up after %v, before the read timeout", d)
	}
	close(stop)
	if !closedWithin(idle, 3*time.Second) {
		t.Error("an idle client was not hung up after the idle timeout")
	}
}

// waitConns waits until the server has registered n connections.
func waitConns(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		srv.mu.Lock()
		got := len(srv.conns)
		srv.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server holds %d connections, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDefaultLimits: the zero Options get the documented defaults.
func TestDefaultLimits(t *testing.T) {
	l := limitsOf(Options{})
	if l.idle != DefaultIdleTimeout || l.read != DefaultReadTimeout || l.maxConns != DefaultMaxConns {
		t.Fatalf("defaults %+v", l)
	}
}
