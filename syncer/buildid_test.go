package syncer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestGoBuildIDIsTheToolchains: the build ID read from the running test
// binary is the one "go tool buildid" prints for it, and buildID carries it.
func TestGoBuildIDIsTheToolchains(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	for _, path := range []string{exe, runningExecutable()} {
		got, err := goBuildID(path)
		if err != nil || got != want {
			t.Errorf("goBuildID(%s) = %q, %v; go tool buildid says %q", path, got, err, want)
		}
	}
	if id := buildID(); !strings.HasSuffix(id, " go:"+want) {
		t.Errorf("buildID() = %q, without the build ID %q", id, want)
	}
	if _, err := goBuildID("/dev/null"); err == nil {
		t.Error("goBuildID read a build ID from /dev/null")
	}
}

// TestIdentifyBuildWithoutABuildID: an executable without a Go build ID
// is identified by its SHA-256, whatever its VCS stamp says, else
// (unreadable) by a value of the process alone.
func TestIdentifyBuildWithoutABuildID(t *testing.T) {
	dir := t.TempDir()
	exe, other := filepath.Join(dir, "ldapwiz"), filepath.Join(dir, "other")
	if err := os.WriteFile(exe, []byte("not an ELF file"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("another build"), 0o755); err != nil {
		t.Fatal(err)
	}
	nonce := func() string { return "N" }
	stamped := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-07T00:00:00Z"}, {Key: "vcs.modified", Value: "false"}}}
	unstamped := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	sum := sha256.Sum256([]byte("not an ELF file"))
	for _, bi := range []*debug.BuildInfo{stamped, unstamped, nil} {
		got := identifyBuild(bi, exe, nonce)
		if !strings.HasSuffix(got, " sha256:"+hex.EncodeToString(sum[:])) {
			t.Errorf("%v: %q, want the executable's SHA-256", bi, got)
		}
		if got == identifyBuild(bi, other, nonce) {
			t.Errorf("%v: two different executables identified alike: %q", bi, got)
		}
	}
	if got, want := identifyBuild(stamped, exe, nonce), "(devel) abc123 2026-12-07T00:00:00Z false sha256:"; !strings.HasPrefix(got, want) {
		t.Errorf("a stamped build: %q, want its stamp first (%q...)", got, want)
	}
	if got := identifyBuild(unstamped, filepath.Join(dir, "gone"), nonce); got != "(devel) process:N" {
		t.Errorf("an unreadable executable: %q, want the process's own value", got)
	}
}

// goBuildIDNote builds a note as the Go linker writes it.
func goBuildIDNote(order binary.AppendByteOrder, id string) []byte {
	note := order.AppendUint32(nil, 4)
	note = order.AppendUint32(note, uint32(len(id)))
	note = order.AppendUint32(note, 4)
	note = append(note, "Go\x00\x00"...)
	return append(note, id...)
}

func TestParseGoBuildIDNote(t *testing.T) {
	for _, order := range []interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}{binary.LittleEndian, binary.BigEndian} {
		note := goBuildIDNote(order, "abc/def")
		if got, err := parseGoBuildIDNote(append(note, 0, 0), order); err != nil || got != "abc/def" {
			t.Errorf("%v: got %q, %v", order, got, err)
		}
		for _, bad := range [][]byte{nil, note[:15], note[:len(note)-1], goBuildIDNote(order, "")} {
			if got, err := parseGoBuildIDNote(bad, order); err == nil {
				t.Errorf("%v: %x read as %q", order, bad, got)
			}
		}
		other := append([]byte{}, note...)
		copy(other[12:], "GNU\x00")
		if _, err := parseGoBuildIDNote(other, order); err == nil {
			t.Errorf("%v: a GNU note read as a Go build ID", order)
		}
	}
}

// FuzzParseGoBuildIDNote: any bytes give the note's description as the
// build ID, or an error; never a panic.
func FuzzParseGoBuildIDNote(f *testing.F) {
	f.Add(goBuildIDNote(binary.LittleEndian, "abc/def"))
	f.Add([]byte{4, 0, 0, 0, 255, 255, 255, 255, 4, 0, 0, 0, 'G', 'o', 0, 0})
	f.Fuzz(func(t *testing.T, note []byte) {
		id, err := parseGoBuildIDNote(note, binary.LittleEndian)
		if err != nil {
			return
		}
		if n := binary.LittleEndian.Uint32(note[4:]); id == "" || id != string(note[16:16+n]) {
			t.Errorf("%x: read %q, not the note's description", note, id)
		}
	})
}
