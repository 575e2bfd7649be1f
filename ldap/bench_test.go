package ldap

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

// benchEntries is the size of the bulk directory both benchmarks read.
const benchEntries = 20000

const benchFilter = "(objectClass=inetOrgPerson)"

// BenchmarkStreamingSearch streams 20,000 entries (all user attributes,
// pages of 500) and reports entries/s and the peak Go heap while streaming.
// Compare with BenchmarkLdapsearchBaseline, run in the same invocation:
//
//	go test ./ldap -run '^$' -bench 'StreamingSearch|LdapsearchBaseline' -benchtime 3x
func BenchmarkStreamingSearch(b *testing.B) {
	s := slapdtest.StartWith(b, slapdtest.Options{NoFixture: true, BulkUsers: benchEntries})
	c := dataConn(b, s)
	ctx := context.Background()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	startHeap := ms.HeapAlloc
	var peak uint64
	total := 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n := 0
		err := c.Search(ctx, SearchRequest{Base: s.BaseDN, Filter: benchFilter, PageSize: 500}, func(e *Entry) error {
			n++
			if n%2500 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != benchEntries {
			b.Fatalf("read %d entries, want %d", n, benchEntries)
		}
		total += n
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(total)/elapsed.Seconds(), "entries/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(int64(peak)-int64(startHeap))/(1<<20), "heap-growth-MB")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-rss-MB")
	}
}

// BenchmarkLdapsearchBaseline reads the same 20,000 entries with OpenLDAP's
// ldapsearch (-E pr=500/noprompt) to /dev/null, reporting entries/s and
// ldapsearch's peak resident memory (measured with GNU time).
func BenchmarkLdapsearchBaseline(b *testing.B) {
	s := slapdtest.StartWith(b, slapdtest.Options{NoFixture: true, BulkUsers: benchEntries})
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Fatal("/usr/bin/time (GNU time) is needed to measure ldapsearch's memory: apt-get install time")
	}
	rssFile := b.TempDir() + "/maxrss"
	var peakKB int64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		// GNU time measures ldapsearch's own peak RSS (the rusage of a child
		// started straight from Go carries the Go process's high-water mark).
		args := append([]string{"-f", "%M", "-o", rssFile, "ldapsearch"}, s.LdapsearchArgs()...)
		args = append(args, "-E", "pr=500/noprompt", "-b", s.BaseDN, benchFilter)
		cmd := exec.Command("/usr/bin/time", args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = devnull, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("ldapsearch: %v %s", err, stderr.String())
		}
		if data, err := os.ReadFile(rssFile); err == nil {
			if kb, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
				peakKB = max(peakKB, kb)
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(benchEntries*b.N)/elapsed.Seconds(), "entries/s")
	b.ReportMetric(float64(peakKB)/1024, "peak-rss-MB")
}
