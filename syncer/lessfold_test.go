package syncer

import (
	"strings"
	"testing"
)

func FuzzLessFold(f *testing.F) {
	for _, p := range [][2]string{{"alice", "Bob"}, {"ab", "abc"}, {"ABC", "abc"}, {"a", "a\u0130"}, {"İ", "i"}, {"ſ", "s"}, {"z", "Ω"}, {"", "a"}, {"a\xff", "a"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := lessFold(a, b), strings.ToLower(a) < strings.ToLower(b); got != want {
			t.Errorf("lessFold(%q, %q) = %v, strings.ToLower says %v", a, b, got, want)
		}
	})
}
