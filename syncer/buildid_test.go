package syncer

import (
	"encoding/binary"
	"os"
	"os/exec"
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
	if id := buildID(); !strings.HasSuffix(id, " "+want) {
		t.Errorf("buildID() = %q, without the build ID %q", id, want)
	}
	if _, err := goBuildID("/dev/null"); err == nil {
		t.Error("goBuildID read a build ID from /dev/null")
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

// FuzzParseGoBuildIDNote: any bytes give a build ID within them or an
// error, never a panic.
func FuzzParseGoBuildIDNote(f *testing.F) {
	f.Add(goBuildIDNote(binary.LittleEndian, "abc/def"))
	f.Add([]byte{4, 0, 0, 0, 255, 255, 255, 255, 4, 0, 0, 0, 'G', 'o', 0, 0})
	f.Fuzz(func(t *testing.T, note []byte) {
		id, err := parseGoBuildIDNote(note, binary.LittleEndian)
		if err == nil && (id == "" || !strings.Contains(string(note[16:]), id)) {
			t.Errorf("%x: read %q", note, id)
		}
	})
}
