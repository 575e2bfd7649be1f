package syncer

import (
	"crypto/rand"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// buildID identifies the running ldapwiz build, so that another build
// plans afresh rather than repeat this one's result (quietKey). It is
// worked out once per process and kept: every session of a served wizard
// runs the same build, and a process-only identity (identifyBuild's last
// resort) must stay the same for the process's own runs.
var buildID = sync.OnceValue(func() string {
	bi, _ := debug.ReadBuildInfo()
	return identifyBuild(bi, runningExecutable(), rand.Text)
})

// Outside Linux the executable is read by its path, which an upgrade in
// place may point at a newer build while this process runs: it is read
// when the process starts.
func init() {
	if runtime.GOOS != "linux" {
		buildID()
	}
}

// identifyBuild identifies the build described by bi (nil when unknown)
// whose executable is at exe: its module version and VCS stamp, and what
// tells its code apart from another build's:
//   - the Go build ID the linker writes into the executable, which changes
//     with anything that changes the binary;
//   - without one (not ELF, or linked with -buildid=), the SHA-256 of the
//     executable;
//   - and when that cannot be read either, nonce(): a value of this process
//     alone, so that no other process's quiet mark ever matches.
func identifyBuild(bi *debug.BuildInfo, exe string, nonce func() string) string {
	id := ""
	if bi != nil {
		id = bi.Main.Version
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision", "vcs.time", "vcs.modified":
				id += " " + kv.Value
			}
		}
	}
	if g, err := goBuildID(exe); err == nil {
		return id + " go:" + g
	}
	if h, err := fileDigest(exe); err == nil {
		return id + " sha256:" + h
	}
	return id + " process:" + nonce()
}

// runningExecutable is the path of the executable this process runs:
// on Linux /proc/self/exe, which opens the running image even after the
// file was replaced (an upgrade in place); elsewhere os.Executable.
func runningExecutable() string {
	if runtime.GOOS == "linux" {
		return "/proc/self/exe"
	}
	p, _ := os.Executable()
	return p
}

// fileDigest is the SHA-256 of the file at path, in hex.
func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// goBuildID reads the Go build ID the Go linker writes into the ELF
// executable at path (its .note.go.buildid note).
func goBuildID(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return "", errors.New("no Go build ID note")
	}
	data, err := s.Data()
	if err != nil {
		return "", err
	}
	return parseGoBuildIDNote(data, f.ByteOrder)
}

// parseGoBuildIDNote reads an ELF note holding a Go build ID: name size,
// description size and type (4 bytes each, in the file's byte order), the
// name "Go" padded to 4 bytes, then the build ID as the description.
func parseGoBuildIDNote(note []byte, order binary.ByteOrder) (string, error) {
	const goBuildIDType = 4 // the type the Go linker gives the note
	if len(note) < 16 {
		return "", errors.New("the Go build ID note is too short")
	}
	nameSize, descSize, typ := order.Uint32(note), order.Uint32(note[4:]), order.Uint32(note[8:])
	if nameSize != 4 || typ != goBuildIDType || string(note[12:16]) != "Go\x00\x00" {
		return "", errors.New("not a Go build ID note")
	}
	desc := note[16:]
	if uint64(descSize) > uint64(len(desc)) || descSize == 0 {
		return "", errors.New("the Go build ID note is cut short")
	}
	return string(desc[:descSize]), nil
}
