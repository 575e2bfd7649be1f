package ui

import "strings"

// diffOp is how a line of a line diff relates the old text to the new.
type diffOp byte

// Diff operations.
const (
	diffSame diffOp = ' '
	diffAdd  diffOp = '+'
	diffDel  diffOp = '-'
)

// diffLine is one line of a line diff.
type diffLine struct {
	Op   diffOp
	Text string
}

// lineDiff compares two texts line by line with a longest common
// subsequence and returns every line of both, in order, marked same, added
// or removed. Config files are a few hundred lines, so the quadratic table
// is small.
func lineDiff(oldText, newText string) []diffLine {
	a, b := splitLines(oldText), splitLines(newText)
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := make([]diffLine, 0, max(n, m))
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffLine{diffSame, a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, diffLine{diffDel, a[i]})
			i++
		default:
			out = append(out, diffLine{diffAdd, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffLine{diffDel, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffLine{diffAdd, b[j]})
	}
	return out
}

// splitLines splits text into lines without a trailing empty one.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diffStats counts added and removed lines.
func diffStats(d []diffLine) (added, removed int) {
	for _, l := range d {
		switch l.Op {
		case diffAdd:
			added++
		case diffDel:
			removed++
		}
	}
	return added, removed
}
