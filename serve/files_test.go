package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
)

// newPub returns a fresh public key and its authorized_keys line.
func newPub(t *testing.T, comment string) (gossh.PublicKey, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := gossh.NewPublicKey(pub)
	return k, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))) + " " + comment
}

func TestServeKeyFileSkipsBadLinesByNumber(t *testing.T) {
	a, lineA := newPub(t, "alice@example.com")
	b, lineB := newPub(t, "bob@example.com")
	c, lineC := newPub(t, "carol@example.com")
	text := "# admins\n\n" + lineA + "\nssh-ed25519 AAAA-broken x\n" + `from="10.0.0.0/8" ` + lineC + "\n   " + lineB + "\n"
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	entries, err := readKeyFile(path, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := findKey(entries, a); !ok || e.comment != "alice@example.com" {
		t.Errorf("alice (line 3) not found: %+v", entries)
	}
	if e, ok := findKey(entries, b); !ok || e.comment != "bob@example.com" {
		t.Errorf("bob (line 6, after the bad lines) not found: %+v", entries)
	}
	if _, ok := findKey(entries, c); ok {
		t.Error("a key with options (from=) was accepted though options are not enforced")
	}
	for _, want := range []string{"line=4 ", "line=5 "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log does not name %s:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "AAAA-broken") {
		t.Errorf("the log repeats a bad line's content:\n%s", log.String())
	}
}

func TestServeHostKeyCreatedOnceAndReused(t *testing.T) {
	path := DefaultHostKeyPath(filepath.Join(t.TempDir(), "ldapwiz.toml"))
	first, created, err := LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first start: created=%v, %v", created, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key file: %v, %v; want mode 0600", fi, err)
	}
	if first.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ed25519", first.PublicKey().Type())
	}
	again, created, err := LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("second start: created=%v, %v", created, err)
	}
	if gossh.FingerprintSHA256(again.PublicKey()) != gossh.FingerprintSHA256(first.PublicKey()) {
		t.Error("the host key changed across a restart")
	}
}

// plainModel is a model whose view is fixed text.
type plainModel string

func (m plainModel) Init() tea.Cmd                       { return nil }
func (m plainModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m plainModel) View() tea.View                      { return tea.NewView(string(m)) }

func TestServeNoticeReplacesTheLastLine(t *testing.T) {
	m := &sessionModel{inner: plainModel("top\nmiddle\nhelp bar")}
	m.Update(tea.WindowSizeMsg{Width: 20, Height: 3})
	m.Update(noticeMsg("stopping now"))
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != 3 || lines[1] != "middle" || !strings.Contains(lines[2], " stopping now") || strings.Contains(lines[2], "help bar") {
		t.Errorf("the notice is not over the last line: %q", lines)
	}
}
