package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestE2ELoginTypedPassword runs "ldapwiz login" in a terminal: the
// password is typed at the prompt without echo, and never appears on the
// screen.
func TestE2ELoginTypedPassword(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	_, cfg, vars := loginEnv(t)
	s := startTmux(t, filepath.Dir(cfg), 100, 30, []string{"NO_COLOR=1", "LDAPWIZ_TEST_PW=" + vars["LDAPWIZ_TEST_PW"]}, []string{"LDAPWIZ_CONFIG"},
		bin, "login", "-c", cfg, "logan")
	s.waitFor("the lockout note and the prompt", "repeated failures may lock the account", "Password of logan (not echoed):")
	s.typeText(loginSecret)
	if sc := s.screen(); strings.Contains(sc, loginSecret) || strings.Contains(sc, "*****") {
		t.Fatalf("the typed password is echoed:\n%s", sc)
	}
	s.keys("Enter")
	sc := s.waitFor("the check to end", "the directory accepted the password for uid=logan", exitMarker+"1")
	if strings.Contains(sc, loginSecret) {
		t.Errorf("the screen shows the password:\n%s", sc)
	}
}

// usersIntro is the Users screen's intro line.
const usersIntro = "Where the users are and which attributes feed the store."

// TestE2EWizardTryLogin walks the wizard to the Users screen and tries a
// login there, as a person would: tab to "Try a user's login…", type the
// username and the password, read the answer, close it and quit.
func TestE2EWizardTryLogin(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	_, cfg, vars := loginEnv(t)
	s := startTmux(t, filepath.Dir(cfg), 100, 40, []string{"TERM=xterm-256color", "NO_COLOR=1", "LDAPWIZ_TEST_PW=" + vars["LDAPWIZ_TEST_PW"]},
		[]string{"LDAPWIZ_CONFIG"}, bin, "-c", cfg)
	s.waitFor("the Welcome screen offering the file", "▸ Open "+cfg)
	s.keys("Enter")
	s.waitFor("the Connection screen", "Connection  ")
	s.keys("C-n")
	s.waitFor("the Users screen", usersIntro)
	s.focusField("Try a user's login…", "Tab")
	s.keys("Enter")
	s.waitFor("the login panel", "Try a user's login —", "Username:", "repeated failures may lock the account")
	s.typeText("logan")
	s.keys("Enter")
	s.typeText(loginSecret)
	s.waitFor("the masked password", "Password: "+strings.Repeat("•", len(loginSecret)))
	s.keys("Enter")
	sc := s.waitFor("the answer", "✓ Find the user: found uid=logan,ou=people,dc=example,dc=com",
		"✓ Bind as the user with the password: the directory accepted the password", "would fail at: the store user")
	if strings.Contains(sc, loginSecret) {
		t.Errorf("the screen shows the password:\n%s", sc)
	}
	s.keys("Escape")
	s.waitUntil("the panel to close", func(sc string) bool {
		return strings.Contains(sc, usersIntro) && !strings.Contains(sc, "Try a user's login —")
	})
	s.keys("C-c")
	s.waitFor("ldapwiz to exit", exitMarker+"0")
}
