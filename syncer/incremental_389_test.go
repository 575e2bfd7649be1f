package syncer

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// incremental389Envs are two stores synced from one 389 DS with its
// Content Synchronization plug-in on, connected as the 389 DS preset
// does: inc with sync.incremental = "auto", full with "off".
func incremental389Envs(t *testing.T, mode string) (inc, full *syncEnv, srv *ds389test.Server) {
	t.Helper()
	return incremental389EnvsWith(t, mode, ds389test.Options{})
}

// incremental389EnvsWith is incremental389Envs with the server's data
// options (ContentSync is always on).
func incremental389EnvsWith(t *testing.T, mode string, opts ds389test.Options) (inc, full *syncEnv, srv *ds389test.Server) {
	t.Helper()
	opts.ContentSync = true
	srv = ds389test.StartWith(t, opts)
	s, _ := wizard.Preset(wizard.Preset389DS)
	s.Connection.URL = srv.URL
	s.Connection.VerifyTLS = true
	s.Connection.CAFile = srv.CAFile
	s.Connection.BindDN = srv.AdminDN
	s.Connection.BindPassword = srv.AdminPassword
	s.Sync.Mode = mode
	inc = newSyncEnvFor(t, s)
	s.Sync.Incremental = wizard.IncrementalOff
	full = newSyncEnvFor(t, s)
	return inc, full, srv
}

// Against 389 DS (RFC 4533 through its Content Synchronization plug-in,
// entries named by their nsUniqueId): after a full run, 10 users
// modified, 3 added, 2 deleted, 1 moved and memberships changed → the
// incremental run reads only those, plans what a full run plans, and
// leaves the store row for row as a full run leaves its own. Also with a
// tree where only the entries added over LDAP have entryUUID.
func TestIncrementalSyncAppliesTheChangesLikeAFullRun389(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
		opts       ds389test.Options
	}{
		{wizard.ModeImport, wizard.ModeImport, ds389test.Options{}},
		{wizard.ModeTwoWay, wizard.ModeTwoWay, ds389test.Options{}},
		{"import/mixed-entryUUID", wizard.ModeImport, ds389test.Options{NoEntryUUIDFixup: true}},
	} {
		mode := tc.mode
		t.Run(tc.name, func(t *testing.T) {
			inc, full, srv := incremental389EnvsWith(t, mode, tc.opts)
			first := inc.sync(mode, wizard.AuthorityLDAP)
			if r := first.Plan.Read; r == nil || r.Incremental || r.Method != ldap.SyncMethodSyncrepl || !strings.Contains(r.Reason, "no sync token yet") {
				t.Fatalf("first run read %+v; want a full read keeping a content sync token", first.Plan.Read)
			}
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))
			if again := inc.sync(mode, wizard.AuthorityLDAP); !again.Plan.Read.Incremental || again.Plan.Read.Changes != 0 || len(again.Plan.Actions) != 0 {
				t.Fatalf("a run with nothing changed: read %+v, actions %s\n%s", again.Plan.Read, describe(again.Plan.Actions), srv.ErrorLog(20))
			}

			users := srv.Fixture.Users
			dns := make([]string, len(users))
			for i, u := range users {
				dns[i] = u.DN
			}
			added, _ := inc.changeDirectoryForIncremental(dns, "ou=sales,"+ds389test.PeopleDN)
			moved := users[50]
			inc.addMember(ds389test.EngineeringGroupDN, added[0], true)
			var left ds389test.FixtureUser
			for _, u := range users[60:] {
				if len(u.Groups) > 0 {
					left = u
					break
				}
			}
			inc.addMember(left.Groups[0], left.DN, false)

			incPlan := inc.preview(mode, wizard.AuthorityLDAP)
			fullPlan := full.preview(mode, wizard.AuthorityLDAP)
			if r := incPlan.Read; !r.Incremental || r.Changes == 0 || r.Changes > 40 {
				t.Fatalf("preview read %+v; want incremental from the token, a few dozen changes at most", r)
			}
			if a, b := strings.Join(actionLines(incPlan), "\n"), strings.Join(actionLines(fullPlan), "\n"); a != b {
				t.Fatalf("the incremental plan differs from the full one:\n--- incremental\n%s\n--- full\n%s", a, b)
			}
			rep := inc.sync(mode, wizard.AuthorityLDAP)
			t.Logf("read: %s", rep.Plan.Read.Line())
			if !rep.Plan.Read.Incremental || rep.Outcome != store.OutcomeSuccess || rep.Failed != 0 {
				t.Fatalf("incremental run: read %+v, outcome %s, failed %d: %s", rep.Plan.Read, rep.Outcome, rep.Failed, rep.Error)
			}
			if sum := rep.Plan.Summary(); sum["store create user"] != 3 || sum["store delete user"] != 2 {
				t.Errorf("summary %v; want 3 users created and 2 deleted in the store", sum)
			}
			full.sync(mode, wizard.AuthorityLDAP)
			sameRows(t, storeRows(t, inc), storeRows(t, full))
			if l, err := inc.db.LinkByLocalID(inc.ctx, store.KindUser, inc.mustUser(moved.UID).ID); err != nil || !strings.Contains(strings.ToLower(l.DN), "ou=sales") {
				t.Errorf("the moved user's link: %+v, %v", l, err)
			}
			inc.checkIdle(mode, wizard.AuthorityLDAP)
		})
	}
}

// 389 DS refuses a token it did not give for this search ("Refresh
// Required: Invalid session cookie"): the run reads whole, saying why,
// and the run after it is incremental again.
func TestIncrementalRefusedTokenFallsBack389(t *testing.T) {
	inc, _, _ := incremental389Envs(t, wizard.ModeImport)
	mode := wizard.ModeImport
	inc.sync(mode, wizard.AuthorityLDAP)
	if r := inc.sync(mode, wizard.AuthorityLDAP).Plan.Read; !r.Incremental {
		t.Fatalf("second run read %+v; want incremental", r)
	}
	setCookies(t, inc, "localhost:1#cn=directory manager:"+ds389test.PeopleDN+":(uid=nobody)#0")
	rep := inc.sync(mode, wizard.AuthorityLDAP)
	if r := rep.Plan.Read; r.Incremental || !strings.Contains(r.Reason, "refused the sync token (e-syncRefreshRequired)") || !strings.Contains(r.Line(), "full read: ") {
		t.Fatalf("a refused token: read %+v; want a full read saying the token was refused", r)
	}
	if rep.Outcome != store.OutcomeSuccess || len(rep.Plan.Actions) != 0 {
		t.Fatalf("outcome %s, actions %s", rep.Outcome, describe(rep.Plan.Actions))
	}
	if r := inc.sync(mode, wizard.AuthorityLDAP).Plan.Read; !r.Incremental || r.Changes != 0 {
		t.Fatalf("the run after: read %+v; want incremental with nothing changed", r)
	}
}

// FollowDirectory on 389 DS keeps a refreshAndPersist search from a token
// taken for that search: a change made in the directory is reported
// within 2 s.
func TestFollowDirectoryAgainst389(t *testing.T) {
	inc, _, srv := incremental389Envs(t, wizard.ModeImport)
	calls := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(inc.ctx)
	done := make(chan error, 1)
	go func() {
		done <- FollowDirectory(ctx, inc.s, os.Getenv, func() { calls <- struct{}{} }, func(m string) { t.Log(m) })
	}()
	select {
	case <-calls: // the catch-up call once connected
	case <-time.After(30 * time.Second):
		t.Fatal("FollowDirectory never connected")
	}
	time.Sleep(200 * time.Millisecond) // the persistent searches start
	for len(calls) > 0 {
		<-calls
	}
	inc.modify(srv.Fixture.Users[5].DN, "sn", "Followed")
	select {
	case <-calls:
	case err := <-done:
		t.Fatalf("FollowDirectory ended with %v\n%s", err, srv.ErrorLog(20))
	case <-time.After(2 * time.Second):
		t.Fatalf("a change was not reported within 2 s\n%s", srv.ErrorLog(20))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("FollowDirectory ended with %v, want nil after cancel", err)
	}
}
