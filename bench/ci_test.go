//go:build benchci

package bench

import (
	"os"
	"testing"
)

// Bounds of the CI-sized check: about three times what the engine measured
// at 5,000 users when they were set (2026-12-06: CPU 4-6x ldapsearch's for
// the resync and 11-21x for the import, 38 and 51 MB resident), so that
// noise on a shared machine passes and a threefold regression fails. At
// this size ldapsearch uses 10-20 ms of CPU, which the clock counts in 10
// ms steps, so the CPU bounds leave room for that too. CPU ratios are used
// because other jobs on the machine disturb them far less than wall times.
const (
	ciUsers          = 5000
	ciMaxResyncRatio = 20.0 // no-change import-mode, quiet and two-way resyncs, incremental run with 100 changes: CPU ÷ ldapsearch's CPU
	ciMaxImportRatio = 50.0 // first import, CPU ÷ ldapsearch's CPU
	ciMaxRSSMB       = 120.0
	// ciMaxLiveMB bounds the largest live heap (usage.liveMB), which
	// measured 7-9 MB at this size (1 MB for quiet runs) on 2026-12-06:
	// peak RSS here is mostly the binary's fixed 25 MB, so a run that holds
	// three times as much shows in the live heap long before it passes
	// ciMaxRSSMB.
	ciMaxLiveMB = 25.0
)

// TestEngineCI is the benchmark at CI size: 5,000 users, two rounds of a
// first import, a no-change resync, the same resync again (which must be
// quiet) and a no-change two-way resync. It fails when any of their CPU
// ratios to ldapsearch (the import's bound, or the resyncs'), or any peak
// RSS or live heap, passes its bound. It is built
// only with the benchci tag (.ci/run sets it): it times whole processes, so
// it runs alone, not beside the rest of the suite.
func TestEngineCI(t *testing.T) {
	bin := buildLdapwiz(t, t.TempDir())
	b := newBed(t, ciUsers, bin)
	cases := []string{caseImport, caseResync, caseRepeat, caseTwoWay}
	res := b.measure(t, 2, cases)
	report(os.Stdout, res, cases)
	for _, c := range []string{caseResync, caseRepeat, caseTwoWay} {
		if r := median(res.cases[c].cpuRatio); r > ciMaxResyncRatio {
			t.Errorf("%s of %d users took %.1fx ldapsearch's CPU time; the bound is %.0fx", c, ciUsers, r, ciMaxResyncRatio)
		}
	}
	if r := median(res.cases[caseImport].cpuRatio); r > ciMaxImportRatio {
		t.Errorf("the first import of %d users took %.1fx ldapsearch's CPU time; the bound is %.0fx", ciUsers, r, ciMaxImportRatio)
	}
	for _, c := range cases {
		checkMemory(t, c, res.cases[c])
	}
}

// checkMemory fails t when case c's peak RSS or live heap passed its bound.
func checkMemory(t *testing.T, c string, s *summary) {
	t.Helper()
	if rss := maxOf(s.rss); rss > ciMaxRSSMB {
		t.Errorf("%s, %d users, peaked at %.0f MB resident; the bound is %.0f MB", c, ciUsers, rss, ciMaxRSSMB)
	}
	if live := maxOf(s.live); live > ciMaxLiveMB {
		t.Errorf("%s, %d users, held %.0f MB live at its fullest; the bound is %.0f MB", c, ciUsers, live, ciMaxLiveMB)
	}
}

// TestIncrementalCI is the incremental benchmark at CI size: 5,000 users
// on slapd with syncprov, two rounds of a quiet run and a run with 100
// changes after a first import, and the --follow latency. Every run must
// read incrementally, plan what it should and be quiet exactly when
// nothing changed (incrSync fails it otherwise); the run with 100 changes
// must stay within the resync's CPU bound (it measured 3.5-4.7x CPU and
// 40 MB at this size on 2026-12-06, so the same margin or more), and
// every run within the RSS and live heap bounds. Built only with the
// benchci tag, like TestEngineCI.
func TestIncrementalCI(t *testing.T) {
	requireSQLiteStore(t) // before building and starting anything
	b := newSyncprovBed(t, ciUsers, buildLdapwiz(t, t.TempDir()))
	cases, follow := measureIncremental(t, b, 2)
	reportIncremental(os.Stdout, ciUsers, cases, follow)
	if r := median(cases[caseIncr100].cpuRatio); r > ciMaxResyncRatio {
		t.Errorf("the incremental run with %d changes of %d users took %.1fx ldapsearch's CPU time; the bound is %.0fx",
			incrementalChanges, ciUsers, r, ciMaxResyncRatio)
	}
	for _, c := range []string{caseIncrSettle, caseIncr0, caseIncr100} {
		checkMemory(t, c, cases[c])
	}
}
