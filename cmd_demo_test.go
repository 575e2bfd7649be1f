package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDemoCommand runs "ldapwiz ARGS" in the background and waits for the
// URL it prints.
func startDemoCommand(t *testing.T, args ...string) (url string, out *lockedBuffer, done chan int) {
	t.Helper()
	out = &lockedBuffer{}
	errOut := &lockedBuffer{}
	env := &cliEnv{stdin: strings.NewReader(""), stdout: out, stderr: errOut, getenv: func(string) string { return "" }}
	done = make(chan int, 1)
	go func() { done <- run(env, args) }()
	re := regexp.MustCompile(`URL:\s+(ldap://\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, done
		}
		select {
		case code := <-done:
			t.Fatalf("ldapwiz %v exited with %d:\n%s%s", args, code, out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("ldapwiz %v printed no URL:\n%s%s", args, out, errOut)
	return "", nil, nil
}

// interrupt sends SIGINT to this process, as Ctrl-C would; the command's
// signal.NotifyContext catches it, and waits for the command to end.
func interrupt(t *testing.T, done chan int) int {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not stop on SIGINT")
	}
	return -1
}

func TestDemoServerCommand(t *testing.T) {
	url, out, done := startDemoCommand(t, "demo-server", "--listen", "127.0.0.1:0")
	text := out.String()
	for _, want := range []string{"cn=admin,dc=example,dc=com", "demo-admin", `search_base = "ou=people,dc=example,dc=com"`, "CA certificate:"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	caFile := regexp.MustCompile(`CA certificate: (\S+)`).FindStringSubmatch(text)[1]
	c, err := goldap.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind("cn=admin,dc=example,dc=com", "demo-admin"); err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(goldap.NewSearchRequest("dc=example,dc=com", goldap.ScopeWholeSubtree, 0, 0, 0, false, "(uid=tyamada)", []string{"cn"}, nil))
	if err != nil || len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("cn") != "山田 太郎" {
		t.Errorf("search through the command's server: %v %v", res, err)
	}
	c.Close()
	if code := interrupt(t, done); code != 0 {
		t.Errorf("exit code %d after Ctrl-C", code)
	}
	if _, err := os.Stat(caFile); !os.IsNotExist(err) {
		t.Errorf("CA file %s left behind: %v", caFile, err)
	}
	if _, err := goldap.DialURL(url); err == nil {
		t.Error("the server still accepts connections after Ctrl-C")
	}
}

func TestDemoServerBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"demo-server", "--listen", "0.0.0.0:0"},
		{"demo-server", "--listen", "nonsense"},
		{"demo-server", "--bogus"},
		{"demo-server", "extra"},
	} {
		code, _, errOut := runCLI(t, nil, args...)
		if code != 2 || errOut == "" {
			t.Errorf("ldapwiz %v: exit %d, stderr %q; want 2 and a reason", args, code, errOut)
		}
	}
}
