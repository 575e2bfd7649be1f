package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/syncer"
)

// loginSecret is a password no output may ever contain.
const loginSecret = "S3cret-Only-For-Login"

// loginLDIF adds users for the login checks: one whose password is
// loginSecret, and the same uid in two OUs.
const loginLDIF = `dn: uid=logan,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: logan
cn: Logan Login
sn: Login
userPassword: ` + loginSecret + `

dn: uid=twin,ou=ou1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: twin
cn: Twin One
sn: One
userPassword: ` + loginSecret + `

dn: uid=twin,ou=ou2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: twin
cn: Twin Two
sn: Two
userPassword: ` + loginSecret + `
`

// loginEnv is a slapd with the password-policy overlay and the login
// users, and a config file reaching it as the reader with a store path
// beside it.
func loginEnv(t *testing.T) (*slapdtest.Server, string, map[string]string) {
	t.Helper()
	srv := slapdtest.StartWith(t, slapdtest.Options{PPolicy: true, ExtraLDIF: loginLDIF})
	cfg := testConnConfig(t, srv, srv.LDAPSURL, "")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[store]\npath = %q\n", filepath.Join(filepath.Dir(cfg), "store.db"))
	f.Close()
	return srv, cfg, map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}
}

// runLoginCLI runs "ldapwiz login ARGS" with stdin.
func runLoginCLI(vars map[string]string, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(env, append([]string{"login"}, args...))
	return code, out.String(), errb.String()
}

// TestLoginCommand runs "ldapwiz login" against a real slapd with
// ppolicy: the directory part of a good login passes (the store has no
// user yet, so the command exits 1 naming that step), a wrong password and
// a locked account are decoded, an ambiguous username names both DNs, and
// no output ever holds the password.
func TestLoginCommand(t *testing.T) {
	srv, cfg, vars := loginEnv(t)

	code, out, errs := runLoginCLI(vars, loginSecret+"\n", "-c", cfg, "--password-stdin", "logan")
	if code != 1 || !strings.Contains(out, "[ok]   Bind as the user with the password: the directory accepted the password for uid=logan,ou=people,dc=example,dc=com") ||
		!strings.Contains(out, "no store user is linked") || !strings.Contains(out, "would FAIL at: the store user") {
		t.Errorf("a good password, no store user: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "repeated failures may lock the account") {
		t.Errorf("no lockout warning before trying: %q", errs)
	}

	code, out, errs = runLoginCLI(vars, "Wr0ng-"+loginSecret+"\n", "-c", cfg, "--password-stdin", "logan")
	if code != 1 || !strings.Contains(out, "[FAIL] Bind as the user with the password: refused: the password is wrong") {
		t.Errorf("a wrong password: exit %d\n%s\n%s", code, out, errs)
	}

	srv.Lock(t, "uid=logan,ou=people,dc=example,dc=com")
	code, out, _ = runLoginCLI(vars, loginSecret+"\n", "-c", cfg, "--password-stdin", "--json", "logan")
	var res syncer.LoginCheck
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if code != 1 || res.OK || res.BindError == nil || res.BindError.Policy != "account_locked" {
		t.Errorf("a locked account, --json: exit %d %+v", code, res)
	}

	code, out, _ = runLoginCLI(vars, loginSecret+"\n", "-c", cfg, "--password-stdin", "twin")
	if code != 1 || !strings.Contains(out, "ambiguous") || !strings.Contains(out, "uid=twin,ou=ou1,ou=people,dc=example,dc=com and uid=twin,ou=ou2,ou=people,dc=example,dc=com") {
		t.Errorf("an ambiguous username: exit %d\n%s", code, out)
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		phrase      string
	}{
		{"no terminal, no --password-stdin", loginSecret + "\n", []string{"logan"}, "--password-stdin"},
		{"nothing on stdin", "", []string{"--password-stdin", "logan"}, "no password on stdin"},
	} {
		code, out, errs := runLoginCLI(vars, tc.stdin, append([]string{"-c", cfg}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.phrase) || out != "" {
			t.Errorf("%s: exit %d\n%s\n%s", tc.name, code, out, errs)
		}
	}
	if code, _, errs := runLoginCLI(vars, "", "-c", cfg); code != 2 || !strings.Contains(errs, "give one username") {
		t.Errorf("no username: exit %d %q", code, errs)
	}
}

// TestLoginCommandSucceeds: after an import links the store user, a good
// password exits 0; disabling the store user makes it 1.
func TestLoginCommandSucceeds(t *testing.T) {
	_, cfg, vars := loginEnv(t)
	if code, out, errs := runSyncCLIForLogin(vars, "-c", cfg); code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := runLoginCLI(vars, loginSecret+"\n", "-c", cfg, "--password-stdin", "logan")
	if code != 0 || !strings.Contains(out, `store user "logan"`) || !strings.Contains(out, "the login of logan would succeed") {
		t.Errorf("a good login: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, loginSecret) {
		t.Errorf("the output holds the password:\n%s\n%s", out, errs)
	}
}

// runSyncCLIForLogin imports the directory into the store.
func runSyncCLIForLogin(vars map[string]string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(env, append([]string{"sync", "--force"}, args...))
	return code, out.String(), errb.String()
}

// TestLoginPasswordNeverInProcessList runs the real binary with
// --password-stdin and, while it waits for the password, reads the command
// line of every process: none holds the password; then neither does the
// output.
func TestLoginPasswordNeverInProcessList(t *testing.T) {
	_, cfg, vars := loginEnv(t)
	bin := buildBinary(t)
	cmd := exec.Command(bin, "login", "-c", cfg, "--password-stdin", "logan")
	cmd.Env = append(os.Environ(), "LDAPWIZ_TEST_PW="+vars["LDAPWIZ_TEST_PW"])
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until it has said it is about to try, then look at every
	// process's command line while it runs.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "repeated failures") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	seen := 0
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the process ended meanwhile
		}
		if strings.Contains(string(b), loginSecret) {
			t.Errorf("%s holds the password: %q", p, b)
		}
		if p == "/proc/"+strconv.Itoa(cmd.Process.Pid)+"/cmdline" {
			seen++
		}
	}
	if seen != 1 {
		t.Errorf("the running ldapwiz login (pid %d) was not among the processes read", cmd.Process.Pid)
	}
	if _, err := io.WriteString(stdin, loginSecret+"\n"); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit: %v (want 1: the store has no user yet)\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "the directory accepted the password") {
		t.Errorf("the bind did not pass:\n%s", out.String())
	}
	if strings.Contains(out.String(), loginSecret) {
		t.Errorf("the output holds the password:\n%s", out.String())
	}
}
