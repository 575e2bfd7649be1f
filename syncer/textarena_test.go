package syncer

import (
	"bytes"
	"fmt"
	"testing"
)

// The arena's copies hold what was kept, whatever is kept after them or
// appended to them, and share chunks: a few allocations for many texts.
func TestTextArenaKeepsCopies(t *testing.T) {
	var a textArena
	var kept [][]byte
	var want []string
	scratch := []byte{}
	for i := range 5000 {
		scratch = fmt.Appendf(scratch[:0], `{"reason":"change %d"}`, i)
		kept = append(kept, a.keep(scratch))
		want = append(want, string(scratch))
	}
	big := bytes.Repeat([]byte("x"), arenaChunk)
	kept = append(kept, a.keep(big))
	want = append(want, string(big))
	_ = append(kept[0], "overwrite?"...) // the copy's capacity ends at its length
	for i := range kept {
		if string(kept[i]) != want[i] {
			t.Fatalf("text %d is %q, want %q", i, kept[i], want[i])
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		var b textArena
		for range 1000 {
			b.keep(scratch)
		}
	})
	if allocs > 1 { // 1,000 texts of 22 bytes: one chunk
		t.Errorf("%v allocations for 1,000 short texts, want 1", allocs)
	}
}
