package ui

import (
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// TestEveryFieldIsOnTheScreenScreenForNames holds the wizard's one
// setting→screen map (wizard.ScreenFor, used by validation problems and
// Review's jumps) against where each field really is, so the two cannot
// drift: a problem with store.path must lead to the screen that edits it.
func TestEveryFieldIsOnTheScreenScreenForNames(t *testing.T) {
	m := New(Options{Settings: wizard.Default()})
	seen := 0
	for _, sc := range m.screens {
		fs, ok := sc.(formed)
		if !ok {
			continue
		}
		screen := sc.id()
		for _, fl := range fs.form().fields {
			if strings.HasPrefix(fl.Key, "ui.") {
				continue // buttons and choices that are not settings
			}
			seen++
			if got := wizard.ScreenFor(fl.Key); got != screen {
				t.Errorf("%s is edited on %s, but wizard.ScreenFor says %s", fl.Key, screen, got)
			}
		}
	}
	if seen < 30 {
		t.Fatalf("only %d setting fields found; the walk is broken", seen)
	}
	if got := wizard.ScreenFor("store.path"); got != wizard.ScreenSync {
		t.Fatalf("store.path problems point at %s", got)
	}
}
