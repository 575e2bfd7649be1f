package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/pgtest"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
)

// worker is one "ldapwiz sync --watch" process of the real binary.
type worker struct {
	cmd      *exec.Cmd
	out, err *harness.SyncBuffer
	done     chan struct{}
}

// TestSeveralWatchWorkersOnPostgres runs three "sync --watch" processes on
// one PostgreSQL store: exactly one syncs at a time (no two runs overlap,
// the others say they wait), and when the holder is killed (SIGKILL) in the
// middle of its first import, another takes over at its next interval and
// the store converges: complete, consistent, the next runs idle.
func TestSeveralWatchWorkersOnPostgres(t *testing.T) {
	// Enough users for several store batches (of 1,024 changes each), so
	// that the holder is killed between two of its commits.
	const bulk = 6000
	srv := slapdtest.StartWith(t, slapdtest.Options{BulkUsers: bulk})
	pg := pgtest.NewDB(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ldapwiz.toml")
	body := fmt.Sprintf(`[connection]
url = %q
bind_dn = %q
bind_password_env = "LDAPWIZ_TEST_PW"

[users]
search_base = "ou=bulk,%s"

[groups]
search_base = %q

[sync]
mode = "import"
max_delete = "10%%"
interval = "300ms"

[store]
path = %q
url = %q
password_file = %q
ca_file = %q
`, srv.URL, srv.AdminDN, slapdtest.BaseDN, slapdtest.GroupsDN, filepath.Join(dir, "store.db"), pg.URL(), pg.PasswordFile, pg.CAFile)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	workers := make([]*worker, 3)
	for i := range workers {
		w := &worker{out: &harness.SyncBuffer{}, err: &harness.SyncBuffer{}, done: make(chan struct{})}
		w.cmd = exec.Command(bin, "sync", "-c", cfg, "--watch")
		w.cmd.Env = append(os.Environ(), "LDAPWIZ_TEST_PW="+srv.AdminPassword, "NO_COLOR=1")
		w.cmd.Stdout, w.cmd.Stderr = w.out, w.err
		if err := w.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { w.cmd.Wait(); close(w.done) }()
		workers[i] = w
	}
	t.Cleanup(func() {
		for _, w := range workers {
			w.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-w.done:
			case <-time.After(20 * time.Second):
				w.cmd.Process.Kill()
				<-w.done
			}
		}
	})
	dump := func() string {
		var b strings.Builder
		for i, w := range workers {
			fmt.Fprintf(&b, "--- worker %d (pid %d) stdout:\n%s--- stderr:\n%s", i, w.cmd.Process.Pid, w.out.String(), harness.Tail(w.err.String(), 20))
		}
		return b.String()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin, err := pg.Superuser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	count := func(query string) int {
		var n int
		if err := admin.QueryRow(ctx, query).Scan(&n); err != nil {
			return -1
		}
		return n
	}

	// Wait for the first import to be under way, then kill its holder.
	var holder int
	for holder == 0 {
		if ctx.Err() != nil {
			t.Fatalf("no import got under way:\n%s", dump())
		}
		if count(`SELECT COUNT(*) FROM users`) > 0 {
			admin.QueryRow(ctx, `SELECT pid FROM sync_lock`).Scan(&holder)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var victim *worker
	for _, w := range workers {
		if w.cmd.Process.Pid == holder {
			victim = w
		}
	}
	if victim == nil {
		t.Fatalf("the lock holder %d is none of the workers:\n%s", holder, dump())
	}
	if n := count(`SELECT COUNT(*) FROM users`); n >= bulk {
		t.Fatalf("the import finished (%d users) before the holder could be killed", n)
	}
	victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.done
	t.Logf("killed worker %d mid-import at %d users", holder, count(`SELECT COUNT(*) FROM users`))

	// Another worker takes over and converges: all users, then idle runs.
	for {
		if ctx.Err() != nil {
			t.Fatalf("the store did not converge after the holder died (%d users):\n%s", count(`SELECT COUNT(*) FROM users`), dump())
		}
		idle := false
		for _, w := range workers {
			if w != victim && strings.Contains(w.out.String(), " 0 changes planned") {
				idle = true
			}
		}
		if idle && count(`SELECT COUNT(*) FROM users`) == bulk {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Exactly one at a time: no two real runs overlap in time.
	if n := count(`SELECT COUNT(*) FROM sync_runs a JOIN sync_runs b ON a.id < b.id
		WHERE a.dry_run = 0 AND b.dry_run = 0 AND b.started_at < COALESCE(a.finished_at, '9999')`); n != 0 {
		t.Errorf("%d pairs of runs overlapped", n)
	}
	if n := count(`SELECT COUNT(*) FROM sync_runs WHERE outcome = 'interrupted'`); n != 1 {
		t.Errorf("%d interrupted runs, want the killed one", n)
	}
	waits := 0
	for _, w := range workers {
		if strings.Contains(w.out.String(), "waiting: another worker holds the sync lock") {
			waits++
		}
	}
	if waits == 0 {
		t.Errorf("no worker said it waits for the lock:\n%s", dump())
	}
	db, err := store.Config{Path: filepath.Join(dir, "store.db"), URL: pg.URL(), Password: pg.Password, CAFile: pg.CAFile}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	if links, err := db.ListLinks(ctx, store.KindUser); err != nil || len(links) != bulk {
		t.Errorf("%d user links, want %d (%v)", len(links), bulk, err)
	}
}

// TestTestCommandChecksThePostgresStore: "ldapwiz test" connects to the
// PostgreSQL store and says so; with a wrong password it fails on the
// password's setting, never showing it.
func TestTestCommandChecksThePostgresStore(t *testing.T) {
	srv := slapdtest.Start(t)
	pg := pgtest.NewDB(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": srv.AdminPassword, "NO_COLOR": "1"}
	cfg := syncConfigFile(t, srv, "import", slapdtest.PeopleDN)
	setConfig(t, cfg, "path", fmt.Sprintf("path = %q\nurl = %q\npassword_env = \"PG_PW\"\nca_file = %q", filepath.Join(t.TempDir(), "s.db"), pg.URL(), pg.CAFile))
	vars["PG_PW"] = pg.Password
	code, out, errs := runCLI(t, vars, "test", "-c", cfg)
	if code != 0 || !strings.Contains(out, "Store (PostgreSQL)") || !strings.Contains(out, "no schema yet") {
		t.Fatalf("test exit %d:\n%s\n%s", code, out, errs)
	}
	vars["PG_PW"] = "wrong-password-x"
	code, out, _ = runCLI(t, vars, "test", "-c", cfg)
	if code != 1 || !strings.Contains(out, "password authentication failed") || !strings.Contains(out, "store.password_file") || strings.Contains(out, "wrong-password-x") {
		t.Fatalf("wrong password: exit %d:\n%s", code, out)
	}
}
