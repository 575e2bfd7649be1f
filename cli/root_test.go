package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// runCLI runs ldapwiz with args and a fake environment, returning the exit
// code, stdout and stderr.
func runCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cliEnv{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return vars[k] },
	}
	code := run(env, args)
	return code, out.String(), errOut.String()
}

// writeConfig writes a config file into a fresh directory; the store path
// points into that directory so it validates.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "ldapwiz.toml")
	body = strings.ReplaceAll(body, "DIR", dir)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodConfig = `[connection]
url = "ldap://127.0.0.1:1389"
bind_dn = "cn=admin,dc=example,dc=com"
bind_password_env = "PW"

[store]
path = "DIR/ldapwiz.db"
`

func TestValidateReportsTypoBadDNAndMissingPassword(t *testing.T) {
	path := writeConfig(t, `[connection]
url = "ldap://127.0.0.1:1389"
bind_dn = "cn=admin,,dc=example,dc=com"

[users]
serach_base = "ou=people,dc=example,dc=com"

[store]
path = "DIR/ldapwiz.db"
`)
	code, out, errOut := runCLI(t, nil, "validate", "-c", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"error: line 6, column 1: users.serach_base: unknown setting; did you mean users.search_base?",
		"error: line 3: connection.bind_dn: The bind DN \"cn=admin,,dc=example,dc=com\" is not a valid DN",
		"error: connection.bind_password_file: bind_dn is set but no bind password source is",
		path + ": 3 errors, 0 warnings; fix the errors and run ldapwiz validate again",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestValidateOK(t *testing.T) {
	path := writeConfig(t, goodConfig)
	code, out, errOut := runCLI(t, map[string]string{"PW": "secret"}, "validate", "--config", path)
	if code != 0 || out != path+": ok\n" || errOut != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

func TestValidateWarningsOnlyExitsZero(t *testing.T) {
	path := writeConfig(t, strings.Replace(goodConfig, `bind_password_env = "PW"`, `bind_password = "hunter2-secret"`, 1))
	code, out, _ := runCLI(t, nil, "validate", "--config="+path)
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, out)
	}
	if !strings.Contains(out, "warning: line 4: connection.bind_password: ") || !strings.HasSuffix(out, path+": ok, 1 warning\n") {
		t.Fatalf("output:\n%s", out)
	}
	if strings.Contains(out, "hunter2") {
		t.Fatalf("password printed:\n%s", out)
	}
}

func TestValidateSyntaxError(t *testing.T) {
	path := writeConfig(t, "[connection]\nurl = \"ldap://x\"\npage_size = = 5\n")
	code, out, _ := runCLI(t, nil, "validate", "-c", path)
	if code != 1 || !strings.Contains(out, "error: line 3, column 13: connection.page_size: not valid TOML") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestValidateTypeMismatchStillValidatesTheRest(t *testing.T) {
	path := writeConfig(t, goodConfig+"\n[sync]\nmode = \"sideways\"\nmax_delete = 10\n")
	code, out, _ := runCLI(t, map[string]string{"PW": "x"}, "validate", "-c", path)
	if code != 1 || !strings.Contains(out, "sync.max_delete: expected a text value in double quotes, found a whole number; put it in quotes: max_delete = \"10\"") ||
		!strings.Contains(out, `error: line 10: sync.mode: Mode "sideways" is not one of`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestValidateMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.toml")
	code, out, errOut := runCLI(t, nil, "validate", "-c", path)
	if code != 1 || out != "" || !strings.Contains(errOut, "no config file at "+path+"; run ldapwiz to create one") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

func TestValidateUsage(t *testing.T) {
	if code, _, errOut := runCLI(t, nil, "validate", "extra"); code != 2 || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "validate", "-c"); code != 2 || !strings.Contains(errOut, "-c needs a file name") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, out, _ := runCLI(t, nil, "validate", "--help"); code != 0 || !strings.Contains(out, "USAGE") ||
		!strings.Contains(out, "ldapwiz validate [--flags]") || !strings.Contains(out, "-c --config") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestConfigPathResolution(t *testing.T) {
	flagFile := writeConfig(t, goodConfig)
	envFile := writeConfig(t, goodConfig)
	vars := map[string]string{"PW": "x", "LDAPWIZ_CONFIG": envFile}

	// -c beats LDAPWIZ_CONFIG.
	if _, out, _ := runCLI(t, vars, "validate", "-c", flagFile); !strings.HasPrefix(out, flagFile+": ok") {
		t.Fatalf("-c not used: %s", out)
	}
	// LDAPWIZ_CONFIG beats the default.
	if _, out, _ := runCLI(t, vars, "validate"); !strings.HasPrefix(out, envFile+": ok") {
		t.Fatalf("LDAPWIZ_CONFIG not used: %s", out)
	}
	// Default: ./ldapwiz.toml.
	t.Chdir(filepath.Dir(flagFile))
	if _, out, _ := runCLI(t, map[string]string{"PW": "x"}, "validate"); out != "ldapwiz.toml: ok\n" {
		t.Fatalf("default path not used: %q", out)
	}
}

// TestConfigFlag checks where -c/--config may be written and what it
// refuses: a missing or empty file name, and two different files.
func TestConfigFlag(t *testing.T) {
	cases := []struct {
		args     []string
		file     string
		rest     []string
		wantsErr bool
	}{
		{[]string{"--json"}, "", []string{}, false},
		{[]string{"-c", "a.toml", "--json"}, "a.toml", []string{}, false},
		{[]string{"--json", "--config", "a.toml"}, "a.toml", []string{}, false},
		{[]string{"-c=a.toml"}, "a.toml", []string{}, false},
		{[]string{"--config=a.toml", "-c", "a.toml"}, "a.toml", []string{}, false},
		{[]string{"--", "-c", "x"}, "", []string{"-c", "x"}, false},
		{[]string{"-c"}, "", nil, true},
		{[]string{"--config="}, "", nil, true},
		{[]string{"-c", "a", "-c", "b"}, "", nil, true},
	}
	env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	for _, c := range cases {
		root := newRootCmd(env)
		cmd, args, err := root.Find(append([]string{"validate"}, c.args...))
		if err != nil || cmd.Name() != "validate" {
			t.Fatalf("find validate: %v %v", cmd, err)
		}
		err = cmd.ParseFlags(args)
		file := cmd.Flags().Lookup("config").Value.String()
		rest := cmd.Flags().Args()
		if (err != nil) != c.wantsErr || (!c.wantsErr && (file != c.file || !reflect.DeepEqual(rest, c.rest))) {
			t.Errorf("validate %q: config %q, args %q, error %v", c.args, file, rest, err)
		}
	}
	// Through run, each refusal is bad usage that says what is wrong.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", "-c"}, "-c needs a file name"},
		{[]string{"validate", "--config"}, "--config needs a file name"},
		{[]string{"validate", "--config="}, "needs a file name"},
		{[]string{"validate", "-c", "a", "-c", "b"}, "the config file is given twice (a and b)"},
	} {
		if code, _, errOut := runCLI(t, nil, c.args...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("ldapwiz %q: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

func TestLoadValidSettings(t *testing.T) {
	t.Setenv("LDAPWIZ_TEST_PW", "x")
	path := writeConfig(t, strings.Replace(goodConfig, `"PW"`, `"LDAPWIZ_TEST_PW"`, 1))
	s, warnings, err := loadValidSettings(path, wizardOptsForTest())
	if err != nil || len(warnings) != 0 || s.Connection.URL != "ldap://127.0.0.1:1389" {
		t.Fatalf("%+v %v %v", s.Connection, warnings, err)
	}
	bad := writeConfig(t, "[users]\nsearch_base = \"x\"\n")
	if _, _, err := loadValidSettings(bad, wizardOptsForTest()); err == nil || !strings.Contains(err.Error(), "users.search_base") {
		t.Fatalf("want validation error, got %v", err)
	}
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "validate") || !strings.Contains(out, "version") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func wizardOptsForTest() wizard.ValidateOptions { return wizard.ValidateOptions{} }

// TestHelpListsOnlyWorkingCommands checks that every command --help lists
// runs (answers its own --help with exit 0 and its usage), that --help
// lists every command of the tree (serve among them, now that it is built),
// and that a command that does not exist is refused.
func TestHelpListsOnlyWorkingCommands(t *testing.T) {
	code, help, _ := runCLI(t, nil, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	env := &cliEnv{getenv: func(string) string { return "" }}
	for _, c := range newRootCmd(env).Commands() {
		name := c.Name()
		if !regexp.MustCompile(`(?m)^\s+` + name + `\b.*\S`).MatchString(help) {
			t.Errorf("--help does not list %q:\n%s", name, help)
		}
		code, out, errOut := runCLI(t, nil, name, "--help")
		if code != 0 || !strings.Contains(out+errOut, "ldapwiz "+name) {
			t.Errorf("%s --help: exit %d, want 0 and its usage:\n%s%s", name, code, out, errOut)
		}
	}
	if !regexp.MustCompile(`(?m)^\s+serve\b`).MatchString(help) {
		t.Errorf("--help does not list serve:\n%s", help)
	}
	if code, _, errOut := runCLI(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("frobnicate (no such command): exit %d, stderr %q", code, errOut)
	}
}

func TestVersionCommand(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "version")
	if code != 0 || out != "ldapwiz "+version+"\n" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
