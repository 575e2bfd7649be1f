package syncer

import "testing"

func TestChunkedKeepsOrderAndCount(t *testing.T) {
	for _, tc := range []struct{ hint, n int }{{0, 0}, {0, 1}, {0, chunkLen}, {0, chunkLen + 1}, {0, 3*chunkLen + 7}, {10000, 10000}, {10000, 10001}, {10000, 3}, {3, 3}, {3, 4}} {
		c := newChunked[int](tc.hint)
		for i := range tc.n {
			c.add(i)
		}
		got := c.pointers()
		if len(got) != tc.n || cap(got) != tc.n {
			t.Errorf("hint %d, %d values: got %d pointers (capacity %d)", tc.hint, tc.n, len(got), cap(got))
			continue
		}
		for i, p := range got {
			if *p != i {
				t.Errorf("hint %d, %d values: value %d is %d, not in order", tc.hint, tc.n, i, *p)
				break
			}
		}
		if tc.n == 0 && got != nil {
			t.Errorf("hint %d, no values: got a list, want nil", tc.hint)
		}
	}
}

// TestChunkedValuesStayPut: the pointers point at the values where they
// were added (nothing is copied), and chunks hold what they were sized
// for, the first allocated only with the first value.
func TestChunkedValuesStayPut(t *testing.T) {
	c := newChunked[int](5000)
	if c.cur != nil {
		t.Fatal("a chunk was allocated before any value")
	}
	c.add(0)
	first := &c.cur[0]
	for i := 1; i < 5000+chunkLen+1; i++ {
		c.add(i)
	}
	if len(c.full) != 2 || cap(c.full[0]) != 5000 || cap(c.full[1]) != chunkLen {
		t.Fatalf("chunks of %d values, want 5000 then %d", len(c.full), chunkLen)
	}
	last := &c.cur[0]
	got := c.pointers()
	if got[0] != first || got[5000+chunkLen] != last {
		t.Error("the values were moved")
	}
	if c.n != 0 || c.full != nil || c.cur != nil {
		t.Error("pointers did not empty the list")
	}
}
