package ldap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
)

// refusingURL returns an ldap:// URL of a local port that refuses
// connections for the whole test (harness.RefusingAddr).
func refusingURL(t *testing.T) string {
	t.Helper()
	return "ldap://" + harness.RefusingAddr(t)
}

// silentURL returns an ldap:// URL of a listener that accepts connections
// and never says anything.
func silentURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return "ldap://" + l.Addr().String()
}

func TestDialFailsOverToTheThirdServer(t *testing.T) {
	srv := slapdtest.Start(t)
	const timeout = time.Second
	refused, silent := refusingURL(t), silentURL(t)
	for _, bind := range []struct{ name, dn, pw string }{
		{"simple bind", srv.AdminDN, srv.AdminPassword},
		{"anonymous", "", ""},
	} {
		t.Run(bind.name, func(t *testing.T) {
			cfg := Config{URL: refused + " " + silent + " " + srv.URL, BindDN: bind.dn, BindPassword: bind.pw, Timeout: timeout}
			start := time.Now()
			c, err := Dial(context.Background(), cfg)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			if c.Server() != srv.URL {
				t.Errorf("Server() = %q, want %q", c.Server(), srv.URL)
			}
			if elapsed > 2*timeout {
				t.Errorf("failing over took %s, more than twice the %s timeout", elapsed, timeout)
			}
			if _, err := c.c.WhoAmI(nil); err != nil {
				t.Errorf("the connection does not work: %v", err)
			}
		})
	}
}

func TestConnectURLListWithAnySpace(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := Config{URL: "\t" + refusingURL(t) + "\n  " + srv.URL + " ", Timeout: time.Second}
	c, err := Connect(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer c.Close()
	if c.Server() != srv.URL {
		t.Errorf("Server() = %q, want %q", c.Server(), srv.URL)
	}
}

func TestDialWrongPasswordDoesNotFailOver(t *testing.T) {
	first := slapdtest.Start(t)
	// The second server only counts connections: a failover would reach it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	reached := make(chan struct{}, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			reached <- struct{}{}
			c.Close()
		}
	}()
	cfg := Config{URL: first.URL + " ldap://" + l.Addr().String(), BindDN: first.AdminDN, BindPassword: "wrong", Timeout: 2 * time.Second}
	_, err = Dial(context.Background(), cfg)
	var le *goldap.Error
	if !errors.As(err, &le) || le.ResultCode != goldap.LDAPResultInvalidCredentials {
		t.Fatalf("Dial with a wrong password: %v, want invalid credentials", err)
	}
	var fe *FailoverError
	if errors.As(err, &fe) {
		t.Errorf("a wrong password failed over: %v", err)
	}
	select {
	case <-reached:
		t.Errorf("the second server was contacted after the first refused the password")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestDialAllServersDownListsEach(t *testing.T) {
	a, b := refusingURL(t), refusingURL(t)
	_, err := Dial(context.Background(), Config{URL: a + " " + b, Timeout: time.Second})
	var fe *FailoverError
	if !errors.As(err, &fe) || len(fe.Failures) != 2 {
		t.Fatalf("Dial: %v, want a FailoverError with 2 failures", err)
	}
	for _, u := range []string{a, b} {
		if !strings.Contains(err.Error(), u) {
			t.Errorf("the error does not name %s: %v", u, err)
		}
	}
}

func TestDialBadURLInListStops(t *testing.T) {
	srv := slapdtest.Start(t)
	_, err := Dial(context.Background(), Config{URL: "http://x " + srv.URL, Timeout: time.Second})
	var ue *URLError
	if !errors.As(err, &ue) {
		t.Fatalf("Dial: %v, want the URL error of the first server", err)
	}
}

func TestServers(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "ldap://a"}, "[ldap://a]"},
		{Config{URL: " ldap://a  ldaps://b\tldap://c "}, "[ldap://a ldaps://b ldap://c]"},
		{Config{}, "[]"},
	} {
		if got := fmt.Sprint(c.cfg.Servers()); got != c.want {
			t.Errorf("%+v.Servers() = %s, want %s", c.cfg, got, c.want)
		}
	}
}

func TestRandomOrderTriesEveryServer(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := Config{URL: refusingURL(t) + " " + refusingURL(t) + " " + srv.URL, RandomOrder: true, Timeout: time.Second}
	for range 5 {
		c, err := Dial(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		if c.Server() != srv.URL {
			t.Errorf("Server() = %q", c.Server())
		}
		c.Close()
	}
}
