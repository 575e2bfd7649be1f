package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Two handles on one file, several goroutines each, all writing: the busy
// timeout and IMMEDIATE transactions must serialize them without a single
// "database is locked".
func TestConcurrentWritersTwoHandles(t *testing.T) { forBackends(t, testConcurrentWritersTwoHandles) }

func testConcurrentWritersTwoHandles(t *testing.T, be backend) {
	ctx := context.Background()
	db1 := be.open(t)
	db2 := reopen(t, db1)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for h, db := range []*DB{db1, db2} {
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					name := fmt.Sprintf("u%d-%d-%d", h, w, i)
					err := db.WithTx(ctx, func(tx *Tx) error {
						u, err := tx.CreateUser(ctx, NewUser{Username: name})
						if err != nil {
							return err
						}
						_, err = tx.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "id-" + name, DN: "uid=" + name + ",dc=x"})
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent write: %v", err)
	}
	if ls, _ := db1.ListLinks(ctx, KindUser); len(ls) != 200 {
		t.Fatalf("%d links, want 200", len(ls))
	}
	mustIntegrity(t, db1)
}

// BenchmarkImportUsers measures what a sync importing users costs in the
// store: one transaction per user (user + link + change row), as the engine
// records each applied change.
func BenchmarkImportUsers(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run, _ := db.BeginRun(ctx, "import", false, "bench")
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("user%07d", i)
		err := db.WithTx(ctx, func(tx *Tx) error {
			u, err := tx.CreateUser(ctx, NewUser{Username: name, Email: name + "@example.com", FirstName: "F", LastName: "L", FromLDAP: true})
			if err != nil {
				return err
			}
			if _, err := tx.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "uuid-" + name, DN: "uid=" + name + ",ou=people,dc=example,dc=com",
				Base: Values{"mail": {name + "@example.com"}, "givenName": {"F"}, "sn": {"L"}}}); err != nil {
				return err
			}
			_, err = tx.AddChange(ctx, Change{RunID: run.ID, Side: SideStore, Op: OpCreate, Kind: KindUser, Name: name})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkImportUsersBatched is BenchmarkImportUsers with 500 users per
// transaction: what an engine gains by batching store-only changes.
func BenchmarkImportUsersBatched(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run, _ := db.BeginRun(ctx, "import", false, "bench")
	b.ResetTimer()
	for start := 0; start < b.N; start += 500 {
		err := db.WithTx(ctx, func(tx *Tx) error {
			for i := start; i < min(start+500, b.N); i++ {
				name := fmt.Sprintf("user%07d", i)
				u, err := tx.CreateUser(ctx, NewUser{Username: name, Email: name + "@example.com", FirstName: "F", LastName: "L", FromLDAP: true})
				if err != nil {
					return err
				}
				if _, err := tx.UpsertLink(ctx, Link{Kind: KindUser, LocalID: u.ID, StableID: "uuid-" + name, DN: "uid=" + name + ",ou=people,dc=example,dc=com",
					Base: Values{"mail": {name + "@example.com"}, "givenName": {"F"}, "sn": {"L"}}}); err != nil {
					return err
				}
				if _, err := tx.AddChange(ctx, Change{RunID: run.ID, Side: SideStore, Op: OpCreate, Kind: KindUser, Name: name}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}
