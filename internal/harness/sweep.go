package harness

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// OwnerFile, in a run directory, holds the pid of the test process that
// owns it.
const OwnerFile = "owner.pid"

// MakeRunDir creates a new directory prefix+random under the system temp
// dir and records this process as its owner (see SweepRunDirs).
func MakeRunDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, OwnerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// SweepRunDirs removes the run directories made by MakeRunDir with prefix
// whose owner process is gone: it was killed before its cleanup ran. stop,
// when not nil, is called first with each such directory, to stop a server
// that did not die with its owner.
func SweepRunDirs(prefix string, stop func(dir string)) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
	for _, d := range dirs {
		pid, ok := ReadPIDFile(filepath.Join(d, OwnerFile))
		if !ok {
			continue // being created right now, or not ours
		}
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			continue // its owner still runs (EPERM: as another user)
		}
		if stop != nil {
			stop(d)
		}
		os.RemoveAll(d)
	}
}
