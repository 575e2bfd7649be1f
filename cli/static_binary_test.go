package cli

import (
	"debug/elf"
	"testing"
)

// TestBinaryIsStatic builds ldapwiz as README says to and checks that it
// is one static binary: no program interpreter and no shared library,
// so nothing it imports needs cgo.
func TestBinaryIsStatic(t *testing.T) {
	bin := buildBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("open the built binary: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary names a program interpreter: it is dynamically linked")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatalf("read the binary's shared libraries: %v", err)
	}
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v: something it imports needs cgo", libs)
	}
}
