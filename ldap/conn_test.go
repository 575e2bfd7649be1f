package ldap

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

func TestParseURL(t *testing.T) {
	good := map[string]Target{
		"ldap://ldap.example.com":        {"ldap", "ldap.example.com", "389"},
		"ldaps://ldap.example.com":       {"ldaps", "ldap.example.com", "636"},
		"LDAPS://LDAP.example.com:1636/": {"ldaps", "LDAP.example.com", "1636"},
		"ldap://[::1]":                   {"ldap", "::1", "389"},
		"ldaps://[2001:db8::7]:3269":     {"ldaps", "2001:db8::7", "3269"},
		" ldap://127.0.0.1:1389 ":        {"ldap", "127.0.0.1", "1389"},
	}
	for in, want := range good {
		got, err := ParseURL(in)
		if err != nil || got != want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if got := (Target{"ldap", "::1", "389"}).Addr(); got != "[::1]:389" {
		t.Errorf("Addr of an IPv6 target = %q, want [::1]:389", got)
	}
	bad := map[string]string{
		"":                                "empty",
		"ldap.example.com":                "no scheme",
		"http://example.com":              `scheme "http" is not supported`,
		"ldapi:///run/ldapi":              `scheme "ldapi" is not supported`,
		"ldaps://":                        "no host",
		"ldap://[::1":                     "not a valid URL",
		"ldap://example.com:x":            "65535",
		"ldap://admin:s3cret@example.com": "user name",
	}
	for in, want := range bad {
		_, err := ParseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q): %v, want an error containing %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseURL(%q): the error quotes the URL's password: %v", in, err)
		}
	}
}

// forwardIPv6 listens on [::1] and forwards each connection to addr; it
// returns the port. The listener closes when the test ends.
func forwardIPv6(t *testing.T, addr string) int {
	t.Helper()
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatalf("listen on [::1] (IPv6 loopback needed for this test): %v", err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", addr)
			if err != nil {
				in.Close()
				continue
			}
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// TestConnectByIPv6Literal reaches slapd through ldap://[::1]:PORT: the
// connection, the bind and the staged test all work with a bracketed IPv6
// literal, and the default port is used when none is given.
func TestConnectByIPv6Literal(t *testing.T) {
	s := slapdtest.Start(t)
	port := forwardIPv6(t, fmt.Sprintf("127.0.0.1:%d", s.Port))
	url := fmt.Sprintf("ldap://[::1]:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Dial(ctx, readerConfig(s, url))
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer c.Close()
	if tg := c.Target(); tg.Host != "::1" || tg.Port != fmt.Sprint(port) || c.Encrypted() {
		t.Errorf("target %+v encrypted %v", tg, c.Encrypted())
	}
	e, err := c.Entry(ctx, slapdtest.JohnDoeDN)
	if err != nil || e == nil {
		t.Fatalf("read over IPv6: %v", err)
	}

	res := runTest(t, readerConfig(s, url), fixtureScope())
	wantStep(t, res, StepDNS, StepOK, "", "::1")
	wantStatuses(t, res, map[string]StepStatus{StepTCP: StepOK, StepRootDSE: StepOK, StepBind: StepOK, StepUsers: StepOK})
}
