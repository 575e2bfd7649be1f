package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DB is a database of its own for one test, owned by a role of its own
// that logs in with a password over TCP (TLS offered).
type DB struct {
	Server   *Server
	Host     string // 127.0.0.1
	Port     int
	Name     string // the database, also the role's name
	User     string
	Password string // never print it
	// PasswordFile holds Password (mode 0600), for store.password_file.
	PasswordFile string
	// CAFile is the PEM of the CA that signed the server certificate, for
	// store.ca_file: the certificate names 127.0.0.1 and localhost.
	CAFile string
}

// NewDB creates a role and a database for the test on the shared server
// (started on first use); both are dropped when the test ends.
func NewDB(t testing.TB) *DB {
	t.Helper()
	return NewDBOn(t, Shared(t))
}

// NewDBOn creates a role and a database for the test on srv.
func NewDBOn(t testing.TB, srv *Server) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "lw_" + randomHex(8)
	d := &DB{Server: srv, Host: srv.Host, Port: srv.Port, Name: name, User: name, Password: randomHex(16), CAFile: srv.CAFile}
	d.PasswordFile = filepath.Join(t.TempDir(), "pg-password")
	if err := os.WriteFile(d.PasswordFile, []byte(d.Password+"\n"), 0o600); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	c, err := srv.superuser(ctx, "postgres")
	if err != nil {
		t.Fatalf("pgtest: connect as the superuser: %v", err)
	}
	defer c.Close(ctx)
	for _, stmt := range []string{
		fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s'`, name, d.Password),
		fmt.Sprintf(`CREATE DATABASE %s OWNER %s`, name, name),
	} {
		if _, err := c.Exec(ctx, stmt); err != nil {
			t.Fatalf("pgtest: create the test database: %v", err)
		}
	}
	t.Cleanup(func() { d.drop() })
	return d
}

// drop removes the test's database (closing its connections) and role.
func (d *DB) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := d.Server.superuser(ctx, "postgres")
	if err != nil {
		return // the server is gone: nothing to drop
	}
	defer c.Close(ctx)
	c.Exec(ctx, `DROP DATABASE IF EXISTS `+d.Name+` WITH (FORCE)`)
	c.Exec(ctx, `DROP ROLE IF EXISTS `+d.User)
}

// URL is the database's postgres:// URL without the password (the store
// reads that from store.password_file or store.password_env) and without
// sslmode (the store verifies TLS by default).
func (d *DB) URL() string {
	u := url.URL{Scheme: "postgres", User: url.User(d.User), Host: d.Host + ":" + strconv.Itoa(d.Port), Path: "/" + d.Name}
	return u.String()
}

// Superuser connects to the test's database as the postgres superuser over
// the server's socket, for a test that inspects or breaks things behind the
// store's back. Close it.
func (d *DB) Superuser(ctx context.Context) (*pgx.Conn, error) {
	return d.Server.superuser(ctx, d.Name)
}

// pkixName is a subject with only a common name.
func pkixName(cn string) pkix.Name { return pkix.Name{CommonName: cn} }

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
