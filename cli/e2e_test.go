package cli

// e2e_test.go: the wizard end to end, as a new user walks it: the built
// binary in a tmux session at 80x24, driven by keys, read from the screen.
// One walk runs against the embedded demo directory (ldapwiz --demo), one
// against a real slapd (ldapwiz -c FILE, starting from the OpenLDAP preset
// over an older file), which also types a wrong password and picks a base
// with no users on the way.

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"ldapwiz/config"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// testPassed matches the Connection screen's summary of a test without failures.
var testPassed = regexp.MustCompile(`Connection test — \d+ passed, \d+ warnings?, 0 failed`)

func TestE2EDemoWalk(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	cache := t.TempDir()
	s := startTmux(t, dir, 80, 24, []string{"TERM=xterm-256color", "XDG_CACHE_HOME=" + cache}, []string{"NO_COLOR", "LDAPWIZ_CONFIG"}, bin, "--demo", "-c", cfg)

	// Welcome: the demo is running and its preset is preselected.
	url := s.waitMatch("the demo banner", regexp.MustCompile(`running at (ldap://127\.0\.0\.1:\d+)`))[1]
	s.waitFor("the OpenLDAP preset preselected", "▸ New: OpenLDAP")
	if !hasColour(s.styledScreen()) {
		t.Errorf("TERM=xterm-256color without NO_COLOR drew no colour:\n%q", s.styledScreen())
	}
	s.keys("Enter")

	// Connection: filled in for the demo; the test passes.
	s.waitFor("the Connection screen", "Step 2 of 9: Connection", url)
	s.keys("C-t")
	s.waitMatch("the connection test to pass", testPassed)

	// Users: browse two levels down and pick ou=engineering as the base.
	s.keys("C-n")
	s.waitFor("the Users screen with a live count", "Step 3 of 9: Users", "✓ matches 520 users")
	s.openBrowser("users.search_base", "ou=people,dc=example,dc=com") // it opens on the field's base
	s.keys("Right")
	s.waitFor("the children of ou=people", "ou=engineering")
	s.browseTo("ou=engineering,ou=people,dc=example,dc=com")
	s.keys("Enter")
	s.waitMatch("the picked base and its count", regexp.MustCompile(`(?s)✓ matches \d+ users.*Where users are\s+ou=engineering,ou=people,dc=example,dc=com`))

	// The username attribute, from the picker's candidates.
	s.focusField("Username attribute", "Tab")
	s.keys("C-o")
	s.waitFor("the attribute picker with statistics", "Username attribute — users.username_attribute", "employeeNumber", " of ")
	s.typeText("uid")
	s.waitMatch("uid highlighted", regexp.MustCompile(`▸\s+uid\s+.*on \d+ of \d+`))
	s.keys("Enter")
	s.waitMatch("the picked attribute", regexp.MustCompile(`▸ Username attribute\s+uid`))

	// Groups: limit synchronization to two real groups.
	s.keys("C-n")
	s.waitFor("the Groups screen with a live count", "Step 4 of 9: Groups", "✓ matches 12 groups")
	pickTwoGroups(s, "engineering", "vpn-users")

	// Review, save, and the file validates while the demo runs.
	s.nextScreens("Step 5 of 9: Sync", "Step 6 of 9: Enrollment", "Step 7 of 9: Review")
	s.waitFor("the Review screen", "Step 7 of 9: Review", "(new file, ")
	s.keys("C-s")
	s.waitFor("the save", "Saved "+cfg)
	if code, out := runBinary(t, bin, dir, nil, "validate", "-c", cfg); code != 0 {
		t.Errorf("ldapwiz validate on the saved demo config exited %d:\n%s", code, out)
	}
	got := loadSaved(t, cfg)

	// Quit: nothing unsaved, so no question; the demo stops. Its CA file is
	// kept under the cache directory, so the saved file works again with the
	// next "ldapwiz --demo -c FILE".
	s.keys("C-c")
	s.waitFor("ldapwiz to exit", exitMarker+"0", "Demo directory stopped")

	c := got.Connection
	if c.URL != url || !c.StartTLS || !c.VerifyTLS || c.BindDN != "cn=admin,dc=example,dc=com" || c.BindPassword != "demo-admin" || c.CAFile == "" {
		t.Errorf("saved connection does not point at the demo %s: %+v", url, c)
	}
	if want := filepath.Join(cache, "ldapwiz", "demo", "ca.pem"); c.CAFile != want {
		t.Errorf("the saved CA file is %s, want the one kept under the cache directory, %s", c.CAFile, want)
	}
	if _, err := os.Stat(c.CAFile); err != nil {
		t.Errorf("the demo CA file %s went with the demo: %v", c.CAFile, err)
	}
	wantWalk(t, got, "ou=engineering,ou=people,dc=example,dc=com", "engineering", "vpn-users")
}

func TestE2ESlapdWalk(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	srv := slapdtest.Start(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	const pwVar = "LDAPWIZ_E2E_BIND_PASSWORD"
	// A file already on disk (an earlier attempt with a poor username
	// attribute): the walk starts afresh from the OpenLDAP preset, as a new
	// user would, fills in the connection, and Review shows the diff.
	start := "[connection]\nurl = \"ldap://old.example.com\"\n\n[users]\nusername_attribute = \"cn\"\n"
	if err := os.WriteFile(cfg, []byte(start), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{pwVar + "=" + srv.AdminPassword}
	s := startTmux(t, dir, 80, 24, append([]string{"TERM=xterm-256color", "NO_COLOR=1"}, env...), []string{"LDAPWIZ_CONFIG"}, bin, "-c", cfg)

	// Welcome: the existing file is offered; the OpenLDAP preset is chosen.
	s.waitFor("the Welcome screen offering the file", "▸ Open "+cfg, "New: OpenLDAP")
	if sc := s.styledScreen(); hasColour(sc) {
		t.Errorf("NO_COLOR=1 but the screen has colour:\n%q", sc)
	}
	s.keys("Down")
	s.waitFor("the OpenLDAP preset selected", "▸ New: OpenLDAP")
	s.keys("Enter")
	s.waitFor("the Connection screen with the preset", "Step 2 of 9: Connection", "ldap://ldap.example.com")

	// Connection: the address, CA, account and password variable of slapd.
	s.keys("C-u")
	s.typeText(srv.URL)
	s.focusField("CA certificate file", "Tab")
	s.typeText(srv.CAFile)
	s.focusField("Service account", "Tab")
	s.keys("C-u")
	s.typeText(srv.AdminDN)
	s.focusField("Password comes from", "Tab")
	s.keys("Right")
	s.waitFor("the variable field", "Environment variable")
	s.focusField("Environment variable", "Tab")
	s.typeText(pwVar)
	s.waitMatch("the variable named", regexp.MustCompile(`Environment variable\s+`+pwVar))

	// A wrong password typed for the test: the bind fails, with its hint.
	s.focusField("Password for the test", "Tab")
	s.typeText("not-the-password")
	s.keys("C-t")
	s.waitFor("the bind failure and its hint", "1 failed", "✗ Bind — bind as "+srv.AdminDN+" refused", "check the DN in connection.bind_dn",
		"ctrl+g goes to Password for the test")
	// Cleared, the configured variable's password is used and the test passes.
	s.keys("C-u")
	s.waitUntil("the password for the test cleared", func(sc string) bool {
		return focusedLabel(sc) == "Password for the test" && !strings.Contains(focusedLine(sc), "•")
	})
	s.keys("C-t")
	s.waitMatch("the connection test to pass", testPassed)
	if sc := s.styledScreen(); hasColour(sc) {
		t.Errorf("NO_COLOR=1 but the test result has colour:\n%q", sc)
	}

	// Users: a base with no users is diagnosed; then the right base is picked.
	s.keys("C-n")
	s.waitFor("the Users screen with a live count", "Step 3 of 9: Users", "✓ matches")
	s.openBrowser("users.search_base", "ou=people,"+srv.BaseDN) // it opens on the field's base
	s.upTo(srv.BaseDN)
	s.browseTo("ou=empty," + srv.BaseDN)
	s.keys("Enter")
	s.waitFor("the zero-match diagnosis", "✗ matches no users.", "The base holds no users, but", "users.search_base")
	s.openBrowser("users.search_base", "ou=empty,"+srv.BaseDN)
	s.upTo(srv.BaseDN)
	s.browseTo("ou=people," + srv.BaseDN)
	s.keys("Enter")
	s.waitMatch("the picked base and its count", regexp.MustCompile(`(?s)✓ matches \d+ users.*Where users are\s+ou=people,dc=example,dc=com`))

	s.focusField("Username attribute", "Tab")
	s.keys("C-o")
	s.waitFor("the attribute picker with statistics", "Username attribute — users.username_attribute", " of ")
	s.typeText("uid")
	s.waitMatch("uid highlighted", regexp.MustCompile(`▸\s+uid\s+.*on \d+ of \d+`))
	s.keys("Enter")
	s.waitMatch("the picked attribute", regexp.MustCompile(`▸ Username attribute\s+uid`))

	s.keys("C-n")
	s.waitFor("the Groups screen with a live count", "Step 4 of 9: Groups", "✓ matches")
	pickTwoGroups(s, "admins", "staff")

	s.nextScreens("Step 5 of 9: Sync", "Step 6 of 9: Enrollment", "Step 7 of 9: Review")
	s.waitMatch("the Review screen with the diff against the file on disk", regexp.MustCompile(`(?s)Step 7 of 9: Review.*— \+\d+ −\d+ against the.*- url = "ldap://old\.example\.com"`))
	s.keys("C-s")
	s.waitFor("the save", "Saved "+cfg)
	if code, out := runBinary(t, bin, dir, env, "validate", "-c", cfg); code != 0 {
		t.Errorf("ldapwiz validate on the saved config exited %d:\n%s", code, out)
	}
	s.keys("C-c")
	s.waitFor("ldapwiz to exit", exitMarker+"0")

	got := loadSaved(t, cfg)
	c := got.Connection
	if c.URL != srv.URL || c.CAFile != srv.CAFile || c.BindDN != srv.AdminDN || c.BindPasswordEnv != pwVar || c.BindPassword != "" {
		t.Errorf("the saved connection changed: %+v", c)
	}
	data, _ := os.ReadFile(cfg)
	if strings.Contains(string(data), srv.AdminPassword) || strings.Contains(string(data), "not-the-password") {
		t.Error("a password was written into the config file")
	}
	wantWalk(t, got, "ou=people,dc=example,dc=com", "admins", "staff")
}

// TestE2EDemoADQuitAsks runs the Active Directory demo on a 16-colour
// terminal: the AD preset is preselected, the test passes (drawn in the 16
// ANSI colours, never 256 or true colour), users are counted;
// quitting with unsaved changes asks, and "d" discards without writing.
func TestE2EDemoADQuitAsks(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	s := startTmux(t, dir, 80, 24, []string{"TERM=xterm"}, []string{"NO_COLOR", "LDAPWIZ_CONFIG"}, bin, "--demo", "--ad", "-c", cfg)
	s.waitFor("the AD demo with its preset preselected", "Demo directory (Active Directory flavour)", "▸ New: Active Directory")
	s.keys("Enter")
	s.waitFor("the Connection screen", "Step 2 of 9: Connection")
	s.keys("C-t")
	s.waitMatch("the connection test to pass", testPassed)
	if sc := s.styledScreen(); !hasColour(sc) || !only16Colours(sc) {
		t.Errorf("TERM=xterm should draw in the 16 ANSI colours only:\n%q", sc)
	}
	s.keys("C-n")
	s.waitFor("the AD users counted", "✓ matches 520 users", "OU=People,DC=example,DC=test")
	s.keys("C-c")
	s.waitFor("the unsaved-changes question", "Unsaved changes", "d discard and quit")
	s.keys("d")
	s.waitFor("ldapwiz to exit", exitMarker+"0", "Demo directory stopped")
	if _, err := os.Stat(cfg); !os.IsNotExist(err) {
		t.Errorf("discarding wrote %s anyway (%v)", cfg, err)
	}
}

// TestE2EDemoHangUp: when the terminal goes away (tmux killed, an SSH
// session dropped), the demo stops and its CA file is removed. Without a
// cache directory (no HOME, no XDG_CACHE_HOME) the CA file is a temporary
// one, which must not outlive the demo.
func TestE2EDemoHangUp(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	s := startTmux(t, dir, 80, 24, []string{"TERM=xterm-256color"}, []string{"NO_COLOR", "LDAPWIZ_CONFIG", "HOME", "XDG_CACHE_HOME"}, bin, "--demo")
	s.waitFor("the Welcome screen", "▸ New: OpenLDAP")
	s.keys("Enter")
	ca := s.waitMatch("the demo's CA file", regexp.MustCompile(`CA certificate file\s+(\S+\.pem)`))[1]
	if _, err := os.Stat(ca); err != nil {
		t.Fatalf("the CA file on screen does not exist: %v", err)
	}
	s.tmux("kill-server") // the pane's processes get SIGHUP
	deadline := time.Now().Add(waitTimeout)
	for {
		if _, err := os.Stat(ca); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo CA file %s is still there %s after the hang-up", ca, waitTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// upTo presses ← in the browser, whose cursor is on a collapsed entry,
// and waits for the cursor (the entry pane) to be on its parent dn.
func (s *tmuxSession) upTo(dn string) {
	s.t.Helper()
	s.keys("Left")
	s.waitUntil("the browser's cursor up on "+dn, func(sc string) bool { return paneDN(sc) == dn })
}

// nextScreens presses ctrl+n once per title, each time waiting for that
// screen's title before the next press, so a key never lands on a screen
// it was not meant for.
func (s *tmuxSession) nextScreens(titles ...string) {
	s.t.Helper()
	for _, title := range titles {
		s.keys("C-n")
		s.waitFor("the screen "+title, title)
	}
}

// pickTwoGroups opens the "Only members of" picker and marks two groups,
// narrowing the list by typing each name.
func pickTwoGroups(s *tmuxSession, a, b string) {
	s.t.Helper()
	s.focusField("Only members of", "Tab")
	s.keys("C-o")
	s.waitFor("the group picker with member counts", "Only members of — groups.sync_only", a, " members · ")
	s.typeText(a)
	s.waitMatch("group "+a+" highlighted", highlightedGroup(a))
	s.keys("Space")
	s.waitFor("one group marked", "1 marked")
	s.keys("C-u")
	s.typeText(b)
	s.waitMatch("group "+b+" highlighted", highlightedGroup(b))
	s.keys("Space")
	s.waitFor("two groups marked", "2 marked")
	s.keys("Enter")
	s.waitMatch("the picked groups", regexp.MustCompile(`Only members of\s+`+regexp.QuoteMeta(a+", "+b)))
}

// highlightedGroup matches the group picker's cursor on group name itself
// (not on a longer name that starts with it).
func highlightedGroup(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)▸ \[ \] ` + regexp.QuoteMeta(name) + `(\s|$)`)
}

// loadSaved checks the saved file's mode and loads it over the defaults.
func loadSaved(t *testing.T, path string) wizard.Settings {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the config was not saved: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	s := wizard.Default()
	if err := config.LoadTOML(path, &s); err != nil {
		t.Fatalf("the saved config does not load: %v", err)
	}
	return s
}

// wantWalk checks the choices the walk made.
func wantWalk(t *testing.T, s wizard.Settings, userBase string, groups ...string) {
	t.Helper()
	if s.Users.SearchBase != userBase {
		t.Errorf("users.search_base = %q, want %q", s.Users.SearchBase, userBase)
	}
	if s.Users.UsernameAttribute != "uid" {
		t.Errorf("users.username_attribute = %q, want uid", s.Users.UsernameAttribute)
	}
	if !reflect.DeepEqual(s.Groups.SyncOnly, groups) {
		t.Errorf("groups.sync_only = %q, want %q", s.Groups.SyncOnly, groups)
	}
}
