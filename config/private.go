package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// WritePrivate writes data to path the way the settings file is saved: a
// temporary file in the same directory with mode 0600, synced, then renamed
// over path, so a reader never sees half a file and an existing file's more
// open mode is not kept. It refuses a path that is a symbolic link, since a
// file holding user names or secrets must not be written through one to
// wherever the link points.
func WritePrivate(path string, data []byte) error {
	return WritePrivateFrom(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WritePrivateFrom is WritePrivate with the content written by write as it
// goes, for content too large to hold in memory first (a sync report).
func WritePrivateFrom(path string, write func(io.Writer) error) error {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; refusing to write through it: give the path of a regular file", path)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file; give the path of a regular file", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return atomicSaver{}.writeReplaceFrom(path, stepConfig, write)
}
