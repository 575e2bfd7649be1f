package cli

// e2e_ssh_test.go: the wizard over SSH, as an administrator meets it on a
// server: a private sshd on 127.0.0.1, an ssh client in a tmux pane at
// 80x24, and ldapwiz --demo on the far side of the connection. The screen
// must draw through the pseudo-terminal sshd allocates, keys must arrive,
// a resize of the local terminal must reach the program, and quitting must
// end the ssh session cleanly.

import (
	"bufio"
	"errors"
	"fmt"
	"ldapwiz/internal/harness"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// sshdPath is the OpenSSH server the test runs privately.
const sshdPath = "/usr/sbin/sshd"

// sshServer is a private sshd listening on 127.0.0.1 that lets root in
// with the client key in its directory.
type sshServer struct {
	port    int
	key     string // the client's private key
	logFile string // sshd's own log (-e), for failure messages
}

// startSSHD installs OpenSSH when missing, generates a host key and a
// client key pair in a temporary directory, and runs sshd on a free
// loopback port until the test ends (stopped by its PID).
func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	ensureApt(t, "the SSH end-to-end test", []string{sshdPath, "ssh", "ssh-keygen"}, "openssh-server", "openssh-client")
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "host_ed25519")
	clientKey := filepath.Join(dir, "client_ed25519")
	for _, k := range []string{hostKey, clientKey} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ldapwiz-e2e", "-f", k).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen %s: %v\n%s", k, err, out)
		}
	}
	pub, err := os.ReadFile(clientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authKeys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authKeys, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	// sshd's privilege separation needs this directory; a container that
	// never ran the system sshd does not have it.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("cannot create /run/sshd for sshd's privilege separation: %v", err)
	}
	// The port is one that was free a moment ago; another process can take
	// it before sshd binds it. sshd then exits saying so, and it is started
	// again on another port (a state seen in its log, not a guess).
	for attempt := 1; ; attempt++ {
		s, err := runSSHD(t, dir, hostKey, clientKey, authKeys, freePort(t))
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			t.Fatal(err)
		}
		t.Logf("sshd attempt %d: %v; trying another port", attempt, err)
	}
}

// errPortTaken is runSSHD's error when sshd could not bind its port.
var errPortTaken = errors.New("the port was taken before sshd could bind it")

// runSSHD runs sshd on port with the keys in dir until the test ends, and
// waits until it answers with its version banner.
func runSSHD(t *testing.T, dir, hostKey, clientKey, authKeys string, port int) (*sshServer, error) {
	t.Helper()
	conf := filepath.Join(dir, fmt.Sprintf("sshd_config.%d", port))
	// StrictModes no: the keys live under /tmp, which is world-writable.
	config := fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %s
AuthorizedKeysFile %s
PidFile %s
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
UseDNS no
X11Forwarding no
PrintMotd no
PrintLastLog no
`, port, hostKey, authKeys, filepath.Join(dir, "sshd.pid"))
	if err := os.WriteFile(conf, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &sshServer{port: port, key: clientKey, logFile: filepath.Join(dir, fmt.Sprintf("sshd.%d.log", port))}
	logf, err := os.Create(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close() // the child holds its own descriptor
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", sshdPath, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return s, s.waitReady(exited)
}

// waitReady waits until sshd answers with its version banner. It returns
// an error with sshd's log when sshd exits first (errPortTaken when its
// log says the port was in use) or does not answer within waitTimeout.
func (s *sshServer) waitReady(exited <-chan struct{}) error {
	addr := fmt.Sprintf("127.0.0.1:%d", s.port)
	deadline := time.Now().Add(waitTimeout)
	for {
		select {
		case <-exited:
			log := s.log()
			if strings.Contains(log, "Address already in use") {
				return fmt.Errorf("%w (%s); its log:\n%s", errPortTaken, addr, log)
			}
			return fmt.Errorf("sshd exited before accepting connections on %s; its log:\n%s", addr, log)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-2.0-") {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sshd did not answer on %s within %s; its log:\n%s", addr, waitTimeout, s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// log returns what sshd has logged so far.
func (s *sshServer) log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

// command is the ssh client's argv that runs remote (a shell command line)
// as root through this server with a pseudo-terminal, ignoring any ssh
// configuration and known_hosts of the machine.
func (s *sshServer) command(remote string) []string {
	return []string{"ssh", "-F", "/dev/null", "-tt", "-p", fmt.Sprint(s.port), "-i", s.key,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"root@127.0.0.1", remote}
}

// freePort returns a loopback TCP port that was free a moment ago and
// that no outgoing connection can hold (see harness.FreePort).
func freePort(t *testing.T) int {
	t.Helper()
	port, err := harness.FreePort()
	if err != nil {
		t.Fatalf("cannot find a free port: %v", err)
	}
	return port
}

func TestE2EOverSSH(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	sshd := startSSHD(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	// No cache directory: the demo's CA file is a temporary one, gone with
	// the session (with one, it is kept for the saved file; see
	// TestE2EDemoWalk).
	remote := shellJoin([]string{"env", "-u", "HOME", "-u", "XDG_CACHE_HOME", "TERM=xterm-256color", bin, "--demo", "-c", cfg})
	s := startTmux(t, dir, 80, 24, nil, nil, sshd.command(remote)...)

	// Welcome, drawn through sshd's pseudo-terminal, in colour.
	url := s.waitMatch("the demo banner through ssh", regexp.MustCompile(`running at (ldap://127\.0\.0\.1:\d+)`))[1]
	s.waitFor("the Welcome screen through ssh", "Step 1 of 9: Welcome", "▸ New: OpenLDAP")
	if !hasColour(s.styledScreen()) {
		t.Errorf("TERM=xterm-256color over ssh drew no colour:\n%q", s.styledScreen())
	}

	// A resize of the local terminal reaches the program over ssh: it
	// redraws wider and taller, then back at 80x24.
	s.tmux("resize-window", "-t", "e2e", "-x", "100", "-y", "30")
	s.waitUntil("the redraw at 100x30", func(sc string) bool { return drawnAt(sc, 100, 30) })
	s.tmux("resize-window", "-t", "e2e", "-x", "80", "-y", "24")
	s.waitUntil("the redraw at 80x24", func(sc string) bool {
		return strings.Contains(sc, "Step 1 of 9: Welcome") && drawnAt(sc, 80, 24)
	})

	// Connection: the test passes against the demo.
	s.keys("Enter")
	s.waitFor("the Connection screen", "Step 2 of 9: Connection", url)
	s.keys("C-t")
	s.waitMatch("the connection test to pass over ssh", testPassed)

	// Save, and validate while the demo (and its CA file) still runs.
	s.keys("C-s")
	s.waitFor("the save", "Saved "+cfg)
	if code, out := runBinary(t, bin, dir, nil, "validate", "-c", cfg); code != 0 {
		t.Errorf("ldapwiz validate on the config saved over ssh exited %d:\n%s", code, out)
	}
	got := loadSaved(t, cfg) // also checks mode 0600

	// Quit; answer the unsaved-changes question if one comes. The ssh
	// session ends with the program's status.
	s.keys("C-c")
	sc := s.waitUntil("ldapwiz to quit", func(sc string) bool {
		return strings.Contains(sc, exitMarker) || strings.Contains(sc, "d discard and quit")
	})
	if !strings.Contains(sc, exitMarker) {
		s.keys("d")
	}
	s.waitFor("the ssh session to end with status 0", exitMarker+"0", "Demo directory stopped")

	if c := got.Connection; c.URL != url || c.CAFile == "" {
		t.Errorf("the config saved over ssh does not point at the demo %s: %+v", url, c)
	}
	if _, err := os.Stat(got.Connection.CAFile); !os.IsNotExist(err) {
		t.Errorf("the demo CA file %s is still there after the ssh session ended (%v)", got.Connection.CAFile, err)
	}
}

// drawnAt reports whether a captured screen is w x h with the program drawn
// at that size: the help bar on the last row and, when w > 80, some line
// wider than 80 cells (which an 80-column drawing cannot produce).
func drawnAt(sc string, w, h int) bool {
	lines := strings.Split(strings.TrimSuffix(sc, "\n"), "\n")
	if len(lines) != h || !strings.Contains(lines[h-1], "ctrl+c quit") {
		return false
	}
	if w <= 80 {
		return true
	}
	for _, l := range lines {
		if utf8.RuneCountInString(strings.TrimRight(l, " ")) > 80 {
			return true
		}
	}
	return false
}
