package cli

// cmd_serve_test.go: "ldapwiz serve" driven by the real OpenSSH client in
// tmux at 80x24, against the real slapd.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

// serveSetup is a server's directory: the config file, the authorized keys
// (a comment, a blank line and a broken line before the good key) and a
// client key in it, and the client's known_hosts.
type serveSetup struct {
	dir, cfg, authKeys, key, knownHosts string
}

// newServeSetup writes the files of a server on the config cfgText (empty:
// no config file yet).
func newServeSetup(t *testing.T, cfgText string) serveSetup {
	t.Helper()
	ensureApt(t, "the serve tests", []string{"ssh", "ssh-keygen"}, "openssh-client")
	dir := t.TempDir()
	s := serveSetup{dir: dir, cfg: filepath.Join(dir, "ldapwiz.toml"), authKeys: filepath.Join(dir, "authorized_keys"),
		knownHosts: filepath.Join(dir, "known_hosts")}
	var pub string
	s.key, pub = newClientKey(t, dir, "alice_ed25519", "alice@example.com")
	keys := "# the administrators\n\nssh-ed25519 AAAAthis-line-is-broken bob@example.com\n" + pub + "\n"
	if err := os.WriteFile(s.authKeys, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	if cfgText != "" {
		if err := os.WriteFile(s.cfg, []byte(cfgText), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// slapdConfig is a config file reaching srv as the fixture's reader; the
// password comes from $LDAPWIZ_TEST_PW on the server.
func slapdConfig(srv *slapdtest.Server) string {
	return fmt.Sprintf(`[connection]
url = %q
ca_file = %q
bind_dn = %q
bind_password_env = "LDAPWIZ_TEST_PW"
timeout = "5s"

[users]
search_base = %q

[groups]
search_base = %q
`, srv.LDAPSURL, srv.CAFile, slapdtest.ReaderDN, slapdtest.PeopleDN, slapdtest.GroupsDN)
}

// TestServeE2EWizardOverSSH: an authorized key (listed after a broken line)
// reaches Welcome, runs the connection test against slapd and saves; a
// second session open at the same time finds the file changed when it
// saves. The bytes the server sends per cursor move are measured.
func TestServeE2EWizardOverSSH(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	srv := slapdtest.Start(t)
	st := newServeSetup(t, slapdConfig(srv))
	sp := startServe(t, bin, st.dir, []string{"LDAPWIZ_TEST_PW=" + slapdtest.ReaderPassword}, "-c", st.cfg, "--authorized-keys", st.authKeys)
	sp.waitLog("the broken key line logged with its number", regexp.MustCompile(`key file line skipped" file=\S+ line=3 `))
	proxy := startProxy(t, sp.port)

	// Session A, through the counting proxy.
	a := startTmux(t, st.dir, 80, 24, []string{"TERM=xterm-256color"}, nil, sshArgv(proxy.port, st.key, st.knownHosts, "-tt")...)
	a.waitFor("Welcome over ssh", "Step 1 of 9: Welcome", "▸ Open "+st.cfg)
	if !hasColour(a.styledScreen()) {
		t.Errorf("TERM=xterm-256color drew no colour:\n%q", a.styledScreen())
	}
	// Session B, direct, with NO_COLOR sent by the client.
	b := startTmux(t, st.dir, 80, 24, []string{"TERM=xterm-256color", "NO_COLOR=1"}, nil,
		sshArgv(sp.port, st.key, st.knownHosts, "-tt", "-o", "SendEnv=NO_COLOR")...)
	b.waitFor("Welcome in the second session", "Step 1 of 9: Welcome", "▸ Open "+st.cfg)
	if sc := b.styledScreen(); hasColour(sc) {
		t.Errorf("the client sent NO_COLOR=1 but the screen has colour:\n%q", sc)
	}

	// Bytes per cursor move: Down through the presets and back Up.
	moves := []struct{ key, to string }{{"Down", "▸ New: OpenLDAP"}, {"Down", "▸ New: Active Directory"}, {"Down", "▸ New: 389"},
		{"Up", "▸ New: Active Directory"}, {"Up", "▸ New: OpenLDAP"}, {"Up", "▸ Open " + st.cfg}}
	var total int64
	for _, m := range moves {
		before := proxy.down.Load()
		a.keys(m.key)
		a.waitFor(m.key+" to "+m.to, m.to)
		total += proxy.down.Load() - before
	}
	t.Logf("bytes sent by the server per cursor move at 80x24 over ssh (encrypted, on the wire): %d on average over %d moves",
		total/int64(len(moves)), len(moves))

	// A: open the file, test the connection against slapd, save.
	a.keys("Enter")
	a.waitFor("the Connection screen", "Step 2 of 9: Connection", srv.LDAPSURL)
	a.keys("C-t")
	a.waitMatch("the connection test to pass over the served session", testPassed)
	a.keys("C-s")
	a.waitFor("the save", "Saved "+st.cfg)
	saved, err := os.ReadFile(st.cfg)
	if err != nil {
		t.Fatal(err)
	}

	// B: edit the timeout, save: the file changed since B loaded it.
	b.keys("Enter")
	b.waitFor("the Connection screen in B", "Step 2 of 9: Connection")
	b.focusField("Timeout", "Tab")
	b.keys("C-u")
	b.typeText("7s")
	b.waitUntil("the timeout typed", func(sc string) bool { return strings.Contains(focusedLine(sc), "7s") })
	b.keys("C-s")
	b.waitFor("the save conflict in B", "The file changed on disk")
	if now, _ := os.ReadFile(st.cfg); string(now) != string(saved) {
		t.Errorf("B's save went over A's:\n%s", now)
	}

	// Both quit; each session's log line says who, from where and whether it saved.
	a.keys("C-c")
	a.waitFor("session A to end", exitMarker+"0")
	sp.waitLog("A's log line", regexp.MustCompile(`msg=session user=\S+ key=SHA256:\S+ comment=alice@example.com from=127\.0\.0\.1:\d+ duration=\S+ saved=true end=quit`))
	b.keys("Escape")
	b.waitUntil("the dialog to close", func(sc string) bool { return !strings.Contains(sc, "The file changed on disk") })
	b.keys("C-c")
	sc := b.waitUntil("B to quit or ask", func(sc string) bool {
		return strings.Contains(sc, exitMarker) || strings.Contains(sc, "d discard and quit")
	})
	if !strings.Contains(sc, exitMarker) {
		b.keys("d")
	}
	b.waitFor("session B to end", exitMarker+"0")
	sp.waitLog("B's log line", regexp.MustCompile(`msg=session .*saved=false end=quit`))
	if strings.Contains(sp.out.String(), slapdtest.ReaderPassword) {
		t.Errorf("the server's log holds the bind password:\n%s", sp.out)
	}
	if code, _ := sp.stop(); code != 0 {
		t.Errorf("ldapwiz serve exited %d on SIGTERM, want 0; its output:\n%s", code, sp.out)
	}
}
