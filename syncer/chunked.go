package syncer

// chunkLen is how many values a chunked list holds per chunk when it has
// no size hint.
const chunkLen = 4096

// chunked collects values of a list whose length is not known up front in
// chunks, so that it never grows by copying: one slice of 100,000
// directory users appended to one at a time is reallocated about forty
// times, allocating about five times its final size in all, and even
// one copy into a slice of the final size costs a preview of a first
// import about a twentieth of its CPU (fresh memory, written while the
// collector runs). The values stay where they were added; pointers lists
// them.
type chunked[T any] struct {
	full [][]T // chunks filled, in order
	cur  []T   // the chunk being filled
	n    int   // values added
	hint int   // the first chunk's size, allocated with the first value
}

// newChunked returns a list whose first chunk will have room for hint
// values when hint is positive (a list expected to hold about that many
// is then one chunk), or for chunkLen. Nothing is allocated before the
// first value is added.
func newChunked[T any](hint int) *chunked[T] {
	if hint <= 0 {
		hint = chunkLen
	}
	return &chunked[T]{hint: hint}
}

// add appends v.
func (c *chunked[T]) add(v T) { *c.grow() = v }

// grow appends a zero value and returns it, to be filled in where it lies
// (a value built elsewhere and added would often be allocated on its own
// first, then copied).
func (c *chunked[T]) grow() *T {
	switch {
	case c.cur == nil:
		c.cur = make([]T, 0, c.hint)
	case len(c.cur) == cap(c.cur):
		c.full = append(c.full, c.cur)
		c.cur = make([]T, 0, chunkLen)
	}
	var zero T
	c.cur = append(c.cur, zero)
	c.n++
	return &c.cur[len(c.cur)-1]
}

// pointers returns a pointer to each value added, in order (nil when none
// was), and empties c. The values are not moved: they stay in c's chunks,
// alive for as long as one of them is referenced.
func (c *chunked[T]) pointers() []*T {
	if c.n == 0 {
		c.full, c.cur = nil, nil
		return nil
	}
	out := make([]*T, 0, c.n)
	for _, ch := range append(c.full, c.cur) {
		for i := range ch {
			out = append(out, &ch[i])
		}
	}
	c.full, c.cur, c.n = nil, nil, 0
	return out
}
