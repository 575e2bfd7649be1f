package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// profileText is the profile at path unzipped (a pprof protocol buffer,
// whose string table names the sample types and the sampled functions),
// after checking that the file is private.
func profileText(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not a profile: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s is not a profile: %v", path, err)
	}
	return string(data)
}

// inUseTop is "go tool pprof -top" of the memory in use in the heap
// profile at path: a function shows only when memory it allocated was
// live where the profile was taken.
func inUseTop(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("go", "tool", "pprof", "-sample_index=inuse_space", "-top", "-nodecount=100000", path).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// --memprofile and --cpuprofile write profiles of preview and sync; the
// heap profile is taken while the run held the directory's entries.
func TestProfileFlagsWriteProfiles(t *testing.T) {
	// Every allocation sampled, so that a small directory's entries show.
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1

	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	dir := t.TempDir()
	for _, cmd := range []string{"preview", "sync"} {
		heap, cpu := filepath.Join(dir, cmd+".heap"), filepath.Join(dir, cmd+".cpu")
		if code, out, errs := runCLI(t, vars, cmd, "-c", cfg, "--memprofile", heap, "--cpuprofile", cpu); code != 0 {
			t.Fatalf("%s exit %d:\n%s\n%s", cmd, code, out, errs)
		}
		if text := profileText(t, heap); !strings.Contains(text, "inuse_space") {
			t.Errorf("%s: the heap profile has no inuse_space samples type (%d bytes)", cmd, len(text))
		}
		if top := inUseTop(t, heap); !strings.Contains(top, "ldapwiz/ldap.(*entryDecoder).decodeOp") {
			t.Errorf("%s: the heap profile holds no entry the run read in use:\n%s", cmd, top)
		}
		// A CPU profile's sample types: samples (count) and cpu
		// (nanoseconds), which a heap profile has neither of.
		if text := profileText(t, cpu); !strings.Contains(text, "samples") || !strings.Contains(text, "nanoseconds") {
			t.Errorf("%s: the CPU profile has not the CPU sample types (%d bytes)", cmd, len(text))
		}
	}
}

// A profile path that is a symbolic link is refused, not followed: the
// file it points to is untouched and the command exits 1, naming the flag.
func TestProfileFlagsRefuseSymlinks(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--memprofile", "--cpuprofile"} {
		link := filepath.Join(dir, strings.TrimPrefix(flag, "--"))
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, vars, "preview", "-c", cfg, flag, link)
		if code != 1 || !strings.Contains(errs, flag+":") {
			t.Errorf("preview %s SYMLINK: exit %d, stderr %q; want 1 and the flag named", flag, code, errs)
		}
		if data, _ := os.ReadFile(target); !bytes.Equal(data, []byte("keep me")) {
			t.Errorf("preview %s followed the link: the target now holds %d bytes", flag, len(data))
		}
	}
}
