package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyFiles lists the names in dir, to catch leftover temporary files.
func onlyFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestSaveAtomicNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	if err := SaveAtomic(path, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "one\n" {
		t.Fatalf("content %q", got)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("mode %v, want 0600", m)
	}
	if names := onlyFiles(t, dir); len(names) != 1 {
		t.Fatalf("want only the file, got %v", names)
	}
}

func TestSaveAtomicKeepsBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveAtomic(path, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "new\n" {
		t.Fatalf("content %q", got)
	}
	if got := readString(t, path+".bak"); got != "old\n" {
		t.Fatalf("backup %q", got)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("mode %v, want 0600 even when the old file was 0644", m)
	}
	if m := mode(t, path+".bak"); m != 0o600 {
		t.Fatalf("backup mode %v, want 0600", m)
	}
	// A second save rotates: .bak holds the version just replaced.
	if err := SaveAtomic(path, []byte("newer\n")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path+".bak"); got != "new\n" {
		t.Fatalf("backup after second save %q", got)
	}
	if names := onlyFiles(t, dir); len(names) != 2 {
		t.Fatalf("want file and .bak only, got %v", names)
	}
}

func TestSaveAtomicFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.toml")
	link := filepath.Join(dir, "ldapwiz.toml")
	if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := SaveAtomic(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi, err)
	}
	if got := readString(t, real); got != "new\n" {
		t.Fatalf("target content %q", got)
	}
	if got := readString(t, real+".bak"); got != "old\n" {
		t.Fatalf("backup %q", got)
	}
}

func TestSaveAtomicParentIsAFile(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "file")
	if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := SaveAtomic(filepath.Join(parent, "ldapwiz.toml"), []byte("new\n"))
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("want a clear error, got %v", err)
	}
	if got := readString(t, parent); got != "x" {
		t.Fatalf("the parent file changed: %q", got)
	}
}

func TestSaveAtomicBackupBlockedLeavesOldFile(t *testing.T) {
	// FILE.bak is a non-empty directory, so the backup rename fails (even as root).
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path+".bak", "occupied"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := SaveAtomic(path, []byte("new\n"))
	if err == nil || !strings.Contains(err.Error(), ".bak") || !strings.Contains(err.Error(), "was not changed") {
		t.Fatalf("want a backup error, got %v", err)
	}
	if got := readString(t, path); got != "old\n" {
		t.Fatalf("old file changed: %q", got)
	}
	if names := onlyFiles(t, dir); len(names) != 2 {
		t.Fatalf("temporary files left behind: %v", names)
	}
}

func TestSaveAtomicFailureAtEachStepLeavesOldFile(t *testing.T) {
	for _, step := range []string{"backup", "write", "sync", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ldapwiz.toml")
			if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			err := atomicSaver{failAt: step}.save(path, []byte("new\n"))
			if err == nil {
				t.Fatal("want an error")
			}
			if got := readString(t, path); got != "old\n" {
				t.Fatalf("old file changed: %q", got)
			}
			for _, n := range onlyFiles(t, dir) {
				if strings.Contains(n, ".tmp-") {
					t.Fatalf("temporary file left behind: %s", n)
				}
			}
		})
	}
}

func TestSaveAtomicReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		// Root ignores directory permissions; the .bak-is-a-directory and
		// injected-failure tests cover this case instead.
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if err := SaveAtomic(path, []byte("new\n")); err == nil {
		t.Fatal("want an error in a read-only directory")
	}
	if got := readString(t, path); got != "old\n" {
		t.Fatalf("old file changed: %q", got)
	}
}
