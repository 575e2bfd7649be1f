package syncer

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// BenchmarkSyncImport imports 20,000 users from slapd into a fresh store
// and reports entries per second (whole run, and the directory read alone)
// and the peak Go heap, next to ldapsearch reading the same entries (paged,
// output discarded) in the same run; x-ldapsearch-time is the ratio of the
// whole sync's time to ldapsearch's.
//
//	go test ./syncer -run '^$' -bench SyncImport -benchtime 1x
func BenchmarkSyncImport(b *testing.B) {
	const n = 20000
	srv := slapdtest.StartWith(b, slapdtest.Options{NoFixture: true, BulkUsers: n})
	const base = "ou=bulk,dc=example,dc=com"
	s := slapdSettings(srv)
	s.Users.SearchBase = base
	s.Sync.Mode = wizard.ModeImport
	ctx := context.Background()

	// The baseline: ldapsearch reading the same entries and attributes.
	args := append(srv.LdapsearchArgs(), "-b", base, "-E", "pr=500/noprompt", "-LLL", "(objectClass=inetOrgPerson)",
		"uid", "mail", "givenName", "sn", "telephoneNumber", "entryUUID", "objectGUID", "nsUniqueId")
	start := time.Now()
	cmd := exec.Command("ldapsearch", args...)
	if err := cmd.Run(); err != nil {
		b.Fatalf("ldapsearch: %v", err)
	}
	ldapsearchTime := time.Since(start)
	ldapsearchRSS := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024

	b.ResetTimer()
	var total, readTotal time.Duration
	var peak uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s.Store.Path = filepath.Join(b.TempDir(), "store.db")
		db, err := store.Open(ctx, s.Store.Path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		t0 := time.Now()
		rep, err := Run(ctx, s, db, Options{Progress: func(e Event) {
			if e.Phase == PhaseReadStore && e.Done == 0 {
				readTotal += time.Since(t0)
			}
		}})
		total += time.Since(t0)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Applied != n {
			b.Fatalf("applied %d, want %d", rep.Applied, n)
		}
		users, _ := db.ListUsers(ctx, store.UserFilter{})
		if len(users) != n {
			b.Fatalf("store has %d users", len(users))
		}
		db.Close()
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(float64(n)/per.Seconds(), "entries/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(n*b.N)/readTotal.Seconds(), "read-entries/s")
	b.ReportMetric(float64(n)/ldapsearchTime.Seconds(), "ldapsearch-entries/s")
	b.ReportMetric(ldapsearchRSS, "ldapsearch-maxrss-MB")
	b.ReportMetric(per.Seconds()/ldapsearchTime.Seconds(), "x-ldapsearch-time")
}

// sampleHeap records the largest heap in use until the returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}
