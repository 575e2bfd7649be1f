package syncer

import (
	"strings"
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

func (e *adEnv) explain(t *testing.T, who string) *Explanation {
	t.Helper()
	x, err := ExplainUser(e.ctx, e.s, e.db, who, Options{Getenv: e.getenv})
	if err != nil {
		t.Fatalf("explain %s: %v", who, err)
	}
	return x
}

// On Active Directory (Samba): a user found by sAMAccountName, created in
// the store, then linked by objectGUID; disabled in AD, hence in the store;
// removed by a users.filter clause using AD's bitwise rule, judged by the
// server; in a sync_only group through a nested group (the server's
// in-chain rule); and a store username too long for a sAMAccountName.
func TestExplainUserSamba(t *testing.T) {
	e := newADEnv(t, "explain")
	aliceDN := e.addUser(t, "alice", "Alice", "Liddell", false)
	bobDN := e.addUser(t, "bob", "Bob", "Stone", false)
	e.addUser(t, "carol", "Carol", "King", true)
	innerDN := e.addGroup(t, "inner", aliceDN)
	e.addGroup(t, "outer", innerDN)
	e.addGroup(t, "other", bobDN)

	t.Run("new in AD: created in the store, then linked by objectGUID", func(t *testing.T) {
		x := e.explain(t, "alice")
		want(t, x, "found", StepPass, "by its sAMAccountName")
		if !ldap.DNEqual(x.Entry.DN, aliceDN) {
			t.Errorf("found %s, want %s", x.Entry.DN, aliceDN)
		}
		want(t, x, "object class", StepPass, "has object class user")
		action(t, x, SideStore, OpCreate)
		e.sync(t)
		x = e.explain(t, "alice@example.test")
		guid := e.entry(t, aliceDN).First("objectGUID")
		want(t, x, "store user", StepInfo, "linked to store user alice", "by objectGUID "+guid)
		if x.Outcome != OutcomeNothing || !guidPattern.MatchString(x.Link.StableID) {
			t.Errorf("after the sync: %s", dumpSteps(x))
		}
	})

	t.Run("found by userPrincipalName", func(t *testing.T) {
		e.modify(t, bobDN, ldap.ModReplace, "mail", "robert.stone@example.test")
		x := e.explain(t, "bob@example.test")
		want(t, x, "found", StepPass, "by its userPrincipalName")
		x = e.explain(t, "nobody@example.test")
		want(t, x, "found", StepFail, `no entry in the directory has sAMAccountName or mail or userPrincipalName "nobody@example.test"`)
	})

	t.Run("disabled in AD: disabled in the store; enabled again: enabled", func(t *testing.T) {
		e.modify(t, aliceDN, ldap.ModReplace, "userAccountControl", "514")
		action(t, e.explain(t, "alice"), SideStore, OpDisable)
		e.sync(t)
		want(t, e.explain(t, "alice"), "store user", StepInfo, "the store user is disabled")
		e.modify(t, aliceDN, ldap.ModReplace, "userAccountControl", "512")
		action(t, e.explain(t, "alice"), SideStore, OpEnable)
		e.sync(t)
	})

	t.Run("removed by a users.filter clause with the bitwise rule", func(t *testing.T) {
		e.s.Users.Filter = "(&(mail=*)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
		defer func() { e.s.Users.Filter = "" }()
		x := e.explain(t, "carol")
		want(t, x, "users.filter", StepFail,
			`(!(userAccountControl:1.2.840.113556.1.4.803:=2)) excludes it because (userAccountControl:1.2.840.113556.1.4.803:=2) holds: its userAccountControl is "514"`)
		if strings.Contains(step(t, x, "users.filter").Detail, "(mail=*) does not hold") {
			t.Error("a clause carol matches is blamed")
		}
		want(t, e.explain(t, "bob"), "users.filter", StepPass)
	})

	t.Run("sync_only through a nested group, and outside it", func(t *testing.T) {
		e.s.Groups.SyncOnly = []string{"outer"}
		defer func() { e.s.Groups.SyncOnly = nil }()
		want(t, e.explain(t, "alice"), "sync_only", StepPass, "inner, nested in outer (named in groups.sync_only)")
		// bob, linked by the first sync, leaves the scope: skipped, and
		// deleted from the store as leaving the scope counts as deletion.
		x := e.explain(t, "bob")
		want(t, x, "sync_only", StepFail, "not a member", "outer", "its own groups (memberOf): CN=other")
		if len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipOutsideScope {
			t.Errorf("bob outside sync_only: %s", dumpSteps(x))
		}
		action(t, x, SideStore, OpDelete)
	})

	t.Run("a store username too long for a sAMAccountName: skipped", func(t *testing.T) {
		if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "averyveryverylongname", LastName: "Long"}); err != nil {
			t.Fatal(err)
		}
		x := e.explain(t, "averyveryverylongname")
		want(t, x, "found", StepFail, "the store has user averyveryverylongname")
		if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipInvalidUsername ||
			!strings.Contains(x.Skipped[0].Detail, "at most 20") {
			t.Errorf("long name: %s %+v", dumpSteps(x), x.Skipped)
		}
	})
}
