package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// "sync --watch --follow" against slapd with syncprov and an hour between
// runs: a change made in the directory is in the store within 2 s; slapd
// killed and restarted loses nothing (a change made just before it stopped
// and one made as it came back both arrive); SIGTERM (the context) stops
// it cleanly.
func TestSyncWatchFollow(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	setConfig(t, cfg, "max_delete", "max_delete = \"10%\"\ninterval = \"1h\"")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	env := &cliEnv{stdin: strings.NewReader(""), stdout: out, stderr: errOut, getenv: func(k string) string { return vars[k] }}
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, env, []string{"sync", "-c", cfg, "--watch", "--follow"}) }()
	defer func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
	}()

	db, err := store.Open(ctx, filepath.Join(filepath.Dir(cfg), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lastName := func(uid string) string {
		u, err := db.GetUserByName(ctx, uid)
		if err != nil {
			return ""
		}
		return u.LastName
	}
	waitFor := func(what string, within time.Duration, ok func() bool) time.Duration {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > within {
				t.Fatalf("%s: not within %s", what, within)
			}
			time.Sleep(20 * time.Millisecond)
		}
		return time.Since(start)
	}
	users := s.Fixture.Users
	waitFor("the first run", time.Minute, func() bool { return lastName(users[5].UID) == users[5].SN })
	setSN := func(i int, sn string) {
		t.Helper()
		s.Replace(t, users[i].DN, "sn", sn)
	}

	time.Sleep(300 * time.Millisecond) // the persist searches are open
	setSN(5, "Followed")
	took := waitFor("a directory change in the store", 2*time.Second, func() bool { return lastName(users[5].UID) == "Followed" })
	t.Logf("a change reached the store in %s", took)

	setSN(6, "BeforeStop")
	s.Stop()
	time.Sleep(500 * time.Millisecond)
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	setSN(7, "AfterRestart")
	waitFor("the change made before slapd stopped", 15*time.Second, func() bool { return lastName(users[6].UID) == "BeforeStop" })
	waitFor("the change made as slapd came back", 15*time.Second, func() bool { return lastName(users[7].UID) == "AfterRestart" })
	time.Sleep(300 * time.Millisecond)
	setSN(5, "FollowedAgain")
	waitFor("a change after the restart", 2*time.Second, func() bool { return lastName(users[5].UID) == "FollowedAgain" })

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after SIGTERM", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watch did not stop within 10 s of SIGTERM")
	}
	if !strings.Contains(errOut.String(), "following the directory") {
		t.Errorf("stderr does not say it follows the directory")
	}
}
