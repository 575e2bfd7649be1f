package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/demodir"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// startDemoDir runs a demo directory of the flavour for a test and writes
// its CA to a file.
func startDemoDir(t *testing.T, ad bool) (*demodir.Server, string) {
	t.Helper()
	srv, err := demodir.New(demodir.Options{AD: ad})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := srv.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ca, err := writeDemoCA(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Remove(ca) })
	return srv, ca
}

// TestDemoWizardSettings checks what --demo opens the wizard with, for both
// flavours: the matching preset pointed at the demo, valid, and passing the
// staged connection test against it; and every other preset chosen on
// Welcome still reaches the demo, with search bases that hold entries.
func TestDemoWizardSettings(t *testing.T) {
	for _, ad := range []bool{false, true} {
		srv, ca := startDemoDir(t, ad)
		env := &cliEnv{getenv: func(string) string { return "" }}
		path := filepath.Join(t.TempDir(), "ldapwiz.toml")
		opts, err := demoWizardOptions(env, srv, ca, path)
		if err != nil {
			t.Fatal(err)
		}
		want := wizard.PresetOpenLDAP
		if ad {
			want = wizard.PresetAD
		}
		if opts.Demo == nil || opts.Demo.Preset != want || opts.Path != path || opts.Exists || opts.OnDisk != nil {
			t.Fatalf("ad=%v: options %+v", ad, opts)
		}
		if !strings.Contains(opts.Demo.Banner, srv.URL()) {
			t.Errorf("the banner does not say where the demo runs: %q", opts.Demo.Banner)
		}
		s := opts.Settings
		c := s.Connection
		if c.URL != srv.URL() || !c.StartTLS || !c.VerifyTLS || c.CAFile != ca || c.BindDN != srv.AdminDN() || c.BindPassword != srv.AdminPassword() {
			t.Errorf("ad=%v: connection %+v", ad, c)
		}
		if c.ActiveDirectory != ad || (ad && s.Users.ObjectClass != "user") {
			t.Errorf("ad=%v: not the matching preset: %+v", ad, s.Users)
		}
		for _, p := range wizard.Validate(s, wizard.ValidateOptions{Getenv: env.getenv}) {
			if p.Severity == wizard.Error && p.Setting != "store.path" {
				t.Errorf("ad=%v: the demo settings have an error: %v", ad, p)
			}
		}
		cfg, err := s.LDAPConfig(env.getenv)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res := ldap.RunTest(ctx, cfg, ldap.TestScope{
			UserBase: s.Users.SearchBase, UserObjectClass: s.Users.ObjectClass, UserFilter: s.Users.Filter,
			UsernameAttribute: s.Users.UsernameAttribute, UserMemberAttribute: s.Users.MemberAttribute,
			GroupBase: s.Groups.SearchBase, GroupObjectClass: s.Groups.ObjectClass,
			GroupNameAttribute: s.Groups.NameAttribute, GroupMemberAttribute: s.Groups.MemberAttribute,
		}, nil)
		cancel()
		if res.Failed() {
			t.Errorf("ad=%v: the connection test fails on the demo settings: %+v", ad, res.Steps)
		}

		// Any preset chosen on Welcome keeps pointing at the demo.
		conn, err := ldap.Dial(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range wizard.Presets() {
			ps, _ := wizard.Preset(p.Name)
			ps = opts.Demo.Adjust(ps)
			if ps.Connection.URL != srv.URL() || ps.Connection.CAFile != ca || ps.Connection.BindPassword != srv.AdminPassword() || !ps.Connection.StartTLS {
				t.Errorf("ad=%v preset %s: connection %+v", ad, p.Name, ps.Connection)
			}
			for _, base := range []string{ps.Users.SearchBase, ps.Groups.SearchBase} {
				if n, err := conn.Count(context.Background(), base, "(objectClass=*)"); err != nil || n < 2 {
					t.Errorf("ad=%v preset %s: base %s holds %d entries (%v)", ad, p.Name, base, n, err)
				}
			}
		}
		_ = conn.Close()
	}

	// An existing file is not loaded (it points elsewhere), but Review
	// diffs against it and the banner says saving replaces it.
	srv, ca := startDemoDir(t, false)
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	if err := os.WriteFile(path, []byte("[connection]\nurl = \"ldap://elsewhere\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := demoWizardOptions(&cliEnv{getenv: func(string) string { return "" }}, srv, ca, path)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Exists || string(opts.OnDisk) == "" || opts.Settings.Connection.URL != srv.URL() || !strings.Contains(opts.Demo.Banner, "Saving replaces "+path) {
		t.Errorf("existing file: %+v", opts)
	}
}

// TestDemoCommandRunsTheWizard runs "ldapwiz --demo -c FILE" through run with
// keys on a pipe: enter takes the preselected preset, ctrl+s saves; the
// saved file validates while the demo runs; ctrl+c quits, the demo stops and
// its CA file is removed.
func TestDemoCommandRunsTheWizard(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "ldapwiz.toml")
	keys, keyIn := io.Pipe()
	defer keyIn.Close()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	env := &cliEnv{stdin: keys, stdout: out, stderr: errOut, getenv: func(k string) string {
		return map[string]string{"TERM": "xterm-256color"}[k]
	}}
	done := make(chan int, 1)
	go func() { done <- run(env, []string{"--demo", "-c", cfg}) }()

	// Without a terminal Bubble Tea draws nothing (no size), but reads keys;
	// the pipe holds the write until the wizard reads it.
	if _, err := keyIn.Write([]byte("\r\x13")); err != nil { // enter, ctrl+s
		t.Fatal(err)
	}
	waitFor(t, "the saved file", done, func() bool { _, err := os.Stat(cfg); return err == nil }, out, errOut)
	code, vout, verr := runCLI(t, nil, "validate", "-c", cfg)
	if code != 0 {
		t.Errorf("validate of the demo's file while the demo runs: exit %d\n%s%s", code, vout, verr)
	}
	s, err := loadSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Connection.URL, "ldap://127.0.0.1:") || s.Users.SearchBase != "ou=people,dc=example,dc=com" {
		t.Errorf("saved settings: %+v %+v", s.Connection, s.Users)
	}
	// ctrl+c, then "d": if the wizard has not yet taken in that the save
	// finished (the file is renamed into place before it hears so), it asks
	// about unsaved changes and "d" discards — nothing, since the file on
	// disk already holds them; otherwise ctrl+c quits and "d" goes nowhere.
	// Both keys go in one write, so the write never waits on a reader that
	// has gone. No wait on time decides which happens.
	if _, err := keyIn.Write([]byte("\x03d")); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the wizard did not quit on ctrl+c:\n%s", errOut)
	}
	if !strings.Contains(out.String(), "Demo directory stopped (it served "+s.Connection.URL+")") {
		t.Errorf("no goodbye from the demo:\n%q", tail(out.String()))
	}
	if _, err := os.Stat(s.Connection.CAFile); !os.IsNotExist(err) {
		t.Errorf("the demo CA file %s outlived the demo: %v", s.Connection.CAFile, err)
	}
}

func TestDemoFlagBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--demo", "--bogus"},
		{"--demo", "extra"},
		{"--demo", "-c"},
		{"--demo", "--listen", "0.0.0.0:0"},
	} {
		code, _, errOut := runCLI(t, nil, args...)
		if code != 2 || errOut == "" {
			t.Errorf("ldapwiz %v: exit %d, stderr %q; want 2 and a reason", args, code, errOut)
		}
	}
}

// waitFor polls ok for up to 20 s, failing early when the command ends.
func waitFor(t *testing.T, what string, done chan int, ok func() bool, out, errOut *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		select {
		case code := <-done:
			t.Fatalf("ldapwiz exited with %d while waiting for %s:\n%s", code, what, errOut)
		case <-time.After(30 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for %s; output ends:\n%q\n%s", what, tail(out.String()), errOut)
		}
	}
}

// tail is the end of a long output.
func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
