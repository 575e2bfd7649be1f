package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// TestOtherScreensShowWholeTextAt80x24 (issue 17, defect 8): at 80x24 the
// screens that are not forms cut no line either: Welcome, Review with its
// problems and the file, Preview blocked by errors and Preview with a
// plan (its guard, counts and rows), Run before and after a run that the
// guard refused.
func TestOtherScreensShowWholeTextAt80x24(t *testing.T) {
	noCut := func(t *testing.T, d *driver, where string) {
		t.Helper()
		for i, l := range strings.Split(d.screen(), "\n") {
			if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
				t.Fatalf("%s: line %d is cut: %q\n%s", where, i, l, d.screen())
			}
		}
	}
	// A new file: Welcome, then Review and Preview with the preset's errors.
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	noCut(t, d, "Welcome")
	d.keys("enter")
	d.gotoScreen(wizard.ScreenReview)
	noCut(t, d, "Review")
	for range 30 {
		d.keys("pgdown")
		noCut(t, d, "Review, scrolled")
	}
	d.gotoScreen(wizard.ScreenPreview)
	d.contains("a preview needs them fixed")
	noCut(t, d, "Preview with errors")

	// Against the demo: a store whose 500-odd users the directory no longer
	// returns makes the guard speak; the plan, its guard and Run's refusal
	// show whole.
	s := startDemo(t, false)
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d = newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenPreview)
	noCut(t, d, "Preview of a first import")
	d.gotoScreen(wizard.ScreenRun)
	noCut(t, d, "Run")
	d.keys("enter", "y")
	noCut(t, d, "Run summary")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.filter", "(uid=user1)")
	d.gotoScreen(wizard.ScreenPreview)
	d.contains("A sync would be refused")
	noCut(t, d, "Preview with the guard")
	d.keys("ctrl+s") // a run reads the saved settings
	d.gotoScreen(wizard.ScreenRun)
	d.keys("enter", "y")
	d.contains("Refused before any change")
	noCut(t, d, "Run refused")
	d.keys("f")
	d.contains("Run with force?")
	noCut(t, d, "force dialog")
}
