package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"ldapwiz/ui"
)

// syncBuffer is a log buffer written by the server and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a Server on a loopback port with one authorized client key.
type testServer struct {
	*Server
	addr   string
	client gossh.Signer
	log    *syncBuffer
	stop   func() // cancels Serve's context and waits for it to return
}

// startServer runs a server with opts (its files filled in) until the test ends.
func startServer(t *testing.T, opts Options, change func(*Server)) *testServer {
	t.Helper()
	dir := t.TempDir()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := gossh.NewSignerFromKey(priv)
	sshPub, _ := gossh.NewPublicKey(pub)
	opts.AuthorizedKeys = filepath.Join(dir, "authorized_keys")
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))) + " tester@example.com\n"
	if err := os.WriteFile(opts.AuthorizedKeys, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	opts.ConfigPath = filepath.Join(dir, "ldapwiz.toml")
	buf := &syncBuffer{}
	opts.Log = slog.New(slog.NewTextHandler(buf, nil))
	srv, _, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, l); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return &testServer{Server: srv, addr: l.Addr().String(), client: signer, log: buf, stop: stop}
}

// session opens an SSH session with a PTY (80x24) and a shell, and returns
// it with a buffer of its output.
func (ts *testServer) session(t *testing.T) (*gossh.Session, *syncBuffer) {
	t.Helper()
	c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "tester", Auth: []gossh.AuthMethod{gossh.PublicKeys(ts.client)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	s.Stdout, s.Stderr = out, out
	in, _ := s.StdinPipe()
	t.Cleanup(func() { in.Close() })
	if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	return s, out
}

// waitOutput waits until text shows in out.
func waitOutput(t *testing.T, what string, out stringer, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("waited for %s (%q); got:\n%q", what, text, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stringer is what waitOutput reads.
type stringer interface{ String() string }

// exitStatus waits for the session to end and returns its exit status.
func exitStatus(t *testing.T, s *gossh.Session) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*gossh.ExitError); ok {
			return ee.ExitStatus()
		}
		if err != nil {
			t.Fatalf("the session ended without a status: %v", err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not end")
		return -1
	}
}

func TestServePanicInOneSessionIsRecovered(t *testing.T) {
	var calls atomic.Int32
	ts := startServer(t, Options{}, func(s *Server) {
		s.newModel = func(o ui.Options) tea.Model {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return ui.New(o)
		}
	})
	s1, _ := ts.session(t)
	if code := exitStatus(t, s1); code != 1 {
		t.Errorf("the panicking session ended with %d, want 1", code)
	}
	waitOutput(t, "the panic logged", ts.log, `msg="session panicked"`)
	waitOutput(t, "the panic's session line", ts.log, "end=panic")
	_, out := ts.session(t)
	waitOutput(t, "the wizard in the next session", out, "Welcome")
}

func TestServeIdleSessionEnds(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 300 * time.Millisecond}, nil)
	s, out := ts.session(t)
	waitOutput(t, "the wizard", out, "Welcome")
	if code := exitStatus(t, s); code != 0 {
		t.Errorf("the idle session ended with %d", code)
	}
	waitOutput(t, "the idle notice", out, "idle for 300ms")
	waitOutput(t, "the session line", ts.log, "end=idle")
}

func TestServeSessionLimit(t *testing.T) {
	ts := startServer(t, Options{MaxSessions: 1}, nil)
	_, out := ts.session(t)
	waitOutput(t, "the first wizard", out, "Welcome")
	s2, out2 := ts.session(t)
	if code := exitStatus(t, s2); code != 1 {
		t.Errorf("the session over the limit ended with %d, want 1", code)
	}
	waitOutput(t, "the refusal", out2, "has 1 sessions open, the most it takes")
}

func TestServeStopTellsSessions(t *testing.T) {
	ts := startServer(t, Options{Grace: 300 * time.Millisecond}, nil)
	s, out := ts.session(t)
	waitOutput(t, "the wizard", out, "Welcome")
	done := make(chan struct{})
	go func() { ts.stop(); close(done) }()
	waitOutput(t, "the notice", out, "The server is stopping: save now (ctrl+s)")
	if code := exitStatus(t, s); code != 0 {
		t.Errorf("the session ended with %d at shutdown", code)
	}
	waitOutput(t, "the goodbye", out, "ldapwiz serve stopped")
	<-done
	if _, err := net.Dial("tcp", ts.addr); err == nil {
		t.Error("the server still accepts connections after stopping")
	}
	waitOutput(t, "the session line", ts.log, "end=shutdown")
}

// Once a session has ended, the server gives back the heap's free pages:
// what the session's wizard read does not stay in the process's memory
// while it waits for the next.
func TestServeGivesASessionsMemoryBack(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 300 * time.Millisecond}, nil)
	s, out := ts.session(t)
	waitOutput(t, "the wizard", out, "Welcome")
	var read [][]byte // what a session's preview reads
	for range 256 {
		read = append(read, make([]byte, 1<<20))
	}
	runtime.KeepAlive(read)
	read = nil
	runtime.GC() // now free pages the runtime keeps
	if code := exitStatus(t, s); code != 0 {
		t.Errorf("the session ended with %d", code)
	}
	waitOutput(t, "the session line", ts.log, "end=idle")
	sample := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(sample)
	if kept := sample[0].Value.Uint64(); kept > 32<<20 { // of 256 MiB dropped; other goroutines may free some meanwhile
		t.Errorf("after the session the heap keeps %d MiB of free pages, want them given back", kept>>20)
	}
}
