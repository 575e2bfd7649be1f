package syncer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// liveUsers and liveGroups are the store's users and groups not deleted.
func liveUsers(st *StoreSnapshot) []store.SyncUser {
	var out []store.SyncUser
	for _, u := range st.Users {
		if !u.Deleted() {
			out = append(out, u)
		}
	}
	return out
}

func liveGroups(st *StoreSnapshot) []store.Group {
	var out []store.Group
	for _, g := range st.Groups {
		if !g.Deleted() {
			out = append(out, g)
		}
	}
	return out
}

// readStoreIn reports whether a run read the store or planned.
func readStoreIn(rep *Report) bool {
	for _, p := range rep.Phases {
		if p.Phase == PhaseReadStore || p.Phase == PhasePlan {
			return true
		}
	}
	return false
}

// expectQuiet runs a sync and fails unless it was quiet: incremental, said
// "nothing changed since token", no store read and no planning, recorded as
// a successful run with the token kept as it was.
func expectQuiet(t *testing.T, e *syncEnv, mode, what string) *Report {
	t.Helper()
	before, err := e.db.SyncToken(e.ctx)
	if err != nil || before == nil {
		t.Fatalf("%s: token %v, %v", what, before, err)
	}
	rep := e.sync(mode, wizard.AuthorityLDAP)
	r := rep.Plan.Read
	if !r.Unchanged || !r.Incremental || readStoreIn(rep) || len(rep.Plan.Actions) != 0 {
		t.Fatalf("%s: read %+v, phases %+v, actions %s; want a quiet run", what, r, rep.Phases, describe(rep.Plan.Actions))
	}
	if !strings.Contains(r.Line(), "nothing changed since token rid=") {
		t.Fatalf("%s: line %q", what, r.Line())
	}
	var buf strings.Builder
	var back struct {
		Plan struct {
			Read struct {
				Unchanged     bool `json:"unchanged"`
				SkippedBefore int  `json:"skipped_before"`
			} `json:"read"`
		} `json:"plan"`
	}
	if err := rep.WriteJSON(&buf); err != nil || json.Unmarshal([]byte(buf.String()), &back) != nil || !back.Plan.Read.Unchanged {
		t.Fatalf("%s: the JSON report does not say the run was quiet: %s", what, buf.String())
	}
	last, err := e.db.LastSuccessfulRun(e.ctx)
	if err != nil || last.ID != rep.RunID || rep.RunID == 0 {
		t.Fatalf("%s: last run %+v, %v; want the quiet run %d recorded", what, last, err, rep.RunID)
	}
	// The skips a quiet run does not list, it counts, in its line and its
	// JSON report.
	if n := last.Counts["skipped"]; r.SkippedBefore != n || back.Plan.Read.SkippedBefore != n ||
		(n > 0) != strings.Contains(r.Line(), "the last run that read the store skipped") {
		t.Fatalf("%s: skipped before %d (JSON %d), line %q; want the last run's %d skips counted", what, r.SkippedBefore, back.Plan.Read.SkippedBefore, r.Line(), n)
	}
	if last.Counts["directory_users"] == 0 || last.Counts[quietCount] == 0 {
		t.Fatalf("%s: the quiet run's counts %v; want the last run's tallies and a quiet mark", what, last.Counts)
	}
	if _, ok := last.Counts[quietStoreCount]; ok {
		// Without it, a run that loses the token (syncprov gone) reads the
		// directory whole only to hash it, then again: a digest never
		// matches a token's mark.
		t.Fatalf("%s: counts %v; a token's mark must record no %s", what, last.Counts, quietStoreCount)
	}
	st, err := readStore(e.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Plan; p.StoreUsers != len(liveUsers(st)) || p.StoreGroups != len(liveGroups(st)) ||
		p.LinkedUsers != len(st.UserLinks) || p.LinkedGroups != len(st.GroupLinks) {
		t.Fatalf("%s: the quiet run reports %d/%d store users/groups, %d/%d linked; the store has %d/%d, %d/%d", what,
			p.StoreUsers, p.StoreGroups, p.LinkedUsers, p.LinkedGroups, len(liveUsers(st)), len(liveGroups(st)), len(st.UserLinks), len(st.GroupLinks))
	}
	after, err := e.db.SyncToken(e.ctx)
	if err != nil || after == nil || after.RunID != before.RunID || !after.SavedAt.Equal(before.SavedAt) || string(after.Token) != string(before.Token) {
		t.Fatalf("%s: the token was rewritten: %+v -> %+v (%v)", what, before, after, err)
	}
	return rep
}

// expectNotQuiet runs a sync and fails unless it read the store and was
// incremental.
func expectNotQuiet(t *testing.T, e *syncEnv, mode, what string) *Report {
	t.Helper()
	rep := e.sync(mode, wizard.AuthorityLDAP)
	if r := rep.Plan.Read; r.Unchanged || !r.Incremental || !readStoreIn(rep) || rep.Failed != 0 {
		t.Fatalf("%s: read %+v, phases %+v, failed %d; want an incremental run that reads the store", what, r, rep.Phases, rep.Failed)
	}
	return rep
}

// A run with nothing changed on either side since the last one is quiet:
// it reads neither the store nor the kept view, plans nothing, keeps the
// token and is recorded. A store-side change is still written to the
// directory (two-way, one-way), a directory change after a quiet run is
// still applied, and each run after a change is quiet again once a run
// has seen the result.
func TestIncrementalQuietRun(t *testing.T) {
	for _, tc := range []struct{ mode, backend string }{
		{wizard.ModeTwoWay, storeSQLite}, {wizard.ModeOneWay, storeSQLite}, {wizard.ModeImport, storeSQLite}, {wizard.ModeTwoWay, storePostgres},
	} {
		mode := tc.mode
		t.Run(mode+"/"+tc.backend, func(t *testing.T) {
			e := newSyncEnvOn(t, slapdtest.Options{SyncProv: true}, tc.backend)
			// Two-way first, so that one-way has users in the store.
			first := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if first.Plan.Read.Incremental || first.Plan.Read.Unchanged {
				t.Fatalf("first run read %+v; want a full read", first.Plan.Read)
			}
			if mode != wizard.ModeTwoWay {
				expectNotQuiet(t, e, mode, "the first "+mode+" run (other settings)")
			}
			alice := e.srv.Fixture.Users[0].UID
			if mode == wizard.ModeTwoWay {
				expectQuiet(t, e, mode, "the run after the first")
			} else {
				// The first run in this mode read the store once already.
				expectQuiet(t, e, mode, "the run after the first")
			}
			expectQuiet(t, e, mode, "a second quiet run")

			if (syncConfig{mode: mode}).writesDir() {
				// A store-side change goes out to the directory.
				v := "alice@quiet.example.com"
				if _, err := e.db.UpdateUser(e.ctx, e.mustUser(alice).ID, store.UserUpdate{Email: &v}); err != nil {
					t.Fatal(err)
				}
				rep := expectNotQuiet(t, e, mode, "after a store-side change")
				if len(rep.Plan.Actions) == 0 || e.mustEntry(alice).First("mail") != v {
					t.Fatalf("the store-side change did not reach the directory: actions %s, mail %q", describe(rep.Plan.Actions), e.mustEntry(alice).First("mail"))
				}
				// The refresh reports ldapwiz's own write: one run reads it.
				if rep := expectNotQuiet(t, e, mode, "the run after the write-back"); len(rep.Plan.Actions) != 0 {
					t.Fatalf("the run after the write-back plans %s", describe(rep.Plan.Actions))
				}
				expectQuiet(t, e, mode, "the run after a store-side change went out")
			} else {
				// Import: a store-side change is put back from the directory.
				v := "alice@quiet.example.com"
				if _, err := e.db.UpdateUser(e.ctx, e.mustUser(alice).ID, store.UserUpdate{Email: &v}); err != nil {
					t.Fatal(err)
				}
				before := savedToken(t, e)
				expectNotQuiet(t, e, mode, "after a store-side change")
				if got := e.mustUser(alice).Email; got == v {
					t.Fatalf("import left the store-side email %q", got)
				}
				// Nothing changed in the directory: the view is not rewritten.
				if after := savedToken(t, e); after.RunID != before.RunID || !after.SavedAt.Equal(before.SavedAt) || string(after.View) != string(before.View) {
					t.Fatalf("the kept view was rewritten with nothing changed in the directory: run %d -> %d", before.RunID, after.RunID)
				}
				expectQuiet(t, e, mode, "the run after the store was put back")
			}

			// A directory change after a quiet run is applied.
			if (syncConfig{mode: mode}).writesStore() {
				e.modify(slapdtest.JohnDoeDN, "sn", "Quietly")
				rep := expectNotQuiet(t, e, mode, "after a directory change")
				if rep.Plan.Read.Changes == 0 || e.mustUser("jdoe").LastName != "Quietly" {
					t.Fatalf("the directory change was not applied: read %+v, last name %q", rep.Plan.Read, e.mustUser("jdoe").LastName)
				}
				expectQuiet(t, e, mode, "the run after a directory change")
			}

			// Changed settings plan afresh.
			e.s.Sync.MaxDelete = "11%"
			expectNotQuiet(t, e, mode, "after a settings change")
			expectQuiet(t, e, mode, "the second run with the new settings")
			e.checkIdle(mode, wizard.AuthorityLDAP)
		})
	}
}

// A user marked missing under sync.missing_grace is deleted once the grace
// has passed, with nothing else changed: the clock plans, so no run is
// quiet while such a user waits.
func TestIncrementalQuietRunWaitsOnMissingGrace(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	e.s.Sync.MissingUsers, e.s.Sync.MissingGrace = wizard.MissingDisable, "1h"
	e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	quietWaitsOnMissingGrace(t, e, expectQuiet, expectNotQuiet)
}

// quietWaitsOnMissingGrace is the scenario of a missing user waiting out
// sync.missing_grace on e, whose last import run makes the next one quiet
// (quiet and notQuiet run a sync expecting it to be quiet, or not).
func quietWaitsOnMissingGrace(t *testing.T, e *syncEnv, quiet, notQuiet func(t *testing.T, e *syncEnv, mode, what string) *Report) {
	t.Helper()
	mode := wizard.ModeImport
	quiet(t, e, mode, "the run after the first")
	gone := e.srv.Fixture.Users[3]
	if err := e.conn.Delete(e.ctx, gone.DN); err != nil {
		t.Fatal(err)
	}
	if u := notQuiet(t, e, mode, "after a delete").Plan.Summary(); u["store disable user"] != 1 {
		t.Fatalf("summary %v; want the missing user disabled", u)
	}
	notQuiet(t, e, mode, "a run while the missing user waits")
	notQuiet(t, e, mode, "another run while the missing user waits")
	rep, err := e.trySync(mode, wizard.AuthorityLDAP, Options{Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil || rep.Plan.Read.Unchanged || rep.Plan.Summary()["store delete user"] != 1 {
		t.Fatalf("after the grace: %v, read %+v, summary %v; want the missing user deleted", err, rep.Plan.Read, rep.Plan.Summary())
	}
	if u := e.user(gone.UID); u != nil && !u.Deleted() {
		t.Fatalf("the missing user is still in the store: %+v", u)
	}
}

// savedToken returns the saved token, failing the test when there is none.
func savedToken(t *testing.T, e *syncEnv) *store.SyncToken {
	t.Helper()
	tok, err := e.db.SyncToken(e.ctx)
	if err != nil || tok == nil {
		t.Fatalf("token %v, %v", tok, err)
	}
	return tok
}

// A store write by another writer while a run is applying changes it
// wrote itself is not mistaken for the run's own: the next run reads the
// store and sends the write to the directory, instead of being quiet.
func TestIncrementalQuietMissesNoConcurrentStoreWrite(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	mode := wizard.ModeTwoWay
	e.sync(mode, wizard.AuthorityLDAP)
	expectQuiet(t, e, mode, "the run after the first")

	rep, alice, v := syncWithConcurrentStoreWrite(t, e, mode)
	if rep.Plan.Read.Unchanged {
		t.Fatal("the run with a directory change was quiet")
	}
	rep = expectNotQuiet(t, e, mode, "the run after a concurrent store write")
	if got := e.mustEntry(alice).First("mail"); got != v {
		t.Fatalf("the concurrent store write did not reach the directory: mail %q, actions %s", got, describe(rep.Plan.Actions))
	}
}

// syncWithConcurrentStoreWrite changes jdoe's last name in the directory,
// so that a sync of mode writes it to the store, and runs that sync; as it
// begins to apply, another writer changes the e-mail address of alice
// (the first fixture user) in the store. It returns the run's report,
// alice's username and the address written.
func syncWithConcurrentStoreWrite(t *testing.T, e *syncEnv, mode string) (rep *Report, alice, mail string) {
	t.Helper()
	e.modify(slapdtest.JohnDoeDN, "sn", "Busy")
	u := e.mustUser(e.srv.Fixture.Users[0].UID)
	mail = "alice@concurrent.example.com"
	wrote := false
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, wizard.AuthorityLDAP
	rep, err := Run(e.ctx, s, e.db, Options{Progress: func(ev Event) {
		if ev.Phase == PhaseApply && !wrote {
			wrote = true
			if _, err := e.db.UpdateUser(e.ctx, u.ID, store.UserUpdate{Email: &mail}); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil || !wrote || e.mustUser("jdoe").LastName != "Busy" {
		t.Fatalf("the run with a concurrent store write: %v, wrote %v, jdoe %q", err, wrote, e.mustUser("jdoe").LastName)
	}
	return rep, u.Username, mail
}

// With a token too, a skip of the planner's own (an entry whose e-mail
// address the store refuses) keeps runs that plan nothing from being
// quiet, as TestQuietByDigestNotWhileThePlannerSkips holds for whole
// reads: every run lists it. Once the entry is fixed, the run that
// creates its user certifies its writes, and the next run is quiet.
func TestIncrementalQuietNotWhileThePlannerSkips(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{SyncProv: true})
	dn := e.addDirUser("badmail", "not-an-address")
	mode := wizard.ModeImport
	if first := e.sync(mode, wizard.AuthorityLDAP); !plannerSkipOf(first, dn) {
		t.Fatalf("first run: skips %+v; want the planner to skip %s (%s)", first.Plan.Skipped, dn, SkipInvalidValue)
	}
	for _, what := range []string{"the run after the first", "the run after one that planned nothing but skipped", "a third run"} {
		rep := expectNotQuiet(t, e, mode, what)
		if len(rep.Plan.Actions) != 0 || !plannerSkipOf(rep, dn) {
			t.Fatalf("%s: actions %s, skips %+v; want nothing planned and the planner's skip listed", what, describe(rep.Plan.Actions), rep.Plan.Skipped)
		}
	}
	e.modify(dn, "mail", "badmail@example.com")
	if rep := expectNotQuiet(t, e, mode, "after the entry was fixed"); plannerSkipOf(rep, dn) || len(rep.Plan.Actions) == 0 {
		t.Fatalf("after the fix: actions %s, skips %+v; want the user created", describe(rep.Plan.Actions), rep.Plan.Skipped)
	}
	if got := e.mustUser("badmail").Email; got != "badmail@example.com" {
		t.Fatalf("the fixed entry's user has e-mail %q", got)
	}
	// With a token, the run that created the user certified its own writes.
	expectQuiet(t, e, mode, "the run after the fix")
}
