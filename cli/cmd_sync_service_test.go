package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// notifySocket is a systemd notify socket: it collects the datagrams a
// service sends to $NOTIFY_SOCKET.
type notifySocket struct {
	path string
	mu   sync.Mutex
	msgs []string
}

func listenNotify(t *testing.T) *notifySocket {
	t.Helper()
	n := &notifySocket{path: filepath.Join(t.TempDir(), "notify.sock")}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: n.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, string(buf[:k]))
			n.mu.Unlock()
		}
	}()
	return n
}

// all returns what was received, one datagram per line.
func (n *notifySocket) all() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.msgs, "\n")
}

// TestSyncWatchAsService runs the real binary as systemd would run
// ldapwiz-sync.service: "sync --watch --log-format json --metrics-listen"
// with a notify socket and a watchdog. It says READY=1, a status line per
// run, pings the watchdog and says STOPPING=1 on SIGTERM; /metrics holds
// the runs, phases and changes; every stderr line from the logger is JSON
// without the bind password.
func TestSyncWatchAsService(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	setConfig(t, cfg, "max_delete", "max_delete = \"10%\"\ninterval = \"300ms\"")
	bin := buildBinary(t)
	sock := listenNotify(t)

	cmd := exec.Command(bin, "sync", "-c", cfg, "--watch", "--log-format", "json", "--metrics-listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "LDAPWIZ_TEST_PW="+s.AdminPassword, "NOTIFY_SOCKET="+sock.path, "WATCHDOG_USEC=400000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var errMu sync.Mutex
	var errLines []string
	metricsURL := make(chan string, 1)
	errDone := make(chan struct{})
	go func() {
		defer close(errDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			errMu.Lock()
			errLines = append(errLines, sc.Text())
			errMu.Unlock()
			if m := regexp.MustCompile(`metrics on (http://\S+/metrics)`).FindStringSubmatch(sc.Text()); m != nil {
				metricsURL <- m[1]
			}
		}
	}()
	runs := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			runs <- sc.Text()
		}
		close(runs)
	}()
	var url string
	select {
	case url = <-metricsURL:
	case <-time.After(30 * time.Second):
		t.Fatal("no metrics address on stderr")
	}
	for i := 1; i <= 2; i++ {
		select {
		case line := <-runs:
			if !strings.Contains(line, ": success") {
				t.Fatalf("run %d: %s", i, line)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("no run %d line", i)
		}
	}

	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`ldapwiz_sync_runs_total{outcome="success"}`,
		`ldapwiz_sync_last_run_success 1`,
		`ldapwiz_sync_phase_duration_seconds_count{phase="reading directory"}`,
		`ldapwiz_sync_changes_applied_total{kind="user",side="store"}`,
		`ldapwiz_sync_directory_entries_read_total`,
		`ldapwiz_sync_last_run_end_timestamp_seconds`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// The watchdog is pinged at half of WATCHDOG_USEC.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(sock.all(), "WATCHDOG=1") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("sync --watch after SIGTERM: %v", err)
	}
	<-errDone

	got := sock.all()
	for _, want := range []string{"READY=1", "STATUS=watching: a sync every 300ms", "STATUS=run 1: success", "WATCHDOG=1", "STOPPING=1"} {
		if !strings.Contains(got, want) {
			t.Errorf("notify socket lacks %q:\n%s", want, got)
		}
	}

	errMu.Lock()
	defer errMu.Unlock()
	logged := 0
	for _, l := range errLines {
		if strings.Contains(l, s.AdminPassword) {
			t.Errorf("stderr holds the bind password: %s", l)
		}
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("a log line is not JSON: %s", l)
		}
		logged++
	}
	if logged < 2*6 {
		t.Errorf("%d JSON log lines, want a start, 5 phases and an end per run:\n%s", logged, strings.Join(errLines, "\n"))
	}
}
