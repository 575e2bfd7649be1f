package enroll

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExpiredTokenRefused(t *testing.T) {
	e := NewTestEnv(t)
	e.S.Enrollment.TokenTTL = "300ms"
	u := e.user("late", "late@example.com", "L", "Ate")
	if rep := e.created(u); rep.Sent != 1 {
		t.Fatalf("report: %+v", rep)
	}
	token := e.Mails(0)["late@example.com"].Token
	time.Sleep(400 * time.Millisecond)
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("expired token: %v, want ErrTokenExpired", err)
	}
	// Refusing an expired token does not use it up: retrigger is the way out.
	if ins, _ := e.DB.ListInvites(e.Ctx, u.ID); !ins[0].UsedAt.IsZero() {
		t.Fatal("an expired token was marked used")
	}
}

func TestUnknownAndUsedTokensRefused(t *testing.T) {
	e := NewTestEnv(t)
	u := e.user("once", "once@example.com", "O", "Nce")
	e.created(u)
	token := e.Mails(0)["once@example.com"].Token
	other, _, _ := newToken()
	for _, bad := range []string{"", "short", strings.Repeat("A", 43), other, token + "x"} {
		if _, err := VerifyToken(e.Ctx, e.DB, bad); !errors.Is(err, ErrTokenUnknown) {
			t.Errorf("VerifyToken(%q): %v, want ErrTokenUnknown", bad, err)
		}
	}
	if _, err := VerifyToken(e.Ctx, e.DB, " "+token+"\n"); err != nil {
		t.Fatalf("valid token (with spaces): %v", err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrTokenUsed) {
		t.Fatalf("used token: %v", err)
	}
	// The three errors are distinct and say what to do.
	for _, err := range []error{ErrTokenUnknown, ErrTokenUsed, ErrTokenExpired} {
		if !strings.Contains(err.Error(), "administrator") {
			t.Errorf("%v: no advice", err)
		}
	}
}

func TestNewTokenIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash, err := newToken()
		if err != nil {
			t.Fatal(err)
		}
		if !WellFormedToken(tok) || len(hash) != 64 || hash == tok || seen[tok] {
			t.Fatalf("token %q hash %q", tok, hash)
		}
		seen[tok] = true
	}
}

func TestWellFormedToken(t *testing.T) {
	tok, _, err := newToken()
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{
		tok:                                true,
		strings.Repeat("-", 43):            true, // "-" is a base64url character
		strings.Repeat("A", 43):            true,
		"":                                 false,
		tok[1:]:                            false,
		tok + "A":                          false,
		"-" + tok:                          false,
		strings.Repeat("A", 42) + "=":      false,
		strings.Repeat("A", 42) + "+":      false,
		strings.Repeat("A", 40) + "\n\n\n": false,
	} {
		if got := WellFormedToken(s); got != want {
			t.Errorf("WellFormedToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestInviteLink(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"https://app.example.com/enroll", "https://app.example.com/enroll?token=T-_1"},
		{" https://app.example.com/enroll?lang=en ", "https://app.example.com/enroll?lang=en&token=T-_1"},
		{"https://app.example.com/enroll?a=1&", "https://app.example.com/enroll?a=1&token=T-_1"},
		{"https://app.example.com/e#x", "https://app.example.com/e?token=T-_1#x"},
		{"http://localhost:8080/", "http://localhost:8080/?token=T-_1"},
	} {
		got, err := InviteLink(c.url, "T-_1")
		if err != nil || got != c.want {
			t.Errorf("InviteLink(%q) = %q, %v; want %q", c.url, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "app.example.com/enroll", "ftp://x/y"} {
		if _, err := InviteLink(bad, "t"); err == nil || !strings.Contains(err.Error(), "enrollment.invite_url") {
			t.Errorf("InviteLink(%q): %v", bad, err)
		}
	}
}
