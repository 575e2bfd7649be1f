package syncer

import (
	"slices"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// digestSync runs a sync and returns its report and how many times it
// read the directory: once to compare it with the last run's read
// (readDigestOnly), then again to plan, or once only.
func digestSync(t *testing.T, e *syncEnv, mode string) (rep *Report, compared, reads int) {
	t.Helper()
	rep, err := e.trySync(mode, wizard.AuthorityLDAP, Options{Progress: func(ev Event) {
		if ev.Phase == PhaseReadDirectory && strings.Contains(ev.Message, "to see whether it changed") {
			compared = 1
		}
	}})
	if err != nil {
		t.Fatalf("sync %s: %v", mode, err)
	}
	for _, p := range rep.Phases {
		if p.Phase == PhaseReadDirectory {
			reads++
		}
	}
	return rep, compared, reads
}

// expectDigestQuiet runs a sync and fails unless it was quiet by digest:
// one whole read (no token) that kept nothing, "the directory is as the
// last run read it", no store read and no planning, no skip listed and
// the last run's tallies carried, recorded as a successful run with a
// quiet mark.
func expectDigestQuiet(t *testing.T, e *syncEnv, mode, what string) *Report {
	t.Helper()
	before, err := e.db.LastSuccessfulRun(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, compared, reads := digestSync(t, e, mode)
	r := rep.Plan.Read
	if !r.Unchanged || r.Incremental || r.Method != "" || readStoreIn(rep) || len(rep.Plan.Actions) != 0 || compared != 1 || reads != 1 {
		t.Fatalf("%s: read %+v, phases %+v, actions %s; want a quiet run by digest, reading the directory once to compare it", what, r, rep.Phases, describe(rep.Plan.Actions))
	}
	if !strings.Contains(r.Line(), "the directory is as the last run read it") {
		t.Fatalf("%s: line %q", what, r.Line())
	}
	// The skips a quiet run does not list, it counts.
	if n := before.Counts["skipped"]; r.SkippedBefore != n || !strings.Contains(r.Line(), "the last run that read the store skipped "+plural(n, "entry", "entries")) {
		t.Fatalf("%s: skipped before %d, line %q; want the last run's %d skips counted", what, r.SkippedBefore, r.Line(), n)
	}
	if got, want := rep.Plan.AccountState, e.fullPlan(mode, wizard.AuthorityLDAP).AccountState; got != want {
		t.Fatalf("%s: the quiet run reports account state %+v; the directory read gives %+v", what, got, want)
	}
	if rep.Plan.DirectoryUsers == 0 || rep.Plan.entriesRead == 0 || len(rep.Plan.Skipped) != 0 {
		t.Fatalf("%s: the quiet run reports %d directory users, %d entries read, skips %+v", what, rep.Plan.DirectoryUsers, rep.Plan.entriesRead, rep.Plan.Skipped)
	}
	last, err := e.db.LastSuccessfulRun(e.ctx)
	if err != nil || last.ID != rep.RunID || rep.RunID == 0 || last.Counts[quietCount] == 0 {
		t.Fatalf("%s: last run %+v, %v; want the quiet run %d recorded with a quiet mark", what, last, err, rep.RunID)
	}
	if last.Counts["skipped"] == 0 || last.Counts["skipped"] != before.Counts["skipped"] || last.Counts[quietStoreCount] != before.Counts[quietStoreCount] {
		t.Fatalf("%s: the quiet run's counts %v; want the last run's tallies %v carried", what, last.Counts, before.Counts)
	}
	return rep
}

// expectDigestNotQuiet runs a sync and fails unless it read the store,
// reading the directory reads times (2: once to compare, then to plan;
// 0: any).
func expectDigestNotQuiet(t *testing.T, e *syncEnv, mode, what string, reads int) *Report {
	t.Helper()
	rep, _, n := digestSync(t, e, mode)
	if r := rep.Plan.Read; r.Unchanged || r.Incremental || !readStoreIn(rep) || rep.Failed != 0 || (reads != 0 && n != reads) {
		t.Fatalf("%s: read %+v, phases %+v, failed %d; want a whole read that reads the store, the directory read %d times", what, r, rep.Phases, rep.Failed, reads)
	}
	return rep
}

// certifies reports whether a run of mode after last, a whole read
// without a token that applied its plan, may be quiet at once: last ran
// with the same mode and changed nothing in the directory (its store
// writes, if any, were traced: traceQuiet), so it certified its end state
// (noteQuiet).
func certifies(last *Report, mode string) bool {
	p := last.Plan
	return p.Mode == mode && !wroteDirectory(p)
}

// expectSettled checks the runs of mode after last, a run that applied
// its plan: when last certified its end state (certifies), the plan made
// the long way is empty — what a run applied it does not plan again, which
// is what a quiet run trusts — and the next run is quiet; otherwise the
// next run reads the store and plans nothing, and the one after it is
// quiet.
func expectSettled(t *testing.T, e *syncEnv, mode string, last *Report, what string) {
	t.Helper()
	if certifies(last, mode) {
		if p := e.fullPlan(mode, wizard.AuthorityLDAP); !p.Empty() {
			t.Fatalf("%s: the run before certified its end state, yet the plan made the long way plans %s", what, describe(p.Actions))
		}
		expectDigestQuiet(t, e, mode, what+" (certified by the run before)")
		return
	}
	if rep := expectDigestNotQuiet(t, e, mode, what, 1); len(rep.Plan.Actions) != 0 {
		t.Fatalf("%s plans %s", what, describe(rep.Plan.Actions))
	}
	expectDigestQuiet(t, e, mode, what+", settled")
}

// addSkippedEntry adds an entry the read skips (its username is invalid):
// quiet runs still happen, list no skip and carry its tally (expectDigestQuiet).
func addSkippedEntry(t *testing.T, e *syncEnv) {
	t.Helper()
	const dn = "uid=-bad,ou=people,dc=example,dc=com"
	if err := e.conn.Add(e.ctx, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"-bad"}, "cn": {"Bad"}, "sn": {"Bad"}}); err != nil {
		t.Fatal(err)
	}
}

// On a server without incremental sync, a run that reads the directory
// whole and finds it as the last run read it, with the store, settings
// and build unchanged since, is quiet: that run planned nothing, or
// applied changes to the store only (its own writes traced), so this one
// skips reading the store and planning. A change on either side, ldapwiz's
// own writes to the directory and new settings are all seen, and quiet
// runs resume once a run has certified its end state again.
func TestQuietByDigest(t *testing.T) {
	for _, tc := range []struct{ mode, backend string }{
		{wizard.ModeTwoWay, storeSQLite}, {wizard.ModeImport, storeSQLite}, {wizard.ModeOneWay, storePostgres},
	} {
		mode := tc.mode
		t.Run(mode+"/"+tc.backend, func(t *testing.T) {
			e := newSyncEnvOn(t, slapdtest.Options{}, tc.backend)
			addSkippedEntry(t, e)
			// Two-way first, so that one-way has users in the store.
			first := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if first.Plan.Read.Unchanged || len(first.Plan.Actions) == 0 {
				t.Fatalf("first run: read %+v, %d actions", first.Plan.Read, len(first.Plan.Actions))
			}
			// The first run created the users in the store: in its own mode
			// it certified that, elsewhere the next run plans, finding
			// nothing.
			if !certifies(first, wizard.ModeTwoWay) {
				t.Fatalf("the first run (%d actions, to the directory: %v) did not certify its end state", len(first.Plan.Actions), wroteDirectory(first.Plan))
			}
			expectSettled(t, e, mode, first, "the run after the first")
			expectDigestQuiet(t, e, mode, "a second quiet run")

			// A store-side change is seen.
			alice := e.srv.Fixture.Users[0].UID
			v := "alice@digest.example.com"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser(alice).ID, store.UserUpdate{Email: &v}); err != nil {
				t.Fatal(err)
			}
			if e.fullPlan(mode, wizard.AuthorityLDAP).Empty() {
				t.Fatal("the plan made the long way (checkIdle's) misses the store-side change")
			}
			rep := expectDigestNotQuiet(t, e, mode, "after a store-side change", 1)
			if len(rep.Plan.Actions) == 0 {
				t.Fatal("the store-side change planned nothing")
			}
			// Written to the directory, the change is read by the next run,
			// which plans nothing; the store put back is certified.
			expectSettled(t, e, mode, rep, "the run after a store-side change")

			// A directory change is seen and applied.
			if (syncConfig{mode: mode}).writesStore() {
				e.modify(slapdtest.JohnDoeDN, "sn", "Digested")
				rep := expectDigestNotQuiet(t, e, mode, "after a directory change", 2)
				if got := e.mustUser("jdoe").LastName; got != "Digested" {
					t.Fatalf("the directory change was not applied: last name %q", got)
				}
				if !certifies(rep, mode) {
					t.Fatalf("the run that applied a directory change to the store (%s) did not certify it", describe(rep.Plan.Actions))
				}
				expectSettled(t, e, mode, rep, "the run after a directory change")
				// A membership change only a group's entry shows.
				members := append([]string{}, e.srv.Fixture.Groups[slapdtest.ProjectXGroupDN]...)
				for _, u := range e.srv.Fixture.Users {
					if !slices.Contains(members, u.DN) {
						members = append(members, u.DN)
						break
					}
				}
				e.modify(slapdtest.ProjectXGroupDN, "member", members...)
				if rep := expectDigestNotQuiet(t, e, mode, "after a membership change", 2); len(rep.Plan.Actions) == 0 {
					t.Fatal("the membership change planned nothing")
				}
			}

			// Changed settings plan afresh.
			e.s.Sync.MaxDelete = "11%"
			expectDigestNotQuiet(t, e, mode, "after a settings change", 1)
			expectDigestQuiet(t, e, mode, "the second run with the new settings")
			e.checkIdle(mode, wizard.AuthorityLDAP)
		})
	}
}

// A skip of the planner's own (here an entry whose e-mail address the
// store refuses: it waits on an administrator) keeps runs from being
// quiet though they plan nothing: a quiet run lists no skip, so every run
// plans, and lists it. Once the entry is fixed and its user created, runs
// are quiet again.
func TestQuietByDigestNotWhileThePlannerSkips(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	addSkippedEntry(t, e)
	dn := e.addDirUser("badmail", "not-an-address")
	mode := wizard.ModeImport
	first := e.sync(mode, wizard.AuthorityLDAP)
	if !plannerSkipOf(first, dn) {
		t.Fatalf("first run: skips %+v; want the planner to skip %s (%s)", first.Plan.Skipped, dn, SkipInvalidValue)
	}
	for _, what := range []string{"the run after the first", "the run after one that planned nothing but skipped", "a third run"} {
		rep := expectDigestNotQuiet(t, e, mode, what, 0)
		if len(rep.Plan.Actions) != 0 || !plannerSkipOf(rep, dn) {
			t.Fatalf("%s: actions %s, skips %+v; want nothing planned and the planner's skip listed", what, describe(rep.Plan.Actions), rep.Plan.Skipped)
		}
	}
	e.modify(dn, "mail", "badmail@example.com")
	fixed := expectDigestNotQuiet(t, e, mode, "after the entry was fixed", 0)
	if plannerSkipOf(fixed, dn) || len(fixed.Plan.Actions) == 0 {
		t.Fatalf("after the fix: actions %s, skips %+v; want the user created", describe(fixed.Plan.Actions), fixed.Plan.Skipped)
	}
	if got := e.mustUser("badmail").Email; got != "badmail@example.com" {
		t.Fatalf("the fixed entry's user has e-mail %q", got)
	}
	// The run that creates the user certifies its writes: the next is quiet.
	if !certifies(fixed, mode) {
		t.Fatalf("the run that created the fixed entry's user (%s) did not certify it", describe(fixed.Plan.Actions))
	}
	expectSettled(t, e, mode, fixed, "the run after the fix")
}

// plannerSkipOf reports whether rep's plan skips the user entry at dn for
// a value the store refuses (a skip the planner adds; the read does not).
func plannerSkipOf(rep *Report, dn string) bool {
	for _, sk := range rep.Plan.Skipped {
		if sk.Kind == store.KindUser && sk.DN == dn && sk.Reason == SkipInvalidValue {
			return true
		}
	}
	return false
}

// While a user marked missing waits out sync.missing_grace, no run is
// quiet by digest: the clock plans its deletion.
func TestQuietByDigestWaitsOnMissingGrace(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	addSkippedEntry(t, e)
	e.s.Sync.MissingUsers, e.s.Sync.MissingGrace = wizard.MissingDisable, "1h"
	first := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	expectSettled(t, e, wizard.ModeImport, first, "the run after the first")
	quietWaitsOnMissingGrace(t, e, expectDigestQuiet, func(t *testing.T, e *syncEnv, mode, what string) *Report {
		return expectDigestNotQuiet(t, e, mode, what, 0)
	})
}

// With groups.sync_only, whose scope searches follow from what the first
// searches return, the directory is read and kept once, and a run whose
// read hashes as the last one's is quiet all the same; a change within
// the scope is seen.
func TestQuietByDigestWithSyncOnly(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	addSkippedEntry(t, e)
	e.s.Groups.SyncOnly = []string{"engineering"}
	mode := wizard.ModeImport
	// The import certifies its end state (it writes to the store only),
	// which the plan made the long way confirms: the runs after it are
	// quiet.
	if first := e.sync(mode, wizard.AuthorityLDAP); !certifies(first, mode) {
		t.Fatalf("the import (%d actions) did not certify its end state", len(first.Plan.Actions))
	}
	if p := e.fullPlan(mode, wizard.AuthorityLDAP); !p.Empty() {
		t.Fatalf("after the import, the plan made the long way plans %s", describe(p.Actions))
	}
	for i := range 2 {
		rep, compared, reads := digestSync(t, e, mode)
		if r := rep.Plan.Read; !r.Unchanged || readStoreIn(rep) || compared != 0 || reads != 1 || len(rep.Plan.Actions) != 0 {
			t.Fatalf("quiet run %d: read %+v, phases %+v, compared %d; want a quiet run reading the directory once", i, r, rep.Phases, compared)
		}
	}
	member := e.srv.Fixture.Groups[slapdtest.EngineeringGroupDN][0]
	e.modify(member, "sn", "Scoped")
	expectDigestNotQuiet(t, e, mode, "after a change within the scope", 1)
	for _, u := range e.srv.Fixture.Users {
		if u.DN == member {
			if got := e.mustUser(u.UID).LastName; got != "Scoped" {
				t.Fatalf("the change within the scope was not applied: last name %q", got)
			}
			return
		}
	}
	t.Fatalf("no fixture user is %s", member)
}

// A store write by another writer while a whole read's run applies its
// changes to the store is not mistaken for the run's own: the run does
// not certify its end state, and the next run reads the store and sends
// the write to the directory, instead of being quiet by digest.
func TestQuietByDigestMissesNoConcurrentStoreWrite(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	addSkippedEntry(t, e)
	mode := wizard.ModeTwoWay
	expectSettled(t, e, mode, e.sync(mode, wizard.AuthorityLDAP), "the run after the first")

	// The directory changes, so the next run writes to the store only;
	// while it applies, another writer changes alice in the store.
	rep, alice, v := syncWithConcurrentStoreWrite(t, e, mode)
	if rep.Plan.Read.Unchanged || !certifies(rep, mode) {
		t.Fatalf("the run with a directory change: read %+v, actions %s; want one that writes the store only", rep.Plan.Read, describe(rep.Plan.Actions))
	}
	after := expectDigestNotQuiet(t, e, mode, "the run after a concurrent store write", 1)
	if got := e.mustEntry(alice).First("mail"); got != v {
		t.Fatalf("the concurrent store write did not reach the directory: mail %q, actions %s", got, describe(after.Plan.Actions))
	}
}
