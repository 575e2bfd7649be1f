package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ldapwiz/internal/pgtest"
)

// benchStore is the store one round syncs into: a SQLite file, or a
// database of its own on the private PostgreSQL (-store postgres).
type benchStore struct {
	path string     // SQLite: the file
	pg   *pgtest.DB // PostgreSQL: the database
}

// newStore makes round r's empty store, as -store asks.
func (b *bed) newStore(tb testing.TB, r int) benchStore {
	tb.Helper()
	switch *storeFlag {
	case "sqlite":
		return benchStore{path: filepath.Join(b.dir, fmt.Sprintf("round%d.db", r))}
	case "postgres":
		return benchStore{pg: pgtest.NewDB(tb)}
	}
	tb.Fatalf("-store: %q is neither sqlite nor postgres", *storeFlag)
	return benchStore{}
}

// toml is the store's [store] settings.
func (s benchStore) toml() string {
	if s.pg != nil {
		return fmt.Sprintf("url = %q\npassword_file = %q\nca_file = %q", s.pg.URL(), s.pg.PasswordFile, s.pg.CAFile)
	}
	return fmt.Sprintf("path = %q", s.path)
}

// sizeMB is the store's size on disk: the SQLite files, or the database
// as PostgreSQL counts it.
func (s benchStore) sizeMB() float64 {
	if s.pg != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := s.pg.Superuser(ctx)
		if err != nil {
			return 0
		}
		defer c.Close(ctx)
		var n int64
		if err := c.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
			return 0
		}
		return float64(n) / (1 << 20)
	}
	var n int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return float64(n) / (1 << 20)
}

// remove deletes a SQLite store; a PostgreSQL database is dropped when the
// benchmark ends.
func (s benchStore) remove() {
	if s.pg != nil {
		return
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(s.path + suffix)
	}
}
