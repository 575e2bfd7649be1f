package cli

import (
	"runtime/debug"
	"testing"
)

// ldapwiz collects at gcPercent unless GOGC is set, which it leaves to
// the runtime.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	unset := func(string) (string, bool) { return "", false }
	if !tuneGC(unset) {
		t.Error("tuneGC did not set the target with GOGC unset")
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("with GOGC unset the target is %d, want %d", got, gcPercent)
	}
	set := func(k string) (string, bool) { return "200", k == "GOGC" }
	if tuneGC(set) {
		t.Error("tuneGC set the target although GOGC is set")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set the target is %d, want the runtime's (100 here)", got)
	}
}
