package cli

// cmd_serve_refuse_test.go: who "ldapwiz serve" turns away (an unknown key,
// a password, a session without a terminal), and its host key across a
// restart.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeRefusesAndKeepsItsHostKey: an unknown key, a password attempt
// and "ssh host cmd" without a terminal are refused; the host key is
// created 0600 beside the config, and after SIGTERM (exit 0) and a restart
// the client's strict known_hosts check passes again.
func TestServeRefusesAndKeepsItsHostKey(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	st := newServeSetup(t, "")
	sp := startServe(t, bin, st.dir, nil, "-c", st.cfg, "--authorized-keys", st.authKeys)
	hostKey := filepath.Join(st.dir, "ldapwiz_host_ed25519")
	if fi, err := os.Stat(hostKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the host key beside the config: %v, %v; want mode 0600", fi, err)
	}
	if !strings.Contains(sp.out.String(), "(created "+hostKey+")") {
		t.Errorf("the start lines do not say the host key was created:\n%s", sp.out)
	}

	// No terminal: a one-line refusal (the host key is recorded on the way).
	code, out := runSSH(t, sshArgv(sp.port, st.key, st.knownHosts, "-T", "-o", "BatchMode=yes"), "ls", "/")
	if code != 1 || strings.TrimSpace(out) != "ldapwiz serve needs a terminal: connect with ssh -t, without a command" {
		t.Errorf("ssh host cmd without a terminal: exit %d, output %q", code, out)
	}

	// An unknown key.
	other, _ := newClientKey(t, st.dir, "mallory_ed25519", "mallory@example.com")
	code, out = runSSH(t, sshArgv(sp.port, other, st.knownHosts, "-tt", "-o", "BatchMode=yes"))
	if code != 255 || !strings.Contains(out, "Permission denied (publickey)") {
		t.Errorf("an unknown key: exit %d, output %q", code, out)
	}

	// A password: the server offers public keys only, so the client never
	// gets to ask for one (the askpass program would leave a mark).
	mark := filepath.Join(st.dir, "asked")
	askpass := filepath.Join(st.dir, "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\ntouch "+mark+"\necho hunter2\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	argv := sshArgv(sp.port, st.key, st.knownHosts, "-tt", "-o", "PubkeyAuthentication=no",
		"-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1")
	cmd := commandWithEnv(argv, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	outb, _ := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 255 || !strings.Contains(string(outb), "Permission denied (publickey)") {
		t.Errorf("a password attempt: exit %d, output %q", cmd.ProcessState.ExitCode(), outb)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("the client was asked for a password: the server offered password or keyboard-interactive")
	}
	sp.waitLog("the refusals logged", regexp.MustCompile(`msg="key refused" user=\S+ from=127\.0\.0\.1:\d+ key=SHA256:\S+ reason="not in `))

	// SIGTERM: exit 0; a restart reuses the key and the strict check passes.
	if code, _ := sp.stop(); code != 0 {
		t.Fatalf("ldapwiz serve exited %d on SIGTERM, want 0; its output:\n%s", code, sp.out)
	}
	again := startServe(t, bin, st.dir, nil, "-c", st.cfg, "--authorized-keys", st.authKeys)
	if again.fingerprint != sp.fingerprint || !strings.Contains(again.out.String(), "(reused "+hostKey+")") {
		t.Errorf("after a restart the host key is %s, was %s:\n%s", again.fingerprint, sp.fingerprint, again.out)
	}
	strict := sshArgv(again.port, st.key, st.knownHosts, "-tt", "-o", "StrictHostKeyChecking=yes")
	s := startTmux(t, st.dir, 80, 24, []string{"TERM=xterm-256color"}, nil, strict...)
	s.waitFor("Welcome after the restart, the known host checked strictly", "Step 1 of 9: Welcome")
	s.keys("C-c")
	s.waitFor("the question about the new file", "d discard and quit")
	s.keys("d")
	s.waitFor("the session to end", exitMarker+"0")
}
