package syncer

import (
	"slices"
	"testing"
)

func TestChunkedKeepsOrderAndCount(t *testing.T) {
	for _, tc := range []struct{ hint, n int }{{0, 0}, {0, 1}, {0, chunkLen}, {0, chunkLen + 1}, {0, 3*chunkLen + 7}, {10000, 10000}, {10000, 10001}, {10000, 3}} {
		c := newChunked[int](tc.hint)
		want := make([]int, 0, tc.n)
		for i := range tc.n {
			c.add(i)
			want = append(want, i)
		}
		got := c.list()
		if !slices.Equal(got, want) {
			t.Errorf("hint %d, %d values: got %d values, not in order", tc.hint, tc.n, len(got))
		}
		if tc.n > chunkLen && tc.n > tc.hint && cap(got) != tc.n {
			t.Errorf("hint %d, %d values: copied into a slice of capacity %d, want exactly %d", tc.hint, tc.n, cap(got), tc.n)
		}
	}
}

func TestChunkedHintedListIsNotCopied(t *testing.T) {
	c := newChunked[int](5000)
	first := &c.cur[:1][0]
	for i := range 5000 {
		c.add(i)
	}
	if got := c.list(); &got[0] != first {
		t.Error("a list within its hint was copied")
	}
}
