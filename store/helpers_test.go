package store

import (
	"context"
	"path/filepath"
	"testing"
)

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
