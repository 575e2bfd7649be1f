package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSyncLockTwoHandlesSameFile(t *testing.T) { forBackends(t, testSyncLockTwoHandlesSameFile) }

func testSyncLockTwoHandlesSameFile(t *testing.T, be backend) {
	ctx := context.Background()
	db1 := be.open(t)
	db2 := reopen(t, db1)

	lock, err := db1.LockSync(ctx, "ldapwiz sync")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db2.LockSync(ctx, "ldapwiz sync --watch")
	if !errors.Is(err, ErrSyncRunning) {
		t.Fatalf("second acquirer: %v, want ErrSyncRunning", err)
	}
	host, _ := os.Hostname()
	for _, want := range []string{"ldapwiz sync", fmt.Sprintf("pid %d", os.Getpid()), host, "started 20"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not mention %q", err, want)
		}
	}
	h, err := db2.syncLockHolder(ctx)
	if err != nil || h == nil || h.Owner != "ldapwiz sync" || h.PID != os.Getpid() {
		t.Fatalf("lock holder: %+v %v", h, err)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if err := lock.Release(); err != nil { // twice is harmless
		t.Fatalf("second release: %v", err)
	}
	if h, _ := db2.syncLockHolder(ctx); h != nil {
		t.Fatalf("lock still held after release: %+v", h)
	}
	lock2, err := db2.LockSync(ctx, "second")
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	lock2.Release()
}

func TestSyncLockGoroutinesRace(t *testing.T) { forBackends(t, testSyncLockGoroutinesRace) }

func testSyncLockGoroutinesRace(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won int
	var locks []*SyncLock
	var refused int
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l, err := db.LockSync(ctx, fmt.Sprintf("worker %d", i))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
				locks = append(locks, l)
			case errors.Is(err, ErrSyncRunning):
				refused++
			default:
				t.Errorf("worker %d: unexpected error %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if won != 1 || refused != n-1 {
		t.Fatalf("%d acquired and %d refused; want 1 and %d", won, refused, n-1)
	}
	locks[0].Release()
	mustIntegrity(t, db)
}

func TestSyncLockReleaseAfterCancel(t *testing.T) { forBackends(t, testSyncLockReleaseAfterCancel) }

func testSyncLockReleaseAfterCancel(t *testing.T, be backend) {
	db := be.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	lock, err := db.LockSync(ctx, "sync")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := lock.Release(); err != nil {
		t.Fatalf("release with a cancelled context: %v", err)
	}
	if h, _ := db.syncLockHolder(context.Background()); h != nil {
		t.Fatalf("lock held after release with a cancelled context: %+v", h)
	}
}

// insertLock writes a lock row as another process would have.
func insertLock(t *testing.T, db *DB, owner string, pid int, host, pidStart string) {
	t.Helper()
	_, err := db.sql.Exec(db.d.rebind(`INSERT INTO sync_lock (id, token, owner, pid, host, pid_start, started_at) VALUES (1, 'other', ?, ?, ?, ?, ?)`),
		owner, pid, host, pidStart, fmtTime(now().Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
}

func TestSyncLockStaleTakeover(t *testing.T) { forBackends(t, testSyncLockStaleTakeover) }

func testSyncLockStaleTakeover(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	host, _ := os.Hostname()

	// A pid that certainly no longer runs: a child that has exited.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := cmd.Process.Pid
	insertLock(t, db, "ldapwiz sync (crashed)", deadPID, host, "")
	crashed, err := db.BeginRun(ctx, "two-way", false, "ldapwiz sync (crashed)")
	if err != nil {
		t.Fatal(err)
	}
	dry, _ := db.BeginRun(ctx, "two-way", true, "a preview running now")

	lock, err := db.LockSync(ctx, "ldapwiz sync")
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if lock.TakenOver == nil || lock.TakenOver.PID != deadPID || lock.TakenOver.Owner != "ldapwiz sync (crashed)" {
		t.Fatalf("TakenOver = %+v", lock.TakenOver)
	}
	if r, _ := db.GetRun(ctx, crashed.ID); r.Outcome != OutcomeInterrupted || r.FinishedAt.IsZero() || r.Error == "" {
		t.Fatalf("crashed run not marked interrupted: %+v", r)
	}
	if r, _ := db.GetRun(ctx, dry.ID); r.Outcome != OutcomeRunning {
		t.Fatalf("a dry run was touched: %+v", r)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}

	// Our own pid, but a different process start time: the pid was reused.
	if start := processStart(os.Getpid()); start != "" {
		insertLock(t, db, "old process", os.Getpid(), host, "1")
		lock, err := db.LockSync(ctx, "sync")
		if err != nil || lock.TakenOver == nil {
			t.Fatalf("reused pid not detected: %v", err)
		}
		lock.Release()
	}

	// On PostgreSQL, holding the advisory lock proves any recorded holder
	// gone, whatever its host: taken over, nothing to break.
	insertLock(t, db, "ldapwiz sync", 1, "elsewhere.example", "")
	if db.pgDB() {
		lock, err := db.LockSync(ctx, "sync")
		if err != nil || lock.TakenOver == nil || lock.TakenOver.Host != "elsewhere.example" {
			t.Fatalf("lock left by a worker of another host: %+v %v", lock, err)
		}
		lock.Release()
		if prev, err := db.BreakSyncLock(ctx); err != nil || prev != nil {
			t.Fatalf("BreakSyncLock of a free lock: %+v %v", prev, err)
		}
		return
	}
	// Another host cannot be checked: refused, with the way out named.
	_, err = db.LockSync(ctx, "sync")
	if !errors.Is(err, ErrSyncRunning) || !strings.Contains(err.Error(), "elsewhere.example") || !strings.Contains(err.Error(), "--break-lock") {
		t.Fatalf("lock of another host: %v", err)
	}
	prev, err := db.BreakSyncLock(ctx)
	if err != nil || prev == nil || prev.Host != "elsewhere.example" {
		t.Fatalf("BreakSyncLock: %+v %v", prev, err)
	}
	if prev, err := db.BreakSyncLock(ctx); err != nil || prev != nil {
		t.Fatalf("BreakSyncLock of a free lock: %+v %v", prev, err)
	}
	lock, err = db.LockSync(ctx, "sync")
	if err != nil {
		t.Fatal(err)
	}
	lock.Release()
}

// TestSyncLockOtherProcess holds the lock in a real second process: while it
// lives we are refused; once it is killed, its lock is taken over.
func TestSyncLockOtherProcess(t *testing.T) { forBackends(t, testSyncLockOtherProcess) }

func testSyncLockOtherProcess(t *testing.T, be backend) {
	if path := os.Getenv("LDAPWIZ_LOCK_HELPER_DB"); path != "" {
		holdLockAndWait(Config{Path: path, URL: os.Getenv("LDAPWIZ_LOCK_HELPER_URL"),
			Password: os.Getenv("LDAPWIZ_LOCK_HELPER_PW"), CAFile: os.Getenv("LDAPWIZ_LOCK_HELPER_CA")})
		return
	}
	ctx := context.Background()
	db := be.open(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncLockOtherProcess$")
	cmd.Env = append(os.Environ(), "LDAPWIZ_LOCK_HELPER_DB="+db.cfg.Path, "LDAPWIZ_LOCK_HELPER_URL="+db.cfg.URL,
		"LDAPWIZ_LOCK_HELPER_PW="+db.cfg.Password, "LDAPWIZ_LOCK_HELPER_CA="+db.cfg.CAFile)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LOCKED") {
		t.Fatalf("helper did not take the lock: %q %v", line, err)
	}
	_, err = db.LockSync(ctx, "parent")
	if !errors.Is(err, ErrSyncRunning) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("while the helper lives: %v", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// PostgreSQL ends the dead helper's session (and frees its lock) as
	// soon as it reads the closed connection: allow it a moment.
	lock, err := db.LockSync(ctx, "parent")
	for deadline := time.Now().Add(10 * time.Second); errors.Is(err, ErrSyncRunning) && db.pgDB() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		lock, err = db.LockSync(ctx, "parent")
	}
	if err != nil {
		t.Fatalf("after the helper died: %v", err)
	}
	if lock.TakenOver == nil || lock.TakenOver.PID != cmd.Process.Pid {
		t.Fatalf("TakenOver = %+v", lock.TakenOver)
	}
	lock.Release()
}

// holdLockAndWait is the helper process: take the lock, say so, wait to be killed.
func holdLockAndWait(c Config) {
	db, err := c.Open(context.Background())
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	if _, err := db.LockSync(context.Background(), "helper process"); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("LOCKED")
	time.Sleep(time.Minute)
	os.Exit(0)
}
