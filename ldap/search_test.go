package ldap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

// dataConnAs dials the test server at url as dn.
func dataConnAs(t testing.TB, s *slapdtest.Server, url, dn, password string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{URL: url, VerifyTLS: true, CAFile: s.CAFile, BindDN: dn, BindPassword: password})
	if err != nil {
		t.Fatalf("dial %s as %s: %v", url, dn, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dataConn dials the test server over plain LDAP as the admin.
func dataConn(t testing.TB, s *slapdtest.Server) *Conn {
	return dataConnAs(t, s, s.URL, s.AdminDN, s.AdminPassword)
}

func collect(t *testing.T, c *Conn, req SearchRequest) []*Entry {
	t.Helper()
	var out []*Entry
	if err := c.Search(context.Background(), req, func(e *Entry) error { out = append(out, e); return nil }); err != nil {
		t.Fatalf("search %+v: %v", req, err)
	}
	return out
}

func TestSearchPagedAsReaderPassesTheSizeLimit(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	got := collect(t, c, SearchRequest{Base: slapdtest.PeopleDN, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"uid"}, PageSize: 50})
	if len(got) != 300 {
		t.Fatalf("paged search as reader: want 300 users, got %d", len(got))
	}
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.DN] {
			t.Fatalf("entry %s delivered twice", e.DN)
		}
		seen[e.DN] = true
		if e.First("UID") == "" {
			t.Errorf("%s: no uid (case-insensitive Get)", e.DN)
		}
	}
}

func TestSearchUnpagedOverSizeLimitSuggestsPaging(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	n := 0
	err := c.Search(context.Background(), SearchRequest{Base: slapdtest.BaseDN, Attributes: []string{"1.1"}, PageSize: -1},
		func(*Entry) error { n++; return nil })
	var sl *SizeLimitError
	if !errors.As(err, &sl) {
		t.Fatalf("want a *SizeLimitError, got %v", err)
	}
	if sl.Paged || sl.Delivered != slapdtest.SizeLimit || n != slapdtest.SizeLimit {
		t.Errorf("want unpaged stop after %d entries, got %+v (callback saw %d)", slapdtest.SizeLimit, sl, n)
	}
	for _, want := range []string{"size limit", "page_size", "not paged"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
}

func TestSearchErrorsSayWhatToFix(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	noop := func(*Entry) error { return nil }

	err := c.Search(ctx, SearchRequest{Base: "ou=nowhere,ou=people," + slapdtest.BaseDN}, noop)
	if err == nil || !strings.Contains(err.Error(), "closest existing entry is "+slapdtest.PeopleDN) || !strings.Contains(err.Error(), "search_base") {
		t.Errorf("missing base: %v", err)
	}
	err = c.Search(ctx, SearchRequest{Base: slapdtest.BaseDN, Filter: "(uid=a"}, noop)
	if err == nil || !strings.Contains(err.Error(), "not a valid LDAP filter") {
		t.Errorf("bad filter: %v", err)
	}
	boom := errors.New("boom")
	calls := 0
	err = c.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN, PageSize: 10}, func(*Entry) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("callback error: want boom after 1 call, got %v after %d", err, calls)
	}
	calls = 0
	err = c.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN, PageSize: 10}, func(*Entry) error {
		calls++
		if calls == 25 {
			return ErrStopSearch
		}
		return nil
	})
	if err != nil || calls != 25 {
		t.Errorf("ErrStopSearch: want nil after 25 calls, got %v after %d", err, calls)
	}
	// The connection stays usable after an abandoned search.
	if n, err := c.Count(ctx, slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"); err != nil || n != 300 {
		t.Errorf("count after early stop: %d, %v", n, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = c.Search(cctx, SearchRequest{Base: slapdtest.PeopleDN, PageSize: 10}, func(*Entry) error {
		calls++
		if calls == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: want context.Canceled, got %v after %d entries", err, calls)
	}
	// Cancelling a search leaves the connection usable.
	if n, err := c.Count(ctx, slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"); err != nil || n != 300 {
		t.Errorf("count after a cancelled search: %d, %v", n, err)
	}
}

func TestSearchEscapedValuesInFilters(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	got := collect(t, c, SearchRequest{Base: slapdtest.BaseDN, Filter: "(cn=" + EscapeFilter("Doe, John") + ")", Attributes: []string{"uid"}})
	if len(got) != 1 || got[0].First("uid") != "jdoe" || !DNEqual(got[0].DN, slapdtest.JohnDoeDN) {
		t.Fatalf("search by cn with a comma: %v", got)
	}
	// A value with filter specials must not widen the search.
	got = collect(t, c, SearchRequest{Base: slapdtest.BaseDN, Filter: "(uid=" + EscapeFilter("*") + ")"})
	if len(got) != 0 {
		t.Errorf("escaped * matched %d entries", len(got))
	}
}

// TestStreamingSearchMemoryBounded streams 20,000 bulk users and checks the
// heap stays far below what buffering the result would take.
func TestStreamingSearchMemoryBounded(t *testing.T) {
	const bulk = 20000
	s := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true, BulkUsers: bulk})
	c := dataConn(t, s)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	peak := uint64(0)
	n := 0
	start := time.Now()
	err := c.Search(context.Background(), SearchRequest{Base: s.BaseDN, Filter: "(objectClass=inetOrgPerson)", PageSize: 500}, func(e *Entry) error {
		n++
		if n%1000 == 0 {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak {
				peak = ms.HeapAlloc
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != bulk {
		t.Fatalf("want %d entries, got %d", bulk, n)
	}
	growth := int64(peak) - int64(base)
	t.Logf("streamed %d entries in %v; heap peak %.1f MB (%.1f MB above start)", n, time.Since(start), float64(peak)/1e6, float64(growth)/1e6)
	if growth > 48<<20 {
		t.Errorf("heap grew by %.1f MB while streaming: not bounded by the page size", float64(growth)/1e6)
	}
}

// TestSearchTimeoutAndServerLoss freezes slapd mid-search (SIGSTOP) to check
// the per-wait timeout, then kills it to check the search ends with an
// error instead of hanging.
func TestSearchTimeoutAndServerLoss(t *testing.T) {
	s := slapdtest.Start(t)
	ctx := context.Background()
	c, err := Dial(ctx, Config{URL: s.URL, BindDN: s.AdminDN, BindPassword: s.AdminPassword, Timeout: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pid := s.PID()
	defer syscall.Kill(pid, syscall.SIGCONT)
	n := 0
	start := time.Now()
	err = c.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN, PageSize: 10}, func(*Entry) error {
		n++
		if n == 5 {
			if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			waitStopped(t, pid)
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "connection.timeout") || n < 5 || n > 10 {
		t.Fatalf("frozen server: want a timeout within the first page (5-10 entries), got %v after %d", err, n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	syscall.Kill(pid, syscall.SIGCONT)

	c2 := dataConn(t, s)
	n = 0
	err = c2.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN, PageSize: 10}, func(*Entry) error {
		n++
		if n == 3 {
			s.Stop()
		}
		return nil
	})
	if err == nil || n == 300 {
		t.Fatalf("server gone: search ended without an error after %d entries", n)
	}
	if err := c2.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN}, func(*Entry) error { return nil }); err == nil {
		t.Error("search on a lost connection reported success")
	}
}

// waitStopped waits until process pid is in the stopped state, since
// SIGSTOP is delivered asynchronously.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		// The state follows the parenthesised command name.
		if i := strings.LastIndexByte(string(data), ')'); i >= 0 && i+2 < len(data) && data[i+2] == 'T' {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("slapd (pid %d) did not stop", pid)
}

// TestSearchWithNestedLookups reads other entries from inside the callback
// (what the sync engine does for group members): unpaged lookups on the same
// connection must not break the paged stream, and an unpaged search of the
// whole fixture as the rootdn (no size limit) works too.
func TestSearchWithNestedLookups(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	n := 0
	err := c.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"memberOf"}, PageSize: 7},
		func(e *Entry) error {
			n++
			if n%15 != 0 {
				_, err := c.Entry(ctx, e.DN)
				return err
			}
			for _, g := range e.Get("memberOf") {
				if _, err := c.Entry(ctx, g); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil || n != 300 {
		t.Fatalf("stream with nested lookups: %d entries, %v", n, err)
	}
	all := collect(t, c, SearchRequest{Base: s.BaseDN, Attributes: []string{"1.1"}, PageSize: -1})
	if len(all) < 300 {
		t.Errorf("unpaged search as rootdn: %d entries", len(all))
	}
}

// TestSearchCallbackErrorsPassThrough checks a server error met inside the
// callback is returned as it is, not explained as the stream's own error.
func TestSearchCallbackErrorsPassThrough(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	var inner error
	err := c.Search(ctx, SearchRequest{Base: slapdtest.PeopleDN}, func(*Entry) error {
		_, inner = c.Entry(ctx, "cn=ghost,"+slapdtest.GroupsDN)
		return inner
	})
	if err == nil || err != inner || strings.Contains(err.Error(), "search base \""+slapdtest.PeopleDN) {
		t.Errorf("callback error rewritten: %v (inner %v)", err, inner)
	}
}
