package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// CmdError is a failed command with the tail of its output.
type CmdError struct {
	Cmd string // the command line as shown (secrets hidden)
	Err error
	Out []byte
}

// Error names the command, how it failed, and its last output lines.
func (e *CmdError) Error() string {
	return fmt.Sprintf("%s: %v\n--- output tail ---\n%s", e.Cmd, e.Err, Tail(string(e.Out), 40))
}

// Unwrap returns how the command failed.
func (e *CmdError) Unwrap() error { return e.Err }

// Run runs name with args, with env (NAME=value) added to the environment,
// and returns a *CmdError with its output tail when it fails. secret, when
// not empty, is shown as ******** in the command line of the error.
func Run(env []string, secret, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	return runCmd(cmd, secret)
}

// runCmd runs cmd, collecting its output, and returns a *CmdError on failure.
func runCmd(cmd *exec.Cmd, secret string) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		line := strings.Join(cmd.Args, " ")
		if secret != "" {
			line = strings.ReplaceAll(line, secret, "********")
		}
		return &CmdError{Cmd: line, Err: err, Out: out}
	}
	return nil
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// FileTail returns the last n lines of a file, or why it cannot be read.
func FileTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	return Tail(string(b), n)
}
