//go:build unix

package wizard

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// writable reports why path cannot be written by this process, or nil: it
// asks the kernel (access W_OK), which also catches a read-only file system.
func writable(path string) error {
	if err := unix.Access(path, unix.W_OK); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}
