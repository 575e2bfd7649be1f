package bench

import "testing"

// TestLargestLive: largestLive reads the live heap, the last of a gctrace
// line's three sizes, and keeps the largest; other lines on stderr do not
// count. A live heap under 1 MB shows as 0, one not measured as "–".
func TestLargestLive(t *testing.T) {
	stderr := []byte("reading the directory: 500 entries\n" +
		"gc 1 @0.024s 2%: 0.14+3.6+0.055 ms clock, 0.28+0.59/0.48/0+0.11 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 7 @0.512s 9%: 0.1+21+0.04 ms clock, 0.2+3/20/0+0.08 ms cpu, 120->131->87 MB, 140 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 8 @0.9s 9% (forced): 0.1+9+0.04 ms clock, 0.2+3/8/0+0.08 ms cpu, 90->90->12 MB, 174 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"planned 99 changes; gc 9 of 200->300->400 MB is not a trace line\n")
	if got := largestLive(stderr); got != 87 {
		t.Errorf("largestLive = %v, want 87", got)
	}
	if got := largestLive([]byte("no trace\n")); got != unmeasured {
		t.Errorf("largestLive without a trace = %v, want unmeasured", got)
	}
	if got := megabytes(largestLive([]byte("gc 1 @0.01s 1%: 0.1+1+0.01 ms clock, 0.2+0/1/0+0.02 ms cpu, 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")), 0); got != "0" {
		t.Errorf("a live heap under 1 MB shows as %q, want 0", got)
	}
	if got := megabytes(unmeasured, 1); got != "–" {
		t.Errorf("an unmeasured size shows as %q", got)
	}
}

// TestSaidDropsTheGCTrace: an error quotes what the command said, not the
// collector's trace lines around it.
func TestSaidDropsTheGCTrace(t *testing.T) {
	stderr := []byte("gc 1 @0.024s 2%: 0.14+3.6+0.055 ms clock, 3->4->1 MB, 4 MB goal, 2 P\n" +
		"ldapwiz: connect to the directory: refused\n" +
		"gc 2 @0.030s 2%: 0.1+1+0.04 ms clock, 4->4->1 MB, 4 MB goal, 2 P\n")
	if got, want := said(stderr), "ldapwiz: connect to the directory: refused\n"; got != want {
		t.Errorf("said = %q, want %q", got, want)
	}
}

// TestCollectorCPU: collectorCPU sums every part of each gctrace line's CPU
// times (the two stops, the assists, the background and idle workers),
// in seconds; without a trace it is unmeasured.
func TestCollectorCPU(t *testing.T) {
	stderr := []byte("reading the directory: 500 entries\n" +
		"gc 1 @0.024s 2%: 0.14+3.6+0.055 ms clock, 0.28+0.59/0.48/0+0.11 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 8 @0.9s 9% (forced): 0.1+9+0.04 ms clock, 0.2+3/8/10.5+0.08 ms cpu, 90->90->12 MB, 174 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"planned 99 changes; 1+2/3/4+5 ms cpu is not a trace line\n")
	want := (0.28 + 0.59 + 0.48 + 0 + 0.11 + 0.2 + 3 + 8 + 10.5 + 0.08) / 1000
	if got := collectorCPU(stderr); got < want-1e-9 || got > want+1e-9 {
		t.Errorf("collectorCPU = %v, want %v", got, want)
	}
	if got := collectorCPU([]byte("no trace\n")); got != unmeasured {
		t.Errorf("collectorCPU without a trace = %v, want unmeasured", got)
	}
	if got := seconds(unmeasured); got != "–" {
		t.Errorf("an unmeasured time shows as %q", got)
	}
}
