package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIsWizardInvocation checks which arguments open the wizard: those
// the root command runs, without --help.
func TestIsWizardInvocation(t *testing.T) {
	env := &cliEnv{getenv: func(string) string { return "" }}
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"-c", "x.toml"}, true},
		{[]string{"--config=x.toml"}, true},
		{[]string{"validate"}, false},
		{[]string{"--help"}, false},
	} {
		root := newRootCmd(env)
		cmd, rest, err := root.Find(c.args)
		if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		cmd.InitDefaultHelpFlag()
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		help, _ := cmd.Flags().GetBool("help")
		if got := cmd == root && !help; got != c.want {
			t.Errorf("%q opens the wizard: %v", c.args, got)
		}
	}
}

func TestWizardOptionsNewAndExisting(t *testing.T) {
	dir := t.TempDir()
	env := &cliEnv{stderr: &strings.Builder{}, getenv: func(string) string { return "" }}
	path := filepath.Join(dir, "ldapwiz.toml")
	opts, err := wizardOptions(env, path)
	if err != nil || opts.Exists || opts.OnDisk != nil {
		t.Fatalf("new file: opts=%+v err=%v", opts, err)
	}
	if err := os.WriteFile(path, []byte("[connection]\nurl = \"ldaps://dir.example.org\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err = wizardOptions(env, path)
	if err != nil || !opts.Exists || opts.Settings.Connection.URL != "ldaps://dir.example.org" {
		t.Fatalf("existing file: opts=%+v err=%v", opts.Settings.Connection, err)
	}
	if err := os.WriteFile(path, []byte("[connection\nurl = "), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := wizardOptions(env, path); err == nil {
		t.Fatal("a file that is not TOML opened the wizard")
	}
}

func TestBrowseNeedsConfig(t *testing.T) {
	var stderr strings.Builder
	env := &cliEnv{stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(env, []string{"browse", "-c", filepath.Join(t.TempDir(), "missing.toml")}); code != 2 {
		t.Fatalf("exit %d, want 2 (a config that cannot be loaded)", code)
	}
	if !strings.Contains(stderr.String(), "no config file") {
		t.Fatalf("stderr = %q", stderr.String())
	}
}

func TestWizardRefusesAFileThatIsNotTOML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	if err := os.WriteFile(path, []byte("[connection\nurl = "), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(env, []string{"-c", path}); code != 2 {
		t.Fatalf("exit %d, want 2 (a config that cannot be loaded)", code)
	}
	if !strings.Contains(stderr.String(), "line 1, column 12") || !strings.Contains(stderr.String(), "Fix the file by hand") { // the unclosed header is on line 1
		t.Fatalf("stderr = %q", stderr.String())
	}
}
