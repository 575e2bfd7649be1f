package pgtest

import (
	"os"
	"path/filepath"
	"testing"

	"ldapwiz/internal/harness"
)

// BinDir holds the PostgreSQL 15 server programs.
const BinDir = "/usr/lib/postgresql/15/bin"

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

// missingPrograms returns the PostgreSQL programs that are not installed.
func missingPrograms() []string {
	var missing []string
	for _, p := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(BinDir, p)); err != nil {
			missing = append(missing, filepath.Join(BinDir, p))
		}
	}
	return missing
}
