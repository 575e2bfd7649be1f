package ui

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusWrapsAndUnsavedStays (issue 17, defect 8): at 80x24 a long
// status message wraps instead of losing its end, and a long config path
// gives way from its start so that "● unsaved" stays on show.
func TestStatusWrapsAndUnsavedStays(t *testing.T) {
	path := filepath.Join(strings.Repeat("a-long-directory-name/", 5), "ldapwiz.toml")
	d := newDriver(t, Options{Path: path}, 80, 24)
	d.keys("enter") // a preset: the settings are new, so unsaved
	d.m.setStatus("Applied what the test found; search bases that were inside the directory kept. ctrl+z undoes.", true)
	d.contains("● unsaved", "…", "ldapwiz.toml", "ctrl+z undoes.")
	for i, l := range strings.Split(d.screen(), "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " "), "…") && i > 0 {
			t.Errorf("line %d is cut: %q", i, l)
		}
	}
}
