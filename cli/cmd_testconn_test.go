package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// testConnConfig writes a config file reaching s at url as the fixture's
// reader; the password comes from $LDAPWIZ_TEST_PW.
func testConnConfig(t *testing.T, s *slapdtest.Server, url, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	toml := fmt.Sprintf(`[connection]
url = %q
ca_file = %q
bind_dn = %q
bind_password_env = "LDAPWIZ_TEST_PW"
timeout = "5s"
%s
[users]
search_base = %q

[users.attributes]
phone = ""

[groups]
search_base = %q
`, url, s.CAFile, slapdtest.ReaderDN, extra, slapdtest.PeopleDN, slapdtest.GroupsDN)
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runTestConnCLI runs "ldapwiz test ARGS" with the given environment.
func runTestConnCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(env, append([]string{"test"}, args...))
	return code, out.String(), errb.String()
}

func TestTestCommandPasses(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := testConnConfig(t, s, s.LDAPSURL, "")
	code, out, errs := runTestConnCLI(t, map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}, "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// Header, 12 steps (all ok: no hint lines), summary.
	if len(lines) != 14 || !strings.HasPrefix(lines[0], "Testing "+s.LDAPSURL) {
		t.Fatalf("unexpected output:\n%s", out)
	}
	for _, l := range lines[1:13] {
		if !strings.HasPrefix(l, "[ok]  ") {
			t.Errorf("line without the ASCII ok mark (stdout is not a terminal): %q", l)
		}
	}
	if !strings.Contains(out, "Bind: bound as "+slapdtest.ReaderDN) || !strings.Contains(lines[13], "the connection works: 12 ok") {
		t.Errorf("unexpected output:\n%s", out)
	}
	if strings.Contains(out+errs, slapdtest.ReaderPassword) || strings.ContainsAny(out, "✓✗\x1b") {
		t.Errorf("output holds the password or terminal marks:\n%s", out)
	}
}

func TestTestCommandFailsWithHints(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := testConnConfig(t, s, s.LDAPSURL, "")
	code, out, _ := runTestConnCLI(t, map[string]string{"LDAPWIZ_TEST_PW": "not-the-password", "NO_COLOR": "1"}, "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		"[FAIL] Bind: bind as " + slapdtest.ReaderDN + " refused: the bind DN or the password is wrong",
		"       fix: check the DN in connection.bind_dn and the password in connection.bind_password_file",
		"[skip] User search base exists: not run: Bind failed",
		"the connection test FAILED: 4 ok, 0 warning(s), 1 failed, 7 not run",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not-the-password") {
		t.Errorf("output holds the password:\n%s", out)
	}
}

func TestTestCommandWarningsExitZero(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := testConnConfig(t, s, s.URL, "") // plain ldap:// without StartTLS
	code, out, _ := runTestConnCLI(t, map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}, "-c", cfg)
	if code != 0 || !strings.Contains(out, "[warn] Encryption (TLS): the connection is not encrypted") ||
		!strings.Contains(out, "the connection works, with warnings") {
		t.Errorf("exit %d, want 0 with a TLS warning:\n%s", code, out)
	}
}

func TestTestCommandJSON(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := testConnConfig(t, s, s.URL, "start_tls = true")
	code, out, errs := runTestConnCLI(t, map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}, "-c", cfg, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	var res ldap.TestResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, out)
	}
	if len(res.Steps) != 12 || res.Steps[2].ID != "tls" || res.Steps[2].Status != ldap.StepOK ||
		res.RootDSE == nil || res.RootDSE.Vendor != "OpenLDAP" || res.Cert == nil || res.Cert.Subject != "CN=localhost" {
		t.Errorf("unexpected result: %s", out)
	}
	if !strings.Contains(out, `"status": "ok"`) || strings.Contains(out, slapdtest.ReaderPassword) {
		t.Errorf("unexpected JSON:\n%s", out)
	}

	// A failing run in JSON exits 1 too.
	bad := testConnConfig(t, s, fmt.Sprintf("ldaps://127.0.0.1:%d", s.Port), "")
	code, out, _ = runTestConnCLI(t, map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}, "-c", bad, "--json")
	if code != 1 || !strings.Contains(out, `"status": "failed"`) || !strings.Contains(out, "plain LDAP on this port") {
		t.Errorf("exit %d, want 1 with the TLS failure:\n%s", code, out)
	}
}

func TestTestCommandConfigProblems(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runTestConnCLI(t, nil, "-c", filepath.Join(dir, "missing.toml"))
	if code != 2 || !strings.Contains(errs, "no config file") {
		t.Errorf("missing config: exit %d, stderr %q", code, errs)
	}
	broken := filepath.Join(dir, "broken.toml")
	os.WriteFile(broken, []byte("[connection\nurl = 1\n"), 0o600)
	if code, _, errs := runTestConnCLI(t, nil, "-c", broken); code != 2 || errs == "" {
		t.Errorf("broken config: exit %d, stderr %q", code, errs)
	}
	nopw := filepath.Join(dir, "nopw.toml")
	os.WriteFile(nopw, []byte("[connection]\nurl = \"ldap://127.0.0.1:1\"\nbind_dn = \"cn=x,dc=example,dc=com\"\nbind_password_env = \"UNSET_VAR\"\n"), 0o600)
	if code, _, errs := runTestConnCLI(t, nil, "-c", nopw); code != 2 || !strings.Contains(errs, "UNSET_VAR") {
		t.Errorf("unresolvable password: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runTestConnCLI(t, nil, "--bogus"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code, out, _ := runTestConnCLI(t, nil, "--help"); code != 0 || !strings.Contains(out, "USAGE") || !strings.Contains(out, "ldapwiz test [--flags]") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestStepPrinterTerminalMarks(t *testing.T) {
	var b bytes.Buffer
	p := newStepPrinter(&b, false)
	p.print(ldap.Step{Title: "Bind", Status: ldap.StepOK, Detail: "bound"})
	p.print(ldap.Step{Title: "TLS", Status: ldap.StepWarning, Detail: "clear", Hint: "set start_tls", Setting: "connection.start_tls"})
	p.print(ldap.Step{Title: "TCP", Status: ldap.StepFailed, Detail: "refused", Hint: "check connection.url", Setting: "connection.url"})
	p.print(ldap.Step{Title: "Users", Status: ldap.StepNotRun, Detail: "not run"})
	out := b.String()
	for _, want := range []string{"✓\x1b[0m Bind: bound", "!\x1b[0m TLS: clear\n  fix: set start_tls [connection.start_tls]", "✗\x1b[0m TCP: refused\n  fix: check connection.url\n", "-\x1b[0m Users: not run"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	env := &cliEnv{stdout: os.Stdout, getenv: func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }}
	if !plainMarks(env) {
		t.Error("NO_COLOR must select plain marks")
	}
}
