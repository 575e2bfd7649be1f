package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// commandPaths lists the arguments that name every visible command and
// subcommand of the tree, cobra's help and completion included.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	root := newRootCmd(&cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if !sub.Hidden {
				walk(sub, append(append([]string{}, path...), sub.Name()))
			}
		}
	}
	walk(root, nil)
	return paths
}

// TestEveryCommandHelpWithoutConfig runs "ldapwiz ... --help" for every
// command and subcommand in an empty directory with LDAPWIZ_CONFIG unset:
// each exits 0 with its usage on stdout and nothing on stderr, and no
// config file is read or written.
func TestEveryCommandHelpWithoutConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	paths := commandPaths(t)
	for _, want := range []string{"users passwd", "enroll retrigger", "sync", "demo-server", "completion bash", "man"} {
		found := false
		for _, p := range paths {
			found = found || strings.Join(p, " ") == want
		}
		if !found {
			t.Errorf("the command tree lacks %q", want)
		}
	}
	for _, p := range paths {
		for _, help := range []string{"--help", "-h"} {
			args := append(append([]string{}, p...), help)
			code, out, errOut := runCLI(t, nil, args...)
			usage := strings.TrimSpace("ldapwiz " + strings.Join(p, " "))
			if code != 0 || errOut != "" || !strings.Contains(out, "USAGE") || !strings.Contains(out, usage) {
				t.Errorf("ldapwiz %s: exit %d, stderr %q; want 0 and the usage of %q:\n%s", strings.Join(args, " "), code, errOut, usage, out)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("ldapwiz %s: colour escapes in help written to a non-terminal:\n%q", strings.Join(args, " "), out)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("--help left files behind: %v", entries)
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "# bash completion V2 for ldapwiz",
		"zsh":  "#compdef ldapwiz",
		"fish": "# fish completion for ldapwiz",
	} {
		code, out, errOut := runCLI(t, nil, "completion", shell)
		if code != 0 || !strings.HasPrefix(out, want) || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, script starts %.80q", shell, code, errOut, out)
		}
	}
	// The completion protocol knows the commands and the config flag.
	code, out, _ := runCLI(t, nil, "__complete", "")
	if code != 0 || !strings.Contains(out, "validate") || !strings.Contains(out, "users") {
		t.Errorf("__complete: exit %d:\n%s", code, out)
	}
	if code, _, _ := runCLI(t, nil, "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
}

func TestManPage(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "man")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, `.TH LDAPWIZ 1 "`) {
		t.Fatalf("man: exit %d, stderr %q:\n%.300s", code, errOut, out)
	}
	for _, want := range []string{".SH SYNOPSIS", ".SH COMMANDS", ".SH ENVIRONMENT", ".SH EXIT STATUS", "LDAPWIZ_CONFIG",
		"ldapwiz users add NAME", "ldapwiz enroll retrigger", "--all-ldap", "ldapwiz validate", "--json", "-c, --config FILE"} {
		if !strings.Contains(out, want) {
			t.Errorf("the man page lacks %q", want)
		}
	}
}

// TestValidateJSON checks that "validate --json" gives every problem, load
// issues and validation problems alike, with its severity, setting, screen
// and message, and keeps the exit codes.
func TestValidateJSON(t *testing.T) {
	type result struct {
		File     string `json:"file"`
		OK       bool   `json:"ok"`
		Errors   int    `json:"errors"`
		Warnings int    `json:"warnings"`
		Problems []struct {
			Severity string `json:"severity"`
			Setting  string `json:"setting"`
			Screen   string `json:"screen"`
			Message  string `json:"message"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
		} `json:"problems"`
	}
	validate := func(vars map[string]string, path string, wantCode int) result {
		t.Helper()
		code, out, errOut := runCLI(t, vars, "validate", "--json", "-c", path)
		var r result
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil || code != wantCode || dec.More() {
			t.Fatalf("exit %d (want %d), %v:\n%s%s", code, wantCode, err, out, errOut)
		}
		return r
	}

	path := writeConfig(t, `[connection]
url = "ldap://127.0.0.1:1389"
bind_dn = "cn=admin,,dc=example,dc=com"
bind_password = "hunter2-secret"

[users]
serach_base = "ou=people,dc=example,dc=com"

[store]
path = "DIR/ldapwiz.db"
`)
	r := validate(nil, path, 1)
	if r.File != path || r.OK || r.Errors != 2 || r.Warnings != 1 || len(r.Problems) != 3 {
		t.Fatalf("%+v", r)
	}
	want := map[string]struct {
		severity, screen string
		line             int
		message          string
	}{
		"users.serach_base":        {"error", string(wizard.ScreenUsers), 7, "did you mean users.search_base?"},
		"connection.bind_dn":       {"error", string(wizard.ScreenConnection), 3, "is not a valid DN"},
		"connection.bind_password": {"warning", string(wizard.ScreenConnection), 4, ""},
	}
	for _, p := range r.Problems {
		w, ok := want[p.Setting]
		if !ok || p.Severity != w.severity || p.Screen != w.screen || p.Line != w.line || p.Message == "" || !strings.Contains(p.Message, w.message) {
			t.Errorf("problem %+v, want %+v", p, w)
		}
		if strings.Contains(p.Message, "hunter2") {
			t.Errorf("password in %+v", p)
		}
	}

	// A clean file: ok, no problems, exit 0.
	r = validate(map[string]string{"PW": "x"}, writeConfig(t, goodConfig), 0)
	if !r.OK || r.Errors != 0 || r.Problems == nil || len(r.Problems) != 0 {
		t.Errorf("%+v", r)
	}
	// A syntax error is a problem too.
	r = validate(nil, writeConfig(t, "[connection]\nurl = \"ldap://x\"\npage_size = = 5\n"), 1)
	if len(r.Problems) != 1 || r.Problems[0].Setting != "connection.page_size" || r.Problems[0].Screen != string(wizard.ScreenConnection) {
		t.Errorf("%+v", r)
	}
}

// TestSyncJSON checks "sync --json": the summary alone on stdout, as JSON.
func TestSyncJSON(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	type summary struct {
		Outcome    string         `json:"outcome"`
		Mode       string         `json:"mode"`
		DryRun     bool           `json:"dry_run"`
		Planned    int            `json:"planned"`
		Applied    int            `json:"applied"`
		Failed     int            `json:"failed"`
		Changes    map[string]int `json:"changes"`
		Report     string         `json:"report"`
		DurationMS *int64         `json:"duration_ms"`
	}
	sync := func(args ...string) summary {
		t.Helper()
		code, out, errOut := runCLI(t, vars, append([]string{"sync", "-c", cfg, "--json"}, args...)...)
		var sum summary
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&sum); err != nil || code != 0 || dec.More() {
			t.Fatalf("sync --json %v: exit %d, %v:\n%s\n%s", args, code, err, out, errOut)
		}
		return sum
	}
	dry := sync("--dry-run")
	if dry.Outcome != "success" || !dry.DryRun || dry.Planned < len(s.Fixture.Users) || dry.Applied != 0 || dry.Changes["store create user"] != len(s.Fixture.Users) {
		t.Errorf("dry run: %+v", dry)
	}
	report := filepath.Join(t.TempDir(), "report.json")
	run := sync("--report", report)
	if run.Outcome != "success" || run.DryRun || run.Mode != wizard.ModeImport || run.Applied < len(s.Fixture.Users) || run.Failed != 0 || run.Report != report || run.DurationMS == nil {
		t.Errorf("run: %+v", run)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("no report: %v", err)
	}
	if again := sync(); again.Planned != 0 || len(again.Changes) != 0 {
		t.Errorf("second run: %+v", again)
	}
	if code, _, errOut := runCLI(t, vars, "sync", "-c", cfg, "--json", "--watch"); code != 2 || !strings.Contains(errOut, "--json") {
		t.Errorf("--json --watch: exit %d, %q", code, errOut)
	}
}

// TestUnknownFlagIsBadUsage: every command answers an unknown flag with
// exit 2, naming the flag and where to find the usage.
func TestUnknownFlagIsBadUsage(t *testing.T) {
	for _, p := range commandPaths(t) {
		args := append(append([]string{}, p...), "--bogus")
		code, out, errOut := runCLI(t, nil, args...)
		if code != 2 || !strings.Contains(errOut, "unknown flag: --bogus") || !strings.Contains(errOut, "--help") || out != "" {
			t.Errorf("ldapwiz %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
	}
}

func TestMistypedCommandSuggestsOne(t *testing.T) {
	for args, want := range map[string]string{
		"valdate":     `unknown command "valdate"; did you mean validate?`,
		"users lsit":  `unknown subcommand "lsit"; did you mean list?`,
		"enroll sned": `unknown subcommand "sned"; did you mean send?`,
	} {
		if code, _, errOut := runCLI(t, nil, strings.Fields(args)...); code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("ldapwiz %s: exit %d, stderr %q; want 2 and %q", args, code, errOut, want)
		}
	}
}

// TestBadConfigIsExit2: a config file that cannot be loaded stops every
// command that needs one with exit 2 (validate reports it: exit 1).
func TestBadConfigIsExit2(t *testing.T) {
	broken := writeConfig(t, "[connection\nurl = 1\n")
	for _, args := range [][]string{
		{"test"}, {"browse"}, {"preview"}, {"sync"}, {"sync", "--dry-run"}, {"users", "list"}, {"enroll", "invites"}, {},
	} {
		code, _, errOut := runCLI(t, nil, append(args, "-c", broken)...)
		if code != 2 || errOut == "" {
			t.Errorf("ldapwiz %v with a broken config: exit %d, stderr %q; want 2 and a reason", args, code, errOut)
		}
	}
	if code, _, _ := runCLI(t, nil, "validate", "-c", broken); code != 1 {
		t.Errorf("validate of a broken config: exit %d, want 1", code)
	}
	// LDAPWIZ_CONFIG names the file as -c does.
	if code, _, _ := runCLI(t, map[string]string{"LDAPWIZ_CONFIG": broken}, "preview"); code != 2 {
		t.Errorf("preview with LDAPWIZ_CONFIG broken: exit %d, want 2", code)
	}
}
