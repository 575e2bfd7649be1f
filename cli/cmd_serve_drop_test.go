package cli

// cmd_serve_drop_test.go: a session that drops in the middle of directory
// work cancels that work.

import (
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"sync/atomic"
	"testing"
	"time"
)

// stallingDirectory accepts TCP connections and never answers, as a
// directory that hangs; open counts the connections the client still holds.
type stallingDirectory struct {
	addr   string
	open   atomic.Int32
	closed chan time.Time // a connection's end, as the client closed it
}

// startStallingDirectory listens on a loopback port until the test ends.
func startStallingDirectory(t *testing.T) *stallingDirectory {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	d := &stallingDirectory{addr: l.Addr().String(), closed: make(chan time.Time, 16)}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			d.open.Add(1)
			go func() {
				_, _ = io.Copy(io.Discard, c) // until the client closes it
				c.Close()
				d.open.Add(-1)
				d.closed <- time.Now()
			}()
		}
	}()
	return d
}

// TestServeDroppedSessionCancelsDirectoryWork: the connection test waits on
// a directory that never answers (with a 60 s timeout); the ssh client
// goes away; the server's connection to the directory is closed within a
// second.
func TestServeDroppedSessionCancelsDirectoryWork(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := startStallingDirectory(t)
	st := newServeSetup(t, fmt.Sprintf("[connection]\nurl = %q\ntimeout = \"60s\"\n", "ldap://"+dir.addr))
	sp := startServe(t, bin, st.dir, nil, "-c", st.cfg, "--authorized-keys", st.authKeys)
	s := startTmux(t, st.dir, 80, 24, []string{"TERM=xterm-256color"}, nil, sshArgv(sp.port, st.key, st.knownHosts, "-tt")...)
	s.waitFor("Welcome offering the file", "Step 1 of 9: Welcome", "▸ Open ")
	s.keys("Enter")
	s.waitFor("the Connection screen", "Step 2 of 9: Connection")
	s.keys("C-t")
	deadline := time.Now().Add(waitTimeout)
	for dir.open.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the connection test never reached the directory; the screen:\n%s", frame(s.screen()))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Drop the client: its terminal goes, and ssh with it.
	dropped := time.Now()
	if out, err := exec.Command("tmux", "-S", s.sock, "kill-server").CombinedOutput(); err != nil {
		t.Fatalf("tmux kill-server: %v\n%s", err, out)
	}
	select {
	case at := <-dir.closed:
		took := at.Sub(dropped)
		t.Logf("the directory connection closed %s after the client dropped", took.Round(time.Millisecond))
		if took > time.Second {
			t.Errorf("the directory work outlived the session by %s, want at most 1s", took)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("the directory connection is still open %s after the client dropped; the server's output:\n%s", waitTimeout, sp.out)
	}
	sp.waitLog("the session's log line", regexp.MustCompile(`msg=session .* saved=false end=disconnect`))
}
