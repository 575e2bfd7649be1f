package cli

import (
	"path/filepath"
	"testing"

	"ldapwiz/internal/slapdtest"
)

// TestE2EWizardExplainUser walks the wizard to the Users screen and
// explains users there, as a person would: tab to "Explain a user…", type
// a username, read the steps and the outcome, ask for another user, close
// the panel and quit.
func TestE2EWizardExplainUser(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	srv := slapdtest.Start(t)
	cfg, _ := explainConfig(t, srv, "filter = \"(mail=*)\"\n")
	s := startTmux(t, filepath.Dir(cfg), 100, 40, []string{"TERM=xterm-256color", "NO_COLOR=1", "LDAPWIZ_TEST_PW=" + srv.AdminPassword},
		[]string{"LDAPWIZ_CONFIG"}, bin, "-c", cfg)
	s.waitFor("the Welcome screen offering the file", "▸ Open "+cfg)
	s.keys("Enter")
	s.waitFor("the Connection screen", "Connection  ")
	s.keys("C-n")
	s.waitFor("the Users screen", "Where the users are and which attributes feed the store.")
	s.focusField("Explain a user…", "Tab")
	s.keys("Enter")
	s.waitFor("the explain panel", "Explain a user —", "User:")
	s.typeText("jdoe")
	s.keys("Enter")
	s.waitFor("jdoe's explanation", "✓ found: found cn=Doe", "by its uid", "✓ users.filter: matches (mail=*)",
		"decided by users.search_base", "Outcome: changed")

	s.keys("e", "C-u")
	s.typeText("nobody")
	s.keys("Enter")
	s.waitFor("nobody's explanation", `✗ found: no entry in the directory has uid or mail "nobody"`, "Outcome: not found")

	s.keys("Escape")
	s.waitFor("the Users screen again", "[ Explain a user… ]", "Where users are")
	s.keys("C-c")
	s.waitFor("the wizard to quit", exitMarker+"0")
}
