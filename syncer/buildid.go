package syncer

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
)

// buildID identifies the ldapwiz build, so that another version plans
// afresh rather than repeat this one's result (quietKey): the module's
// version and VCS stamp from its build information, and the Go build ID
// of the running executable, which changes with anything that changes
// the binary. A build without a VCS stamp (from a source archive, or with
// -buildvcs=false) has the same build information whatever its code; the
// build ID still tells two such builds apart.
func buildID() string {
	id := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		id = bi.Main.Version
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" || kv.Key == "vcs.time" || kv.Key == "vcs.modified" {
				id += " " + kv.Value
			}
		}
	}
	if g, err := goBuildID(runningExecutable()); err == nil {
		id += " " + g
	}
	return id
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
