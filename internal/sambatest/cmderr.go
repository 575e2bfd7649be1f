package sambatest

import (
	"fmt"
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
