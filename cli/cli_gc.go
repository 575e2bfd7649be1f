package cli

import "runtime/debug"

// gcPercent is the garbage collector's target (GOGC) ldapwiz runs with
// unless the environment sets GOGC: the heap may grow by half of what is
// live before a collection, not by all of it (Go's default, 100).
//
// A sync or preview that reads both sides whole holds them, and then the
// plan, until it ends: most of its heap is live from the read on. While an
// import writes 100,000 users, the default let the heap grow from about
// 100 MB live to 190 MB between collections; at 50 it stays under about
// 145 MB (the peak RSS went from 235 to 185 MB), for about 1% more CPU: a
// collection there costs about 20 ms, since the snapshot is mostly
// pointer-free text. Measured, with GOGC=50 and without, in README's
// "Performance".
const gcPercent = 50

// tuneGC sets the collector's target to gcPercent unless lookup (the
// process's os.LookupEnv) finds GOGC set, which the Go runtime has
// already applied; it reports whether it set it.
func tuneGC(lookup func(string) (string, bool)) bool {
	if _, set := lookup("GOGC"); set {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}
