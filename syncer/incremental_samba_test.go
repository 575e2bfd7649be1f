package syncer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Against Samba AD (no RFC 4533; DirSync and uSNChanged offered): after a
// full run, 10 users modified, 3 added, 2 deleted, 1 moved and a
// membership changed → the run reads only the entries changed since the
// kept highestCommittedUSN (plus an id-only scan for deletes), plans what
// a full run plans, and leaves the store row for row as a full run leaves
// its own.
func TestIncrementalUSNAgainstSamba(t *testing.T) {
	inc := newADEnv(t, "incremental")
	inc.s.Sync.Mode = wizard.ModeImport
	fullS := inc.s
	fullS.Sync.Incremental = wizard.IncrementalOff
	fullS.Store.Path = filepath.Join(t.TempDir(), "full.db")
	fullDB, err := store.Open(inc.ctx, fullS.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fullDB.Close() })
	fullSync := func() {
		t.Helper()
		if _, err := Run(inc.ctx, fullS, fullDB, Options{Getenv: inc.getenv}); err != nil {
			t.Fatalf("full sync: %v", err)
		}
	}
	rows := func(db *store.DB) []string { return storeRows(t, &syncEnv{t: t, ctx: inc.ctx, db: db}) }

	var users []string
	for i := 0; i < 16; i++ {
		users = append(users, inc.addUser(t, fmt.Sprintf("inc%02d", i), "User", fmt.Sprintf("N%02d", i), false))
	}
	team := inc.addGroup(t, "inc-team", users[:8]...)
	inc.addGroup(t, "inc-all", users...)
	sub := "OU=sub," + inc.ou
	if err := inc.admin.Add(inc.ctx, sub, map[string][]string{"objectClass": {"top", "organizationalUnit"}, "ou": {"sub"}}); err != nil {
		t.Fatal(err)
	}

	first := inc.sync(t)
	if r := first.Plan.Read; r == nil || r.Incremental || r.Method != ldap.SyncMethodUSN || !strings.Contains(r.Reason, "no sync token yet") {
		t.Fatalf("first run read %+v; want a full read keeping a uSN token", first.Plan.Read)
	}
	fullSync()
	sameRows(t, rows(inc.db), rows(fullDB))

	for i := 0; i < 10; i++ {
		inc.modify(t, users[i], ldap.ModReplace, "sn", fmt.Sprintf("Changed%02d", i))
	}
	added := []string{inc.addUser(t, "incnew1", "New", "One", false), inc.addUser(t, "incnew2", "New", "Two", false), inc.addUser(t, "incnew3", "New", "Three", false)}
	for _, dn := range users[10:12] {
		if err := inc.admin.Delete(inc.ctx, dn); err != nil {
			t.Fatal(err)
		}
	}
	rdn := strings.SplitN(users[12], ",", 2)[0]
	if _, err := inc.admin.Rename(inc.ctx, users[12], rdn, sub); err != nil {
		t.Fatal(err)
	}
	inc.modify(t, team, ldap.ModAdd, "member", added[0])
	inc.modify(t, team, ldap.ModDelete, "member", users[7])

	rep := inc.sync(t)
	r := rep.Plan.Read
	t.Logf("read: %s", r.Line())
	if !r.Incremental || r.Method != ldap.SyncMethodUSN || r.Changes == 0 || r.Changes > 40 {
		t.Fatalf("second run read %+v; want incremental by uSNChanged, a few dozen changes at most", r)
	}
	if sum := rep.Plan.Summary(); sum["store create user"] != 3 || sum["store delete user"] != 2 {
		t.Errorf("summary %v; want 3 users created and 2 deleted in the store", sum)
	}
	fullSync()
	sameRows(t, rows(inc.db), rows(fullDB))
	inc.idle(t)

	// A token above the server's highestCommittedUSN (another server, or
	// a restored one) is refused: a full read, said.
	setCookies(t, &syncEnv{t: t, ctx: inc.ctx, db: inc.db}, "999999999")
	if r := inc.sync(t).Plan.Read; r.Incremental || !strings.Contains(r.Reason, "is below the token") {
		t.Fatalf("a token from the future: read %+v; want a full read saying why", r)
	}
	if r := inc.sync(t).Plan.Read; !r.Incremental || r.Changes != 0 {
		t.Fatalf("the run after: read %+v; want incremental with nothing changed", r)
	}
}

// FollowDirectory on Samba AD polls highestCommittedUSN: a change made in
// the directory is reported within a poll or two.
func TestFollowDirectoryAgainstSamba(t *testing.T) {
	e := newADEnv(t, "follow")
	dn := e.addUser(t, "follow1", "Follow", "One", false)
	calls := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() {
		done <- FollowDirectory(ctx, e.s, e.getenv, func() { calls <- struct{}{} }, func(m string) { t.Log(m) })
	}()
	select {
	case <-calls: // the catch-up call once connected
	case <-time.After(30 * time.Second):
		t.Fatal("FollowDirectory never connected")
	}
	e.modify(t, dn, ldap.ModReplace, "sn", "Followed")
	select {
	case <-calls:
	case <-time.After(3 * followPoll):
		t.Fatalf("a change was not reported within %s", 3*followPoll)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("FollowDirectory ended with %v, want nil after cancel", err)
	}
}
