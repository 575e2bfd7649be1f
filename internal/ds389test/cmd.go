package ds389test

import "ldapwiz/internal/harness"

// run runs a command with extra environment variables and returns its
// output tail on failure, the Directory Manager password hidden.
func run(env []string, name string, args ...string) error {
	return harness.Run(env, AdminPassword, name, args...)
}

// tail returns the last n lines of s.
func tail(s string, n int) string { return harness.Tail(s, n) }

// fileTail returns the last n lines of a file, or why it cannot be read.
func fileTail(path string, n int) string { return harness.FileTail(path, n) }
