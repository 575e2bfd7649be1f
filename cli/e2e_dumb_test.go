package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EDumbTerminalWalk walks the real binary at 80x24 on a terminal
// without colour or reverse video (TERM=dumb, NO_COLOR=1), as issue 17's
// defect 6 and the walk it asks for: every selection must show as a
// character, not only as video attributes. On the demo directory: the
// Welcome choice is marked; the browser opens on the field's base with the
// cursor marked, a base is picked by that mark; the Preview's active tab is
// bracketed and the bracket follows → to the next tab. Nothing is coloured.
func TestE2EDumbTerminalWalk(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	env := []string{"TERM=dumb", "NO_COLOR=1", "XDG_CACHE_HOME=" + t.TempDir()}
	s := startTmux(t, dir, 80, 24, env, []string{"LDAPWIZ_CONFIG", "COLORTERM"}, bin, "--demo", "-c", cfg)

	s.waitFor("the Welcome list with its marked choice", "▸ New: OpenLDAP")
	noColour(t, s, "Welcome")
	s.keys("Enter")
	s.waitFor("the Connection screen", "Step 2 of 9: Connection")
	s.keys("C-t")
	s.waitMatch("the connection test to pass", testPassed)

	// Users: the browser opens on the field's base, its cursor marked "›".
	s.keys("C-n")
	s.waitFor("the Users screen with a live count", "Step 3 of 9: Users", "✓ matches 520 users")
	s.openBrowser("users.search_base", "ou=people,dc=example,dc=com")
	s.waitMatch("the cursor's mark on the field's base", regexp.MustCompile(`(?m)^› .*ou=people`))
	s.keys("Right")
	s.waitFor("the children of ou=people", "ou=engineering")
	s.browseTo("ou=engineering,ou=people,dc=example,dc=com")
	s.waitMatch("the cursor's mark on ou=engineering", regexp.MustCompile(`(?m)^› .*ou=engineering`))
	noColour(t, s, "the browser")
	s.keys("Enter")
	s.waitMatch("the picked base", regexp.MustCompile(`(?s)✓ matches \d+ users.*Where users are\s+ou=engineering,ou=people,dc=example,dc=com`))

	// Preview: the active tab is bracketed; → moves the bracket.
	s.nextScreens("Step 4 of 9: Groups", "Step 5 of 9: Sync", "Step 6 of 9: Enrollment", "Step 7 of 9: Review", "Step 8 of 9: Preview")
	sc := s.waitMatch("the plan with its first tab marked", regexp.MustCompile(`\[(Creates?|Cre) \d[\d,]*\]`))
	first := sc[1]
	s.keys("Right")
	s.waitMatch("the bracket on the next tab", regexp.MustCompile(`\[(Updates?|Upd) \d[\d,]*\]`))
	if strings.Contains(s.screen(), "["+first+" ") {
		t.Errorf("two tabs are marked:\n%s", frame(s.last))
	}
	noColour(t, s, "the Preview")

	s.keys("C-c")
	s.waitFor("the unsaved-changes question", "d discard")
	s.keys("d")
	s.waitFor("the wizard to end", exitMarker+"0")
}

// noColour fails when the screen on show has colour.
func noColour(t *testing.T, s *tmuxSession, where string) {
	t.Helper()
	if sc := s.styledScreen(); hasColour(sc) {
		t.Errorf("%s: TERM=dumb NO_COLOR=1 but the screen has colour:\n%q", where, sc)
	}
}
