package cli

// e2e_tmux_test.go: the machinery of the end-to-end tests: build the
// binary, make sure tmux is there, and drive a program in a detached tmux
// session the way a person at a terminal would (send keys, read the screen).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/harness"
)

// buildBinary builds ldapwiz into a temporary directory, as README says
// to (CGO_ENABLED=0: one static binary), and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ldapwiz")
	// By import path: the main package is the module's root, wherever the
	// tests live.
	cmd := exec.Command("go", "build", "-o", bin, "ldapwiz")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build failed: %v\n%s", err, out)
	}
	return bin
}

// ensureTmux installs tmux with apt-get when it is missing, under the same
// cross-process lock as the test-server harnesses. It fails the test (never
// skips) when tmux cannot be had.
func ensureTmux(t *testing.T) {
	t.Helper()
	ensureApt(t, "the end-to-end tests", []string{"tmux"}, "tmux")
}

// ensureApt makes sure every program in progs (a name looked up on PATH, or
// an absolute path) is there, installing pkgs with apt-get under the
// cross-process apt lock when one is missing. It fails the test (never
// skips), naming who needs them, when they cannot be had.
func ensureApt(t *testing.T, who string, progs []string, pkgs ...string) {
	t.Helper()
	harness.Apt{Who: who, Packages: pkgs, Missing: func() []string {
		var missing []string
		for _, p := range progs {
			if _, err := exec.LookPath(p); err != nil {
				missing = append(missing, p)
			}
		}
		return missing
	}}.Ensure(t)
}

// tmuxSession is a program running in a detached tmux session of its own
// (a private tmux server on its own socket), 80x24 unless told otherwise.
type tmuxSession struct {
	t    *testing.T
	sock string
	last string // the last screen read, for failure messages
}

// exitMarker is printed by the session's shell when the program ends.
const exitMarker = "ldapwiz exited with status "

// startTmux runs argv in dir inside a new detached tmux session of w x h,
// with env (NAME=value) added to its environment and unset (names) removed.
// When argv ends, the shell prints exitMarker and the status and waits, so
// the last screen and the status stay readable. The session's server is
// killed when the test ends.
func startTmux(t *testing.T, dir string, w, h int, env, unset []string, argv ...string) *tmuxSession {
	t.Helper()
	ensureTmux(t)
	sockDir, err := os.MkdirTemp("", "lwtmux") // short: socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, sock: filepath.Join(sockDir, "sock")}
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-S", s.sock, "kill-server").Run()
		_ = os.RemoveAll(sockDir)
	})
	cmdline := []string{"env"}
	for _, u := range unset {
		cmdline = append(cmdline, "-u", u)
	}
	cmdline = append(append(cmdline, env...), argv...)
	script := shellJoin(cmdline) + `; echo "` + exitMarker + `$?"; sleep 3600`
	args := []string{"-S", s.sock, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", dir, script}
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session failed: %v\n%s", err, out)
	}
	return s
}

// shellJoin quotes words for sh.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// tmux runs a tmux command against the session's server.
func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s\nlast screen:\n%s", strings.Join(args, " "), err, out, s.last)
	}
	return string(out)
}

// keys sends key names as tmux knows them: Enter, Tab, Down, C-t, Space,
// BSpace, each once and in order. The terminal keeps them in order, so no
// pause is needed between them; a caller that needs a key's effect before
// the next key waits for that effect on the screen.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		s.tmux("send-keys", "-t", "e2e", k)
	}
}

// typeText types text literally.
func (s *tmuxSession) typeText(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "e2e", "-l", text)
}

// screen reads the visible screen as plain text.
func (s *tmuxSession) screen() string {
	s.t.Helper()
	s.last = s.tmux("capture-pane", "-p", "-t", "e2e")
	return s.last
}

// styledScreen reads the visible screen with its SGR escape sequences.
func (s *tmuxSession) styledScreen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-e", "-t", "e2e")
}

// waitTimeout bounds every wait for the screen. It is long (a loaded
// machine can take seconds to answer a key) because no wait ever retries:
// a wait that runs out fails the test with the screen.
const waitTimeout = 60 * time.Second

// waitFor polls the screen until every text appears on it at once, and
// returns that screen; after waitTimeout it fails with the last screen.
func (s *tmuxSession) waitFor(what string, texts ...string) string {
	s.t.Helper()
	return s.waitUntil(what, func(sc string) bool {
		for _, x := range texts {
			if !strings.Contains(sc, x) {
				return false
			}
		}
		return true
	})
}

// waitMatch polls the screen until re matches, and returns the submatches.
func (s *tmuxSession) waitMatch(what string, re *regexp.Regexp) []string {
	s.t.Helper()
	var m []string
	s.waitUntil(what, func(sc string) bool {
		m = re.FindStringSubmatch(sc)
		return m != nil
	})
	return m
}

// waitUntil polls the screen until ok accepts it.
func (s *tmuxSession) waitUntil(what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		sc := s.screen()
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for %s; the screen is:\n%s", waitTimeout, what, frame(sc))
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// focusField presses key until the focused field (the line marked "▸ ")
// is the one labelled label, as a person tabs through a form. It presses
// the key once, then waits for the mark to name another field before it
// looks again: a key is never sent twice for one move, and a move that
// never shows fails the test with the screen. The field is told by its
// label, not by its whole line: the value part changes on its own (the
// cursor blinks, text typed before the key is still being drawn, a count
// or a check arrives), and such a change is not the focus moving.
func (s *tmuxSession) focusField(label, key string) {
	s.t.Helper()
	seen := map[string]bool{}
	now := s.waitSettled("the focus mark on a field", focusedLabel, func(l string) bool { return l != "" })
	for !labelIs(now, label) {
		if seen[now] {
			s.t.Fatalf("%s went round the form without reaching %q; the screen is:\n%s", key, label, frame(s.last))
		}
		seen[now] = true
		s.keys(key)
		before := now
		now = s.waitSettled(fmt.Sprintf("%s to move the focus off %q (on the way to %q)", key, before, label), focusedLabel,
			func(l string) bool { return l != "" && l != before })
	}
}

// waitSettled polls the screen until part (a piece of the screen: the
// focused label, the DN under the browser's cursor) reads the same twice in
// a row and ok accepts it, and returns it. A read that lands in the middle
// of a redraw thus never decides whether a key took effect or whether
// another key is needed.
func (s *tmuxSession) waitSettled(what string, part func(string) string, ok func(string) bool) string {
	s.t.Helper()
	prev, first := "", true
	s.waitUntil(what, func(sc string) bool {
		p := part(sc)
		settled := !first && p == prev && ok(p)
		prev, first = p, false
		return settled
	})
	return prev
}

// labelIs reports whether a focused label is label, also when the form
// truncated a long label to its column ("Password for th…").
func labelIs(focused, label string) bool {
	if focused == label {
		return true
	}
	cut, ok := strings.CutSuffix(focused, "…")
	return ok && cut != "" && strings.HasPrefix(label, cut)
}

// focusedLine is the screen line that carries the focus mark "▸ ".
func focusedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "▸ ") {
			return l
		}
	}
	return ""
}

// focusedLabel is the label of the focused field: the text after the focus
// mark up to the gap before the value (labels are padded to their column,
// so at least two blanks follow them), or a button's caption.
func focusedLabel(screen string) string {
	l := focusedLine(screen)
	_, after, ok := strings.Cut(l, "▸ ")
	if !ok {
		return ""
	}
	after = strings.TrimRight(after, " ")
	if b, ok := strings.CutPrefix(after, "[ "); ok {
		if caption, ok := strings.CutSuffix(b, " ]"); ok {
			return caption
		}
	}
	label, _, _ := strings.Cut(after, "  ")
	return strings.TrimSpace(label)
}

// browseTo moves the browser's cursor down until the entry pane shows dn
// (the pane's first line is the DN under the cursor). Each Down is sent
// once and followed by a wait for the pane to name another entry (a page
// of children arriving redraws the screen before the key is handled, so
// any redraw is not enough); a Down that never shows fails the test.
func (s *tmuxSession) browseTo(dn string) {
	s.t.Helper()
	seen := map[string]bool{}
	now := s.waitSettled("the browser's entry pane", paneDN, func(string) bool { return true })
	for now != dn {
		if seen[now] {
			s.t.Fatalf("the browser's cursor came back to %s without reaching %s; the screen is:\n%s", now, dn, frame(s.last))
		}
		seen[now] = true
		s.keys("Down")
		before := now
		now = s.waitSettled(fmt.Sprintf("Down to move the browser's cursor off %s (on the way to %s)", before, dn), paneDN,
			func(p string) bool { return p != before })
	}
}

// openBrowser presses ctrl+b on a search-base field and waits until the
// browser for setting shows its tree with the cursor on root (the entry
// pane names it): before it has connected, a key would be lost.
func (s *tmuxSession) openBrowser(setting, root string) {
	s.t.Helper()
	s.keys("C-b")
	s.waitUntil("the browser for "+setting+" on "+root, func(sc string) bool {
		return strings.Contains(sc, "Directory — pick "+setting) && paneDN(sc) == root
	})
}

// paneDN is the first line of the browser's entry pane, below the rule: the
// DN under the cursor.
func paneDN(screen string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); t != "" && strings.Trim(t, "─") == "" && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

// frame draws a screen inside a box, so trailing blanks and empty lines show.
func frame(sc string) string {
	lines := strings.Split(strings.TrimRight(sc, "\n"), "\n")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("│" + l + "\n")
	}
	return b.String()
}

// sgrColour matches SGR sequences and captures their parameters.
var sgrColour = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// hasColour reports whether styled text sets a foreground or background
// colour (bold, faint, underline and reverse are not colours).
func hasColour(styled string) bool {
	for _, m := range sgrColour.FindAllStringSubmatch(styled, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			var n int
			if _, err := fmt.Sscan(p, &n); err != nil {
				continue
			}
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return true
			}
		}
	}
	return false
}

// runBinary runs the built binary with args in dir and extra environment,
// returning its exit code and combined output.
func runBinary(t *testing.T, bin, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		t.Fatalf("cannot run %s: %v", bin, err)
	}
	return 0, string(out)
}

// only16Colours reports whether styled text sets colours only from the 16
// ANSI colours: no 256-colour (38;5;N) or true-colour (38;2;R;G;B) sequences.
func only16Colours(styled string) bool {
	for _, m := range sgrColour.FindAllStringSubmatch(styled, -1) {
		ps := strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i+1 < len(ps); i++ {
			if (ps[i] == "38" || ps[i] == "48" || ps[i] == "58") && (ps[i+1] == "5" || ps[i+1] == "2") {
				return false
			}
		}
	}
	return true
}
