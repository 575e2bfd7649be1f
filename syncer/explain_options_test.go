package syncer

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// explainAt explains a user with the engine's clock at now.
func (e *syncEnv) explainAt(who string, now time.Time) *Explanation {
	e.t.Helper()
	x, err := ExplainUser(e.ctx, e.s, e.db, who, Options{Now: func() time.Time { return now }})
	if err != nil {
		e.t.Fatalf("explain %s: %v", who, err)
	}
	return x
}

// groups.filter, sync.missing_users and groups.flatten_nested each show in
// the explanation: the filter clause that removes a group, the disable
// (then the delete after the grace period) of a user whose entry is gone,
// and the memberships a user gets through nested groups.
func TestExplainScopeOptionsSlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true, ExtraLDIF: explainLDIF})
	env := func(t *testing.T) *syncEnv { return newSyncEnvFor(t, slapdSettings(srv)) }

	t.Run("a group removed by a clause of groups.filter", func(t *testing.T) {
		e := env(t)
		e.s.Groups.Filter = "(&(cn=*)(!(cn=other)))"
		x := e.explainGroup("other")
		want(t, x, "groups.filter", StepFail, `(!(cn=other)) excludes it because (cn=other) holds: its cn is "other"`)
		if x.Outcome != OutcomeOutside || len(x.Actions) != 0 {
			t.Errorf("outcome %s: %s", x.Outcome, dumpSteps(x))
		}
		want(t, e.explainGroup("all"), "groups.filter", StepPass, "matches")
	})

	t.Run("entry gone with missing_users = disable: disabled, deleted after the grace period", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("leaver")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			t.Fatal(err)
		}
		e.s.Sync.MissingUsers, e.s.Sync.MissingGrace = wizard.MissingDisable, "72h"
		t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		x := e.explainAt("leaver", t0)
		a := action(t, x, SideStore, OpDisable)
		if !strings.Contains(a.Reason, "2026-12-04 09:00") {
			t.Errorf("disable reason %q", a.Reason)
		}
		if _, err := Run(e.ctx, e.s, e.db, Options{Now: func() time.Time { return t0 }}); err != nil {
			t.Fatal(err)
		}
		x = e.explainAt("leaver", t0.Add(time.Hour))
		want(t, x, "store user", StepInfo, "disabled", "missing from the directory since 2026-12-01 09:00 UTC (sync.missing_users)")
		x = e.explainAt("leaver", t0.Add(73*time.Hour))
		action(t, x, SideStore, OpDelete)
	})

	t.Run("flatten_nested: memberships through nested groups", func(t *testing.T) {
		e := env(t)
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		e.s.Groups.FlattenNested = true
		x := e.explain("alice")
		a := action(t, x, SideStore, OpAddMember)
		if a.Name != "all" || a.Member() != "alice" || !strings.Contains(a.Reason, "eng") {
			t.Errorf("flattened membership: %+v", a)
		}
	})
}
