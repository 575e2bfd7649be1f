package syncer

import "bytes"

// textArena keeps copies of byte slices in shared chunks, so that many
// short texts kept together (a batch's change details: a first import
// writes 100,000) are a few allocations rather than one or more each.
type textArena struct {
	chunk []byte
}

// arenaChunk is the size of a chunk: a batch's worth of short texts.
const arenaChunk = 64 << 10

// keep returns a copy of b held in the arena (a text over a quarter of a
// chunk gets an allocation of its own). The copy's capacity ends at its
// length: appending to it reallocates rather than overwriting the next.
func (t *textArena) keep(b []byte) []byte {
	if len(b) > cap(t.chunk)-len(t.chunk) {
		if len(b) > arenaChunk/4 {
			return bytes.Clone(b)
		}
		t.chunk = make([]byte, 0, arenaChunk)
	}
	start := len(t.chunk)
	t.chunk = append(t.chunk, b...)
	return t.chunk[start:len(t.chunk):len(t.chunk)]
}
