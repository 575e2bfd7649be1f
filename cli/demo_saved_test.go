package cli

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/demodir"
	"ldapwiz/ldap"
)

// TestSavedDemoConfigWorksAgain (issue 17, defect 3): a file saved from
// "ldapwiz --demo" outlives the demo. Its CA file is kept under the cache
// directory, not removed with the demo; the next "ldapwiz --demo -c FILE"
// serves the file's flavour on the port it names, so the file validates
// against it unchanged; and the wizard is offered the file to open.
func TestSavedDemoConfigWorksAgain(t *testing.T) {
	cache := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "ldapwiz.toml")
	getenv := func(k string) string {
		return map[string]string{"TERM": "xterm-256color", "XDG_CACHE_HOME": cache}[k]
	}

	// First run: the AD flavour, enter takes its preset, ctrl+s saves, quit.
	runDemoKeys(t, getenv, []string{"--demo", "--ad", "-c", cfg}, func(done chan int, out, errOut *lockedBuffer) {
		waitFor(t, "the saved file", done, func() bool { _, err := os.Stat(cfg); return err == nil }, out, errOut)
	}, "\r\x13")
	s, err := loadSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "ldapwiz", "demo", "ca.pem"); s.Connection.CAFile != want {
		t.Fatalf("the saved CA file is %q, want the kept %q", s.Connection.CAFile, want)
	}
	if _, err := os.Stat(s.Connection.CAFile); err != nil {
		t.Fatalf("the demo's CA file went with the demo: %v", err)
	}
	if !s.Connection.ActiveDirectory {
		t.Fatalf("not the AD flavour: %+v", s.Connection)
	}

	// Second run, without --ad: the file is served as saved (flavour, port,
	// CA), so it validates unchanged while the demo runs.
	before, _ := os.ReadFile(cfg)
	runDemoKeys(t, getenv, []string{"--demo", "-c", cfg}, func(done chan int, out, errOut *lockedBuffer) {
		lc, err := s.LDAPConfig(getenv)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the demo on the saved port", done, func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, err := ldap.Dial(ctx, lc) // StartTLS verified with the kept CA, then the bind
			if err == nil {
				conn.Close()
			}
			return err == nil
		}, out, errOut)
		if code, vout, verr := runCLI(t, nil, "validate", "-c", cfg); code != 0 {
			t.Errorf("validate of the saved file against the second demo: exit %d\n%s%s", code, vout, verr)
		}
	}, "")
	if after, _ := os.ReadFile(cfg); string(after) != string(before) {
		t.Errorf("the second run changed the file:\n%s", after)
	}

	// The file's port taken by something else: the demo runs on another one
	// rather than failing, and says where it ran.
	u, err := url.Parse(s.Connection.URL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", u.Port()))
	if err != nil {
		t.Fatalf("cannot hold the demo's port %s: %v", u.Port(), err)
	}
	var third *lockedBuffer
	runDemoKeys(t, getenv, []string{"--demo", "-c", cfg}, func(done chan int, out, _ *lockedBuffer) { third = out }, "")
	ln.Close()
	if !strings.Contains(third.String(), "Demo directory stopped (it served ldap://127.0.0.1:") || strings.Contains(third.String(), "it served "+s.Connection.URL+")") {
		t.Errorf("with its port taken the demo should run on another one:\n%s", tail(third.String()))
	}

	// What the wizard is given: the file to open, not a warning that it is replaced.
	srv, err := demodir.New(demodir.Options{AD: true, TLSDir: filepath.Join(cache, "ldapwiz", "demo")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := srv.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := &cliEnv{getenv: getenv}
	opts, err := demoWizardOptions(env, srv, s.Connection.CAFile, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Exists || opts.Settings.Connection.BindDN != s.Connection.BindDN || strings.Contains(opts.Demo.Banner, "Saving replaces") ||
		!strings.Contains(opts.Demo.Banner, "was saved from the demo") {
		t.Errorf("a saved demo file is not offered to open: exists %v, banner %q", opts.Exists, opts.Demo.Banner)
	}
	if opts.Settings.Connection.URL != srv.URL() {
		t.Errorf("the demo moved to %s but the opened settings say %s", srv.URL(), opts.Settings.Connection.URL)
	}
}

// runDemoKeys runs ldapwiz with args and keys on a pipe, calls during while
// it runs, then quits it (ctrl+c, and d should it ask about changes).
func runDemoKeys(t *testing.T, getenv func(string) string, args []string, during func(done chan int, out, errOut *lockedBuffer), keys string) {
	t.Helper()
	in, keyIn := io.Pipe()
	defer keyIn.Close()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	env := &cliEnv{stdin: in, stdout: out, stderr: errOut, getenv: getenv}
	done := make(chan int, 1)
	go func() { done <- run(env, args) }()
	if keys != "" {
		if _, err := keyIn.Write([]byte(keys)); err != nil {
			t.Fatal(err)
		}
	}
	during(done, out, errOut)
	if _, err := keyIn.Write([]byte("\x03d")); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("ldapwiz %v: exit %d: %s", args, code, errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("ldapwiz %v did not quit on ctrl+c:\n%s", args, errOut)
	}
}
