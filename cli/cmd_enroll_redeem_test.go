package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
)

// tokenOf returns the token of the last invitation mailed to addr.
func (f *enrollFixture) tokenOf(addr string) string {
	f.t.Helper()
	var token string
	for _, m := range f.smtp.Messages() {
		if m.To[0] != addr {
			continue
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			f.t.Fatal(err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			f.t.Fatal(err)
		}
		link, err := url.Parse(regexp.MustCompile(`https://\S+`).FindString(string(body)))
		if err != nil {
			f.t.Fatal(err)
		}
		token = link.Query().Get("token")
	}
	if token == "" {
		f.t.Fatalf("no invitation mailed to %s", addr)
	}
	return token
}

// invites returns the invitations of the user named name.
func (f *enrollFixture) invites(name string) []store.Invite {
	f.t.Helper()
	var ins []store.Invite
	f.withDB(func(ctx context.Context, db *store.DB) {
		u, err := db.GetUserByName(ctx, name)
		if err != nil {
			f.t.Fatal(err)
		}
		if ins, err = db.ListInvites(ctx, u.ID); err != nil {
			f.t.Fatal(err)
		}
	})
	return ins
}

// redeem runs "ldapwiz enroll redeem" with token on stdin and checks the
// exit code, that the token appears in no output, and that stderr
// contains want.
func (f *enrollFixture) redeem(token string, wantCode int, want string, extra ...string) string {
	f.t.Helper()
	args := append([]string{"enroll", "redeem", "-c", f.config}, extra...)
	code, out, errs := cli(f.t, token+"\n", args...)
	if code != wantCode {
		f.t.Fatalf("enroll redeem: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, wantCode, out, errs)
	}
	if token != "" && strings.Contains(out+errs, token) {
		f.t.Fatalf("enroll redeem printed the token:\n%s%s", out, errs)
	}
	if !strings.Contains(errs, want) {
		f.t.Fatalf("enroll redeem: stderr lacks %q:\n%s", want, errs)
	}
	return out
}

// mintToken makes a token as ldapwiz does, for invitations a test records
// itself.
func mintToken(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestEnrollRedeemAndDone(t *testing.T) {
	f := newEnrollFixture(t)
	f.syncUsers(f.smtp.Port,
		store.NewUser{Username: "alice", Email: "alice@example.com", FirstName: "Alice", LastName: "Liddell"},
		store.NewUser{Username: "dave", Email: "dave@example.com"})
	token := f.tokenOf("alice@example.com")

	out := f.redeem(token, 0, "")
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got["username"] != "alice" || got["email"] != "alice@example.com" || got["first_name"] != "Alice" ||
		got["last_name"] != "Liddell" || got["enrollment_pending"] != true || got["disabled"] != false || got["id"] == nil {
		t.Fatalf("redeemed user: %s", out)
	}
	for _, secret := range []string{"token", "hash", "password"} {
		if strings.Contains(out, secret) {
			t.Fatalf("output mentions %s:\n%s", secret, out)
		}
	}
	// Once only.
	f.redeem(token, 4, "already been used")

	// The application says the user has finished: pending is cleared;
	// saying it again is fine.
	expect(t, 0, []string{"enrollment of alice is done"}, "", "enroll", "done", "alice", "-c", f.config)
	if f.pending("alice") {
		t.Fatal("enroll done left alice pending")
	}
	expect(t, 0, []string{"alice has already finished enrolling"}, "", "enroll", "done", "alice", "-c", f.config)
	expect(t, 1, []string{"no user named \"ghost\""}, "", "enroll", "done", "ghost", "-c", f.config)
	expect(t, 2, []string{"give exactly one user name"}, "", "enroll", "done", "-c", f.config)

	// A user no longer pending cannot redeem a token left over.
	expect(t, 0, nil, "", "enroll", "done", "dave", "-c", f.config)
	f.redeem(f.tokenOf("dave@example.com"), 7, "already finished enrolling")
	if ins := f.invites("dave"); !ins[0].UsedAt.IsZero() {
		t.Fatal("a refused token was used up")
	}
}

func TestEnrollRedeemRefusals(t *testing.T) {
	f := newEnrollFixture(t)
	f.syncUsers(f.smtp.Port,
		store.NewUser{Username: "bob", Email: "bob@example.com"},
		store.NewUser{Username: "erin", Email: "erin@example.com"},
		store.NewUser{Username: "olga", Email: "olga@example.com"})

	// Unknown: a token no invitation has, garbage, nothing.
	f.redeem(mintToken(t), 3, "not valid")
	f.redeem("garbage", 3, "not valid")
	f.redeem("", 3, "no token on stdin")

	// Disabled in the store ("ldapwiz users disable", the path a sync
	// takes too): refused as disabled, and the invitation is revoked.
	bob := f.tokenOf("bob@example.com")
	expect(t, 0, nil, "", "users", "disable", "bob", "-c", f.config)
	if ins := f.invites("bob"); len(ins) != 1 || !ins[0].Revoked() {
		t.Fatalf("bob's invitation after the disable: %+v", ins)
	}
	f.redeem(bob, 6, "disabled")
	// Enabling bob again does not revive the revoked link.
	expect(t, 0, nil, "", "users", "enable", "bob", "-c", f.config)
	f.redeem(bob, 6, "disabled")

	// Deleted: the user is gone, so the token is unknown.
	erin := f.tokenOf("erin@example.com")
	expect(t, 0, nil, "", "users", "delete", "erin", "-c", f.config)
	f.redeem(erin, 3, "not valid")

	// Expired: an invitation whose expiry has passed.
	expired := mintToken(t)
	f.withDB(func(ctx context.Context, db *store.DB) {
		u, err := db.GetUserByName(ctx, "olga")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReplaceUserInvites(ctx, u.ID, store.TokenHash(expired), time.Now().Add(-time.Minute), ""); err != nil {
			t.Fatal(err)
		}
	})
	f.redeem(expired, 5, "expired")
	if ins := f.invites("olga"); !ins[0].UsedAt.IsZero() {
		t.Fatal("an expired token was used up")
	}
}

func TestEnrollRedeemTokenNeverOnCommandLine(t *testing.T) {
	f := newEnrollFixture(t)
	f.syncUsers(f.smtp.Port, store.NewUser{Username: "pat", Email: "pat@example.com"})
	token := f.tokenOf("pat@example.com")
	code, out, errs := cli(t, "", "enroll", "redeem", token, "-c", f.config)
	if code != 2 || !strings.Contains(errs, "stdin") || !strings.Contains(errs, "ps") {
		t.Fatalf("token as an argument: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, token) {
		t.Fatalf("the refusal repeats the token:\n%s%s", out, errs)
	}
	// One token in 64 starts with "-" and reads as a flag, one in 4096 as
	// -c and a file name; a token may also be given after dashes, or as a
	// flag's value. Each is refused alike, and no part of it is quoted
	// back: not the token, not what the flag parser would make of it.
	for _, c := range []struct {
		name   string
		secret string   // the token in the arguments
		args   []string // given before "-c CONFIG"
	}{
		{"a token starting with -c", "-c" + token[2:], []string{"-c" + token[2:]}},
		{"a token starting with --c", "--c" + token[3:], []string{"--c" + token[3:]}},
		{"a token starting with -", "-" + token[1:], []string{"-" + token[1:]}},
		{"a token starting with -x", "-x" + token[2:], []string{"-x" + token[2:]}},
		{"a token starting with --", "--" + token[2:], []string{"--" + token[2:]}},
		{"a token after -", token, []string{"-" + token}},
		{"a token glued to --", token, []string{"--" + token}},
		{"a token after -c", token, []string{"-c" + token}},
		{"a token after -c=", token, []string{"-c=" + token}},
		{"a token after --config=", token, []string{"--config=" + token}},
		{"a token starting with -c after --config=", "-c" + token[2:], []string{"--config=-c" + token[2:]}},
		{"a token after --db=", token, []string{"--db=" + token}},
		{"a token as the value of -c", token, []string{"-c", token}},
		{"a token as the value of --db", token, []string{"--db", token}},
		{"a token after the -- argument", token, []string{"--", token}},
	} {
		args := append(append([]string{"enroll", "redeem"}, c.args...), "-c", f.config)
		code, out, errs := cli(t, "", args...)
		if code != 2 || !strings.Contains(errs, "token on the command line") || !strings.Contains(errs, "stdin") || !strings.Contains(errs, "ps") {
			t.Errorf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", c.name, code, out, errs)
		}
		if part := sharedPart(out+errs, c.secret, 8); part != "" {
			t.Errorf("%s: the refusal repeats %q of the token:\n%s%s", c.name, part, out, errs)
		}
		if part := sharedPart(out+errs, token, 8); part != "" {
			t.Errorf("%s: the refusal repeats %q of the token:\n%s%s", c.name, part, out, errs)
		}
	}
	if ins := f.invites("pat"); !ins[0].UsedAt.IsZero() {
		t.Fatal("a token given on the command line was used")
	}
	// Given properly, it still works; --db works instead of a config file.
	code, out, errs = cli(t, token+"\n", "enroll", "redeem", "--db", f.dbPath)
	if code != 0 || !strings.Contains(out, `"username": "pat"`) || strings.Contains(out+errs, token) {
		t.Fatalf("redeem --db: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

// sharedPart returns the first part of secret at least n characters long
// that text contains, or "".
func sharedPart(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

func TestEnrollRedeemHoldsToken(t *testing.T) {
	token := strings.Repeat("Ab3_", 10) + "xyz" // 43 base64url characters
	for arg, want := range map[string]bool{
		token:                          true,
		"-" + token[1:]:                true,
		"-c" + token[2:]:               true,
		"--c" + token[3:]:              true,
		"-" + token:                    true,
		"--" + token:                   true,
		"---" + token:                  true,
		"-c" + token:                   true,
		"-hc" + token:                  true,
		"-c=" + token:                  true,
		"--config=" + token:            true,
		"--config=-" + token[1:]:       true,
		"--db=" + token:                true,
		strings.Repeat("-", 43):        true,
		"":                             false,
		"-":                            false,
		"--":                           false,
		"-c":                           false,
		"--config":                     false,
		"--bogus":                      false,
		"/etc/ldapwiz.toml":            false,
		"--db=/var/lib/app/users.db":   false,
		token[1:]:                      false,
		token + "A":                    false,
		"x" + token:                    false, // not a flag: refused as an argument, unquoted
		"-c" + token[3:]:               false, // 42 characters after "-": no token
		token + "\n":                   true,
		" " + token:                    true,
		"-c" + token + "\r":            true,
		"--config=" + token[:42] + "=": false,
	} {
		if got := holdsToken(arg); got != want {
			t.Errorf("holdsToken(%q) = %v, want %v", arg, got, want)
		}
	}
}

func TestEnrollRedeemHelpDocumentsExitCodes(t *testing.T) {
	out := expect(t, 0, nil, "", "enroll", "redeem", "--help")
	for _, want := range []string{"stdin", "0 ", "3 ", "4 ", "5 ", "6 ", "7 ", "unknown", "used", "expired", "disabled", "printf"} {
		if !strings.Contains(out, want) {
			t.Errorf("enroll redeem --help lacks %q:\n%s", want, out)
		}
	}
	expect(t, 0, []string{"enrollment_pending"}, "", "enroll", "done", "--help")
	expect(t, 0, []string{"redeem", "done"}, "", "enroll", "--help")
}
