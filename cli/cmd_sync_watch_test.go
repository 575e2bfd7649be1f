package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// cancelAfter is stdout for a watch: it cancels the watch once n run lines
// were written.
type cancelAfter struct {
	bytes.Buffer
	n      int
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if strings.Count(w.String(), " run ") >= w.n {
		w.cancel()
	}
	return n, err
}

// watch runs "sync --watch" on cfg until it printed runs lines (or a minute
// passed) and returns the exit code, stdout and stderr.
func watch(t *testing.T, vars map[string]string, cfg string, runs int) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := &cancelAfter{n: runs, cancel: cancel}
	var errOut bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: out, stderr: &errOut, getenv: func(k string) string { return vars[k] }}
	code := runContext(ctx, env, []string{"sync", "-c", cfg, "--watch"})
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("the watch did not print %d runs in a minute:\n%s\n%s", runs, out.String(), errOut.String())
	}
	t.Logf("exit %d\nstdout:\n%sstderr:\n%s", code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// setConfig rewrites the first line starting with key in the config file.
func setConfig(t *testing.T, path, key, line string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	done := false
	for i, l := range lines {
		if strings.HasPrefix(l, key) && !done {
			lines[i], done = line, true
		}
	}
	if !done {
		t.Fatalf("no %s in %s", key, path)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSyncWatch(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	setConfig(t, cfg, "max_delete", "max_delete = \"10%\"\ninterval = \"50ms\"")

	// Runs every interval: the first imports, the next ones change nothing.
	code, out, errs := watch(t, vars, cfg, 3)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 3 || !strings.Contains(errs, "a sync every 50ms") {
		t.Fatalf("watch exit %d:\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(lines[0], "run 1: success") || strings.Contains(lines[0], " 0 changes planned") {
		t.Errorf("first run: %s", lines[0])
	}
	for _, l := range lines[1:3] {
		if !strings.Contains(l, ": success") || !strings.Contains(l, " 0 changes planned") {
			t.Errorf("a later run: %s", l)
		}
	}

	// A refused run (the empty-result guard) is reported every time, the
	// loop goes on, and the exit code is 1.
	setConfig(t, cfg, "search_base", `search_base = "ou=sales,ou=people,dc=example,dc=com"`+"\nfilter = \"(uid=nobody-has-this)\"")
	code, out, errs = watch(t, vars, cfg, 2)
	if code != 1 || strings.Count(out, ": refused") < 2 || strings.Count(errs, "run 2: refused: the directory returned 0 users") != 1 {
		t.Errorf("refused runs: exit %d\n%s\n%s", code, out, errs)
	}

	// Failed runs (the directory is gone) do not stop the loop.
	setConfig(t, cfg, "url", `url = "ldap://127.0.0.1:1"`)
	code, out, errs = watch(t, vars, cfg, 2)
	if code != 1 || strings.Count(out, ": failed") < 2 || strings.Count(errs, "connect to the directory") < 2 {
		t.Errorf("failed runs: exit %d\n%s\n%s", code, out, errs)
	}
}

// A watching sync gives back its memory (rest) once it has waited
// restAfter for the next run, once; a run that comes sooner, at its
// interval or on a directory change, finds the heap as the last run left
// it; and the wait ends with its context.
func TestWatchRestsWhenIdle(t *testing.T) {
	rests := 0
	rest := func() { rests++ }
	wake := make(chan struct{}, 1)
	if !waitNext(t.Context(), 30*time.Millisecond, time.Hour, wake, rest) || rests != 0 {
		t.Fatalf("the next run at its interval: rest called %d times, want 0", rests)
	}
	wake <- struct{}{}
	if !waitNext(t.Context(), time.Hour, time.Hour, wake, rest) || rests != 0 {
		t.Fatalf("the next run on a change: rest called %d times, want 0", rests)
	}
	start := time.Now()
	if !waitNext(t.Context(), 300*time.Millisecond, 20*time.Millisecond, wake, rest) || rests != 1 {
		t.Fatalf("a wait past restAfter: rest called %d times, want 1", rests)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("the wait ended after %s, before the interval", waited)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if waitNext(ctx, time.Hour, time.Hour, wake, rest) {
		t.Fatal("the wait went on past its context")
	}
}
