package ds389test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// cmdError is a failed command with the tail of its output.
type cmdError struct {
	cmd string
	err error
	out []byte
}

// Error names the command, how it failed, and its last output lines.
func (e *cmdError) Error() string {
	return fmt.Sprintf("%s: %v\n--- output tail ---\n%s", e.cmd, e.err, tail(string(e.out), 40))
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// run runs a command with extra environment variables and returns its
// output tail on failure.
func run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &cmdError{cmd: name + " " + redact(args), err: err, out: out}
	}
	return nil
}

// redact hides the Directory Manager password in a command line shown in
// an error.
func redact(args []string) string {
	return strings.ReplaceAll(strings.Join(args, " "), AdminPassword, "********")
}

// fileTail returns the last n lines of a file, or why it cannot be read.
func fileTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	return tail(string(b), n)
}
