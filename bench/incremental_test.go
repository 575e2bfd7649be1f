package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/store"
)

// The incremental cases.
const (
	caseIncrSettle = "incremental run, 0 changes, first after the import (quiet: the import certified its end state)"
	caseIncr0      = "incremental run, 0 changes (import)"
	caseIncr100    = "incremental run, 100 changes (import)"
)

// incrementalChanges is how many users caseIncr100 changes.
const incrementalChanges = 100

// BenchmarkIncremental measures incremental sync at each size of -sizes,
// against slapd with syncprov: after a first import that keeps the token,
// an incremental run with nothing changed and one after 100 users changed,
// each as a ratio to ldapsearch reading the whole directory just before;
// then the latency of "sync --watch --follow" (a change made in the
// directory until it is in the store). The package documentation gives
// the command.
func BenchmarkIncremental(b *testing.B) {
	requireSQLiteStore(b)
	bin := buildLdapwiz(b, b.TempDir())
	for _, n := range benchSizes(b) {
		bd := newSyncprovBed(b, n, bin)
		cases, follow := measureIncremental(b, bd, *roundsFlag)
		reportIncremental(os.Stdout, bd.shape.users, cases, follow)
		bd.srv.Stop()
	}
}

// incrReport is the part of a sync report the incremental cases check.
type incrReport struct {
	Outcome string `json:"outcome"`
	Error   string `json:"error"`
	Plan    struct {
		Actions []json.RawMessage `json:"actions"`
		Read    struct {
			Incremental bool   `json:"incremental"`
			Unchanged   bool   `json:"unchanged"`
			Reason      string `json:"reason"`
			Changes     int    `json:"changes"`
		} `json:"read"`
	} `json:"plan"`
}

// incrSync runs one timed import sync and checks it read incrementally
// and planned wantActions changes, and that it was quiet (read neither
// the store nor the kept view) exactly when wantQuiet.
func (b *bed) incrSync(tb testing.TB, cfg string, wantActions int, wantQuiet bool) usage {
	tb.Helper()
	rep := filepath.Join(b.dir, "report.json")
	os.Remove(rep)
	u, err := timedGo(b.dir, b.bin, "sync", "-c", cfg, "--report", rep)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(rep)
	if err != nil {
		tb.Fatal(err)
	}
	var r incrReport
	if err := json.Unmarshal(data, &r); err != nil {
		tb.Fatal(err)
	}
	switch {
	case r.Outcome != "success":
		tb.Fatalf("outcome %s: %s", r.Outcome, r.Error)
	case wantActions >= 0 && !r.Plan.Read.Incremental:
		tb.Fatalf("the run read the directory whole: %s", r.Plan.Read.Reason)
	case wantActions >= 0 && len(r.Plan.Actions) != wantActions:
		tb.Fatalf("planned %d changes, want %d", len(r.Plan.Actions), wantActions)
	case wantActions >= 0 && r.Plan.Read.Unchanged != wantQuiet:
		tb.Fatalf("quiet %v, want %v", r.Plan.Read.Unchanged, wantQuiet)
	}
	return u
}

// adminConn returns a connection to the bed's slapd bound as the rootdn;
// close it when done.
func (b *bed) adminConn(tb testing.TB) *goldap.Conn {
	tb.Helper()
	conn, err := goldap.DialURL(b.srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	if err := conn.Bind(b.srv.AdminDN, b.srv.AdminPassword); err != nil {
		conn.Close()
		tb.Fatal(err)
	}
	return conn
}

// changeUsers sets the sn of n users (round r's, so each round changes
// other values) as the rootdn.
func (b *bed) changeUsers(tb testing.TB, r, n int) {
	tb.Helper()
	conn := b.adminConn(tb)
	defer conn.Close()
	step := max(1, b.shape.users/n)
	for i := 0; i < n; i++ {
		m := goldap.NewModifyRequest(userDN(i*step+1), nil)
		m.Replace("sn", []string{fmt.Sprintf("Round%dChange%d", r, i)})
		if err := conn.Modify(m); err != nil {
			tb.Fatal(err)
		}
	}
}

// requireSQLiteStore fails unless -store is sqlite: the incremental runs
// poll a SQLite store for --follow.
func requireSQLiteStore(tb testing.TB) {
	tb.Helper()
	if *storeFlag != "sqlite" {
		tb.Fatalf("-store %s: the incremental runs poll a SQLite store for --follow; use -store sqlite", *storeFlag)
	}
}

// measureIncremental runs the incremental cases rounds times, then
// "sync --watch --follow" (followWatch).
func measureIncremental(tb testing.TB, b *bed, rounds int) (map[string]*summary, followStats) {
	tb.Helper()
	st := b.newStore(tb, 0)
	defer st.remove()
	cfg := b.config("import", st)
	b.incrSync(tb, cfg, -1, false) // the first import, keeping the token
	cases := map[string]*summary{caseIncrSettle: {}, caseIncr0: {}, caseIncr100: {}}
	// The import into SQLite certifies its end state (its writes traced
	// at any size), so the run after it is quiet, as is every later run
	// with nothing changed, also right after a run that applied 100
	// changes.
	base, err := b.ldapsearch()
	if err != nil {
		tb.Fatal(err)
	}
	cases[caseIncrSettle].add(pair{wiz: b.incrSync(tb, cfg, 0, true), base: base})
	for r := 0; r < rounds; r++ {
		if base, err = b.ldapsearch(); err != nil {
			tb.Fatal(err)
		}
		cases[caseIncr0].add(pair{wiz: b.incrSync(tb, cfg, 0, true), base: base})
		b.changeUsers(tb, r, incrementalChanges)
		if base, err = b.ldapsearch(); err != nil {
			tb.Fatal(err)
		}
		cases[caseIncr100].add(pair{wiz: b.incrSync(tb, cfg, incrementalChanges, false), base: base})
	}
	return cases, b.followWatch(tb, cfg, st.path, 5)
}

// reportIncremental prints measureIncremental's table for a directory of
// users users.
func reportIncremental(w io.Writer, users int, cases map[string]*summary, f followStats) {
	fmt.Fprintf(w, "\n%d users, slapd with syncprov, SQLite store; incremental runs after a first import\n", users)
	fmt.Fprintf(w, "| case %s\n|---|---|---|---|---|---|---|---|\n", rowHeader)
	for _, c := range []string{caseIncrSettle, caseIncr0, caseIncr100} {
		fmt.Fprintln(w, cases[c].row(c))
	}
	lat := f.latency
	fmt.Fprintf(w, "| sync --watch --follow: a directory change until it is in the store | median %.2f s (%.2f–%.2f) | | | | | | |\n", median(lat), minOf(lat), maxOf(lat))
	fmt.Fprintf(w, "| sync --watch --follow: resident once idle for %s after its runs, and at its peak | | | | | | %.0f MB; peak %.0f MB | |\n",
		followIdle, f.idle, f.peak)
}

// followStats is what followWatch measured of one "sync --watch
// --follow": how long each change took to reach the store, and the
// process's resident memory once idle after its runs and at its peak
// (MB).
type followStats struct {
	latency    []float64
	idle, peak float64
}

// followIdle is how long followWatch leaves the watching sync idle before
// it reads its memory: past the 3 s after which a watching sync gives
// back what its last run held.
const followIdle = 5 * time.Second

// followWatch starts "sync --watch --follow" on cfg, changes one user n
// times, half a second after the last change reached the store, and
// returns how long each change took to reach the store, and the process's
// memory once idle for followIdle and at its peak.
func (b *bed) followWatch(tb testing.TB, cfg, storePath string, n int) followStats {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, "sync", "-c", cfg, "--watch", "--follow")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() { // the first run's line
		tb.Fatal("sync --watch --follow printed no run")
	}
	go func() {
		for lines.Scan() {
		}
	}()
	db, err := store.Open(ctx, storePath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	uid := uidOf(3)
	var out followStats
	memory := func(field string) float64 {
		mb, err := procStatusMB(cmd.Process.Pid, field)
		if err != nil {
			tb.Fatal(err)
		}
		return mb
	}
	for i := 0; i < n; i++ {
		time.Sleep(500 * time.Millisecond)
		want := fmt.Sprintf("Followed%d", i)
		conn, err := goldap.DialURL(b.srv.URL)
		if err != nil {
			tb.Fatal(err)
		}
		if err := conn.Bind(b.srv.AdminDN, b.srv.AdminPassword); err != nil {
			tb.Fatal(err)
		}
		m := goldap.NewModifyRequest(userDN(3), nil)
		m.Replace("sn", []string{want})
		start := time.Now()
		if err := conn.Modify(m); err != nil {
			tb.Fatal(err)
		}
		conn.Close()
		for {
			if u, err := db.GetUserByName(ctx, uid); err == nil && u.LastName == want {
				break
			}
			if time.Since(start) > 5*time.Minute {
				tb.Fatalf("change %d did not reach the store in 5 minutes", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
		out.latency = append(out.latency, time.Since(start).Seconds())
	}
	time.Sleep(followIdle)
	out.idle, out.peak = memory("VmRSS"), memory("VmHWM")
	return out
}

// procStatusMB reads a memory field of /proc/PID/status (VmRSS, VmHWM),
// in MB.
func procStatusMB(pid int, field string) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status: %s: %w", pid, field, err)
			}
			return kb / 1000, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}
