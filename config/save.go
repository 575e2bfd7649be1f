package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// SaveAtomic replaces the file at path with data so that a reader (or a
// crash) sees either the old file or the new one, never a mix:
//  1. the current file, if any, is copied to path+".bak" (mode 0600), itself
//     through a temporary file and a rename;
//  2. data goes to a temporary file in the same directory, which is fsynced
//     and given mode 0600;
//  3. the temporary file is renamed over path and the directory is fsynced.
//
// A failure at any step removes the temporary file and leaves the old file
// untouched. When path is a symbolic link, the file it points to is replaced.
func SaveAtomic(path string, data []byte) error {
	return atomicSaver{}.save(path, data)
}

// atomicSaver carries test hooks that make a step fail; the zero value
// saves for real.
type atomicSaver struct {
	failAt string // "backup" (writing FILE.bak), or "write", "sync", "rename" of the new file
}

// The two files SaveAtomic writes, for the failAt hook.
const (
	stepBackup = "backup"
	stepConfig = "config"
)

func (s atomicSaver) save(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := s.writeReplace(path+".bak", old, stepBackup); err != nil {
			return fmt.Errorf("cannot keep the previous config as %s.bak, so %s was not changed: %w", path, path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		// a new file: nothing to back up
	default:
		return fmt.Errorf("cannot read the current %s to back it up, so it was not changed: %w", path, err)
	}
	if err := s.writeReplace(path, data, stepConfig); err != nil {
		return fmt.Errorf("cannot save %s (the previous version is unchanged): %w", path, err)
	}
	return nil
}

// writeReplace writes data to a temporary file beside path and renames it
// over path. step names this use for the failAt hook.
func (s atomicSaver) writeReplace(path string, data []byte, step string) error {
	return s.writeReplaceFrom(path, step, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeReplaceFrom is writeReplace with the content written by write, as
// it goes (a large report is never held whole).
func (s atomicSaver) writeReplaceFrom(path, step string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if s.failAt == step || s.failAt == "write" && step == stepConfig {
		return errors.New("simulated write failure")
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if s.failAt == "sync" && step == stepConfig {
		return errors.New("simulated fsync failure")
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if s.failAt == "rename" && step == stepConfig {
		return errors.New("simulated rename failure")
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory so a rename inside it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return nil
}
