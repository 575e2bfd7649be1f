package syncer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// childSyncEnv names the environment variable that turns the test binary
// into a sync process for TestSyncProcessKilledConverges: it holds the
// settings as JSON.
const childSyncEnv = "LDAPWIZ_TEST_CHILD_SYNC"

// childFaultEnv, in such a child, names a fault point (see
// applier.faultPoint): the child prints "fault POINT" when it reaches it
// and waits there to be killed.
const childFaultEnv = "LDAPWIZ_TEST_CHILD_FAULT"

// TestMain runs the tests, or, in a child started by
// TestSyncProcessKilledConverges or TestSyncKilledAtFaultPointConverges,
// one sync with the settings given that prints "apply N" after each
// applied change (and "fault POINT" at its fault point) until it is killed.
func TestMain(m *testing.M) {
	if js := os.Getenv(childSyncEnv); js != "" {
		os.Exit(childSync(js))
	}
	os.Exit(m.Run())
}

func childSync(js string) int {
	var s wizard.Settings
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	ctx := context.Background()
	db, err := store.Open(ctx, s.Store.Path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	opts := Options{Owner: "killed child", Progress: func(ev Event) {
		if ev.Phase == PhaseApply && ev.Action != nil {
			fmt.Printf("apply %d\n", ev.Done)
			time.Sleep(3 * time.Millisecond) // leave the parent time to kill mid-run
		}
	}}
	if want := os.Getenv(childFaultEnv); want != "" {
		opts.faultHook = func(point string) {
			if point == want {
				fmt.Printf("fault %s\n", point)
				time.Sleep(time.Hour) // killed here
			}
		}
	}
	_, err = Run(ctx, s, db, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A sync process killed (SIGKILL) at arbitrary points while applying
// leaves a store that passes the integrity check; the next run takes over
// the dead process's lock, records the killed run as interrupted, and
// converges to the state of an uninterrupted run.
func TestSyncProcessKilledConverges(t *testing.T) {
	ref := newSmallEnv(t)
	seedMany(ref)
	total := len(ref.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP).Plan.Actions)
	want := ref.state()
	for _, killAt := range []int{1, total / 3, total - 3} {
		t.Run(fmt.Sprintf("kill_after_%d_of_%d", killAt, total), func(t *testing.T) {
			e := newSmallEnv(t)
			seedMany(e)
			killed, stderr, err := killChildSync(t, e, wizard.ModeTwoWay, wizard.AuthorityLDAP, nil, func(line string) bool {
				n, _ := strconv.Atoi(strings.TrimPrefix(line, "apply "))
				return n >= killAt
			})
			if !killed || err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("the child was not killed mid-run (killed %v): %v\n%s", killed, err, stderr)
			}
			if err := e.db.IntegrityCheck(e.ctx); err != nil {
				t.Fatalf("store after the kill: %v", err)
			}
			rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if rep.Failed != 0 {
				t.Fatalf("rerun: %s", rep.Error)
			}
			runs, err := e.db.ListRuns(e.ctx, 2)
			if err != nil || len(runs) != 2 || runs[1].Outcome != store.OutcomeInterrupted || runs[0].Outcome != store.OutcomeSuccess {
				t.Errorf("runs after the rerun: %+v %v", runs, err)
			}
			if got := e.state(); got != want {
				t.Errorf("state after a kill and rerun differs from an uninterrupted run:\n%s", diffLines(want, got))
			}
			e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		})
	}
}

// killChildSync runs a sync of e's settings in mode/authority in a child
// process of this test binary (env: more variables for it) and kills it
// (SIGKILL) at the first line of its output for which killAt is true. It
// returns whether it killed the child, its standard error, and its exit
// error.
func killChildSync(t *testing.T, e *syncEnv, mode, authority string, env []string, killAt func(line string) bool) (bool, string, error) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, authority
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(append(os.Environ(), childSyncEnv+"="+string(js)), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if !killed && killAt(sc.Text()) {
			killed = cmd.Process.Kill() == nil
		}
	}
	err = cmd.Wait()
	return killed, stderr.String(), err
}
