package store

import (
	"context"
	"path/filepath"
	"testing"

	"ldapwiz/internal/pgtest"
)

// backend opens fresh stores of one kind for the tests that run on both.
type backend struct {
	name string
	open func(t *testing.T) *DB
}

// backends are SQLite (a file in a temporary directory) and PostgreSQL (a
// database of the test's own on the real server pgtest starts).
func backends() []backend {
	return []backend{{"sqlite", openTest}, {"postgres", openPGTest}}
}

// forBackends runs f once per backend, as subtests.
func forBackends(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// openTest opens a fresh database file in a temporary directory, closed at
// the end of the test.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ldapwiz.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// pgConfig returns the Config of a fresh PostgreSQL database for the test,
// reached over TLS verified against the harness's CA, with the key file in
// a temporary directory.
func pgTestConfig(t *testing.T) Config {
	t.Helper()
	d := pgtest.NewDB(t)
	return Config{Path: filepath.Join(t.TempDir(), "ldapwiz.db"), URL: d.URL(), Password: d.Password, CAFile: d.CAFile}
}

// openPGTest opens (migrating) a fresh PostgreSQL store, closed at the end
// of the test.
func openPGTest(t *testing.T) *DB {
	t.Helper()
	db, err := pgTestConfig(t).Open(context.Background())
	if err != nil {
		t.Fatalf("Open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// reopen opens another handle on db's store, closed at the end of the test.
func reopen(t *testing.T, db *DB) *DB {
	t.Helper()
	db2, err := db.cfg.Open(context.Background())
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

// mustUser creates a user or fails the test.
func mustUser(t *testing.T, db *DB, name string) *User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), NewUser{Username: name, Email: name + "@example.com", FirstName: "First", LastName: name})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

// mustIntegrity fails the test when the integrity check does.
func mustIntegrity(t *testing.T, db *DB) {
	t.Helper()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("IntegrityCheck: %v", err)
	}
}
