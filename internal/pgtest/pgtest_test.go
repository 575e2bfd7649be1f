package pgtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestNewDBPasswordAndVerifiedTLS connects to a test database as its role
// with its password over TLS verified against the harness's CA (the
// certificate names 127.0.0.1), and checks that a wrong password is refused.
func TestNewDBPasswordAndVerifiedTLS(t *testing.T) {
	d := NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pem, err := os.ReadFile(d.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg, err := pgx.ParseConfig(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = d.Password
	cfg.TLSConfig = &tls.Config{RootCAs: pool, ServerName: d.Host}
	cfg.Fallbacks = nil
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect with the password over verified TLS: %v", err)
	}
	var ssl bool
	if err := c.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
		t.Errorf("connection not encrypted: ssl=%v err=%v", ssl, err)
	}
	var db string
	c.QueryRow(ctx, `SELECT current_database()`).Scan(&db)
	if db != d.Name {
		t.Errorf("database %q, want %q", db, d.Name)
	}
	c.Close(ctx)

	cfg.Password = "wrong"
	if c, err := pgx.ConnectConfig(ctx, cfg); err == nil {
		c.Close(ctx)
		t.Fatal("a wrong password was accepted")
	} else if !strings.Contains(err.Error(), "password authentication failed") {
		t.Errorf("wrong password: %v", err)
	}
}

// TestPrivateServerStopsByPID starts a server of its own and stops it: the
// process is gone and its run directory removed.
func TestPrivateServerStopsByPID(t *testing.T) {
	s := StartPrivate(t)
	pid := s.PID()
	if pid == 0 {
		t.Fatal("no pid")
	}
	s.Stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("postgres %d still runs after Stop", pid)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("run directory %s still there: %v", s.Dir, err)
	}
}
