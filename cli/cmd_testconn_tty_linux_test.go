package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"ldapwiz/internal/harness"
)

// openPTY opens a pseudo-terminal pair: the master to read what was written,
// and the slave, a real terminal for the code under test.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty slave: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// runTestConnOnTerminal runs "ldapwiz test -c cfg" with stdout on a real
// terminal and returns the exit code and what the terminal showed.
func runTestConnOnTerminal(t *testing.T, cfg string, vars map[string]string) (int, string) {
	t.Helper()
	master, slave := openPTY(t)
	got := make(chan string)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, master) // ends with EIO once the slave is closed
		got <- b.String()
	}()
	var errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: slave, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(env, []string{"test", "-c", cfg})
	slave.Close()
	out := <-got
	if errb.Len() > 0 {
		t.Logf("stderr: %s", errb.String())
	}
	return code, out
}

// TestTestCommandMarksOnATerminal checks the three output forms of "ldapwiz
// test": colour symbols on a terminal, plain ASCII on a terminal with
// NO_COLOR, plain ASCII on a non-terminal character device (/dev/null is one
// but is no terminal). A refused TCP connect gives one ok and one failed step
// without needing a directory, and exits 1.
func TestTestCommandMarksOnATerminal(t *testing.T) {
	addr := harness.RefusingAddr(t)
	cfg := filepath.Join(t.TempDir(), "ldapwiz.toml")
	body := fmt.Sprintf("[connection]\nurl = \"ldap://%s\"\nbind_dn = \"cn=x,dc=example,dc=com\"\nbind_password_env = \"PW\"\ntimeout = \"3s\"\n", addr)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out := runTestConnOnTerminal(t, cfg, map[string]string{"PW": "x"})
	if code != 1 || !strings.Contains(out, "\x1b[32m✓\x1b[0m Resolve the host name") || !strings.Contains(out, "\x1b[31m✗\x1b[0m Connect (TCP)") {
		t.Errorf("on a terminal: exit %d, want 1 and colour marks:\n%q", code, out)
	}

	code, out = runTestConnOnTerminal(t, cfg, map[string]string{"PW": "x", "NO_COLOR": "1"})
	if code != 1 || !strings.Contains(out, "[ok]   Resolve the host name") || !strings.Contains(out, "[FAIL] Connect (TCP)") ||
		strings.Contains(out, "\x1b") || strings.ContainsAny(out, "✓✗") {
		t.Errorf("with NO_COLOR: exit %d, want 1 and plain ASCII:\n%q", code, out)
	}

	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	if !plainMarks(&cliEnv{stdout: devNull, getenv: func(string) string { return "" }}) {
		t.Error("/dev/null is not a terminal: marks must be plain")
	}
}
