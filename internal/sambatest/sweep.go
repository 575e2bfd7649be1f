package sambatest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// runDirPrefix names each run's directory under the system temp dir.
const runDirPrefix = "ldapwiz-samba-run-"

// ownerFile holds the PID of the test process that owns a run directory.
const ownerFile = "owner.pid"

// sweepStaleDirs removes run directories left behind by test processes that
// were killed before their cleanup ran (their Samba died with them).
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), runDirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // being created right now, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}
