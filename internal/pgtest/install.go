package pgtest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"ldapwiz/internal/harness"
)

// installRoot is where Debian's postgresql packages put each major
// version's programs: installRoot/<version>/bin.
const installRoot = "/usr/lib/postgresql"

// EnsureInstalled installs PostgreSQL through apt-get when its programs are
// missing (without starting the system's cluster), holding the harnesses'
// apt lock; it fails the test with what to install when that is impossible.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	harness.Apt{
		Who:      "pgtest",
		Packages: []string{"postgresql"},
		Missing:  missingPrograms,
	}.Ensure(t)
}

// serverPrograms are the programs the harness runs.
var serverPrograms = []string{"initdb", "postgres"}

// missingPrograms returns what is missing when no installed version has
// the server programs.
func missingPrograms() []string {
	if binDir() != "" {
		return nil
	}
	var missing []string
	for _, p := range serverPrograms {
		missing = append(missing, filepath.Join(installRoot, "<version>", "bin", p))
	}
	return missing
}

// binDir is the bin directory of the newest PostgreSQL installed, or ""
// when there is none: Debian 12's postgresql package installs 15, Debian
// 13's 17.
func binDir() string { return newestBinDir(installRoot) }

// newestBinDir returns root/<version>/bin of the highest major version
// whose bin directory holds every server program, or "".
func newestBinDir(root string) string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	best, bestVersion := "", -1
	for _, e := range entries {
		v, err := strconv.Atoi(e.Name())
		if err != nil || v <= bestVersion {
			continue
		}
		dir := filepath.Join(root, e.Name(), "bin")
		if hasPrograms(dir) {
			best, bestVersion = dir, v
		}
	}
	return best
}

// hasPrograms reports whether dir holds every server program.
func hasPrograms(dir string) bool {
	for _, p := range serverPrograms {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}
