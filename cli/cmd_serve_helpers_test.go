package cli

// cmd_serve_helpers_test.go: the machinery of the "ldapwiz serve" tests: the
// server run as a process of its own, client keys, the OpenSSH client's
// argv, and a TCP proxy that counts the bytes the server sends.

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// serveProc is "ldapwiz serve" running as a process of its own.
type serveProc struct {
	t           *testing.T
	cmd         *exec.Cmd
	out         *lockedBuffer // stdout and stderr
	port        int
	fingerprint string
	exited      chan struct{}
}

// listeningLine is the start line with the address; fingerprintLine the host key's.
var (
	listeningLine   = regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)`)
	fingerprintLine = regexp.MustCompile(`host key (SHA256:\S+) \((created|reused) `)
)

// startServe runs bin serve with args (and env added) on a free loopback
// port and waits for its start lines. It is killed when the test ends if
// it is still running.
func startServe(t *testing.T, bin, dir string, env []string, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{t: t, out: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("cannot start ldapwiz serve: %v", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	m := p.waitLog("the server's start lines", fingerprintLine)
	p.fingerprint = m[1]
	fmt.Sscan(listeningLine.FindStringSubmatch(p.out.String())[1], &p.port)
	return p
}

// waitLog waits until the server's output matches re and returns the submatches.
func (p *serveProc) waitLog(what string, re *regexp.Regexp) []string {
	p.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		if m := re.FindStringSubmatch(p.out.String()); m != nil {
			return m
		}
		select {
		case <-p.exited:
			if m := re.FindStringSubmatch(p.out.String()); m != nil {
				return m
			}
			p.t.Fatalf("ldapwiz serve exited before %s; its output:\n%s", what, p.out)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %s for %s; the server's output:\n%s", waitTimeout, what, p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit code and how long it took.
func (p *serveProc) stop() (int, time.Duration) {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(waitTimeout):
		p.t.Fatalf("ldapwiz serve did not exit within %s of SIGTERM; its output:\n%s", waitTimeout, p.out)
	}
	return p.cmd.ProcessState.ExitCode(), time.Since(start)
}

// newClientKey makes an ed25519 key pair with comment in dir and returns
// the private key's path and the public key's line.
func newClientKey(t *testing.T, dir, name, comment string) (string, string) {
	t.Helper()
	key := filepath.Join(dir, name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return key, strings.TrimSpace(string(pub))
}

// sshArgv is the OpenSSH client's argv to port with key, checking the host
// key against knownHosts (under a fixed alias, so a restart on another
// port is the same host); extra options and the remote command follow.
func sshArgv(port int, key, knownHosts string, extra ...string) []string {
	return append([]string{"ssh", "-F", "/dev/null", "-p", fmt.Sprint(port), "-i", key,
		"-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", "HostKeyAlias=ldapwiz-serve-test",
		"-o", "UserKnownHostsFile=" + knownHosts, "-o", "LogLevel=ERROR"}, append(extra, "127.0.0.1")...)
}

// runSSH runs the ssh client without a terminal and returns its exit code
// and combined output.
func runSSH(t *testing.T, argv []string, remote ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(argv[0], append(argv[1:], remote...)...)
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatalf("cannot run ssh: %v", err)
	}
	return 0, string(out)
}

// commandWithEnv is argv as a command with env added and no stdin.
func commandWithEnv(argv []string, env ...string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader("")
	return cmd
}

// countingProxy forwards loopback connections to target and counts the
// bytes sent from target to the client.
type countingProxy struct {
	port int
	down atomic.Int64
}

// startProxy listens on a loopback port and forwards every connection to
// 127.0.0.1:target until the test ends.
func startProxy(t *testing.T, target int) *countingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	p := &countingProxy{port: l.Addr().(*net.TCPAddr).Port}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.forward(c, target)
		}
	}()
	return p
}

// forward copies between the client c and the target, counting what the target sends.
func (p *countingProxy) forward(c net.Conn, target int) {
	defer c.Close()
	s, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", target))
	if err != nil {
		return
	}
	defer s.Close()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	_, _ = io.Copy(countWriter{c, &p.down}, s)
}

// countWriter counts what it writes.
type countWriter struct {
	w io.Writer
	n *atomic.Int64
}

// Write writes p and adds its length to the count.
func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}
