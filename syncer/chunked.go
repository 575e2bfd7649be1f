package syncer

// chunkLen is how many values a chunked list holds per chunk when it has
// no size hint.
const chunkLen = 4096

// chunked collects values of a list whose length is not known up front in
// chunks, so that it never grows by copying: one slice of 100,000
// directory users appended to one at a time is reallocated about forty
// times, allocating about five times its final size in all. list returns
// them in one slice of exactly their number.
type chunked[T any] struct {
	full [][]T // chunks filled, in order
	cur  []T   // the chunk being filled
	n    int   // values added
}

// newChunked returns a list whose first chunk has room for hint values
// (when hint is positive: a list expected to hold about that many is then
// returned without copying).
func newChunked[T any](hint int) *chunked[T] {
	return &chunked[T]{cur: make([]T, 0, max(hint, chunkLen))}
}

// add appends v.
func (c *chunked[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		c.full = append(c.full, c.cur)
		c.cur = make([]T, 0, chunkLen)
	}
	c.cur = append(c.cur, v)
	c.n++
}

// list returns the values added, in order, and empties c.
func (c *chunked[T]) list() []T {
	if len(c.full) == 0 {
		out := c.cur
		c.cur = nil
		return out
	}
	out := make([]T, 0, c.n)
	for i, ch := range c.full {
		out = appendInSteps(out, ch)
		c.full[i] = nil // free to go while the rest is copied
	}
	out = appendInSteps(out, c.cur)
	c.full, c.cur, c.n = nil, nil, 0
	return out
}

// copyStep is how many values appendInSteps copies at a time.
const copyStep = 64

// appendInSteps appends vals to out a few at a time. One copy of a whole
// chunk of values holding pointers cannot be preempted: when the garbage
// collector runs meanwhile (the allocation of the list often starts it),
// it spins trying to stop the goroutine for as long as the copy takes,
// which cost a preview of 100,000 users about a fifth of its CPU.
func appendInSteps[T any](out, vals []T) []T {
	for len(vals) > 0 {
		n := min(len(vals), copyStep)
		out = append(out, vals[:n]...)
		vals = vals[n:]
	}
	return out
}
