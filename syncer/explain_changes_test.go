package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// The changes a store edit makes, and the modes and scopes that leave a
// user alone, each explained against a real slapd from the plan.
func TestExplainStoreSideSlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true, ExtraLDIF: explainLDIF})
	env := func(t *testing.T) *syncEnv { return newSyncEnvFor(t, slapdSettings(srv)) }

	t.Run("changed in the store: update in the directory with the diff", func(t *testing.T) {
		e := env(t)
		e.addPerson("phone")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		p := "+1 555 0100"
		if _, err := e.db.UpdateUser(e.ctx, e.mustUser("phone").ID, store.UserUpdate{Phone: &p}); err != nil {
			t.Fatal(err)
		}
		a := action(t, e.explain("phone"), SideLDAP, OpUpdate)
		if len(a.AttrDiffs()) != 1 || a.AttrDiffs()[0].Attr != "telephoneNumber" || a.AttrDiffs()[0].Old != "" || a.AttrDiffs()[0].New != p {
			t.Errorf("directory update: %+v", a.AttrDiffs())
		}
	})

	t.Run("a new password in the store: written to the directory", func(t *testing.T) {
		e := env(t)
		e.addPerson("pw")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if _, err := e.db.SetPassword(e.ctx, e.mustUser("pw").ID, "N3w!Passw0rd"); err != nil {
			t.Fatal(err)
		}
		x := e.explain("pw")
		want(t, x, "store user", StepInfo, "a new password waits to be written to the directory")
		action(t, x, SideLDAP, OpPassword)
		if strings.Contains(dumpSteps(x), "N3w!Passw0rd") {
			t.Error("the explanation shows the password")
		}
	})

	t.Run("deleted in the store but changed in the directory: restored", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("phoenix")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if _, err := e.db.DeleteUser(e.ctx, e.mustUser("phoenix").ID); err != nil {
			t.Fatal(err)
		}
		e.modify(dn, "mail", "phoenix.new@example.com")
		x := e.explain("phoenix")
		a := action(t, x, SideStore, OpRestore)
		if !strings.Contains(a.Reason, "changed in the directory, which has authority") || len(x.Conflicts) != 1 || x.Outcome != OutcomeConflicted {
			t.Errorf("restore: %+v %s", a, dumpSteps(x))
		}
	})

	t.Run("removed from a group in the directory: membership removed", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("quitter")
		e.addMember("cn=eng,ou=groups,dc=example,dc=com", dn, true)
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		e.addMember("cn=eng,ou=groups,dc=example,dc=com", dn, false)
		a := action(t, e.explain("quitter"), SideStore, OpRemoveMember)
		if a.Name != "eng" || a.Member() != "quitter" {
			t.Errorf("membership: %+v", a)
		}
	})

	t.Run("one-way mode never creates store users", func(t *testing.T) {
		e := env(t)
		e.s.Sync.Mode = wizard.ModeOneWay
		x := e.explain("alice")
		if x.Outcome != OutcomeUnlinked || !strings.Contains(step(t, x, "next sync").Detail, "one-way") {
			t.Errorf("one-way: %s", dumpSteps(x))
		}
	})

	t.Run("a store user in no sync_only group: left alone", func(t *testing.T) {
		e := env(t)
		if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "solo", LastName: "Solo"}); err != nil {
			t.Fatal(err)
		}
		e.s.Groups.SyncOnly = []string{"all"}
		x := e.explain("solo")
		if x.Outcome != OutcomeLeftAlone || !strings.Contains(step(t, x, "next sync").Detail, "groups.sync_only") {
			t.Errorf("store-only outside sync_only: %s", dumpSteps(x))
		}
	})

	t.Run("a store group without members: skipped, groupOfNames needs one", func(t *testing.T) {
		e := env(t)
		if _, err := e.db.CreateGroup(e.ctx, "lonely", "", false); err != nil {
			t.Fatal(err)
		}
		x := e.explainGroup("lonely")
		want(t, x, "found", StepFail, "the store has group lonely")
		if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipEmptyGroup {
			t.Errorf("empty group: %s %+v", dumpSteps(x), x.Skipped)
		}
	})
}

// noIDLDIF adds a bind account that may not read the entryUUID of one
// user, hidden (the rootdn ignores ACLs, so the test binds as it).
const noIDLDIF = explainLDIF + `dn: uid=hidden,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: hidden
cn: Hidden Id
sn: Id

dn: cn=binder,dc=example,dc=com
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: binder
userPassword: binder-secret

`

// An entry whose stable id the bind account cannot read is skipped, and
// the step says which attributes and which account.
func TestExplainNoStableIDSlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true, ExtraLDIF: noIDLDIF,
		ExtraACL: []string{`to dn.exact="uid=hidden,ou=people,dc=example,dc=com" attrs=entryUUID by * none`}})
	s := slapdSettings(srv)
	s.Connection.BindDN, s.Connection.BindPassword = "cn=binder,dc=example,dc=com", "binder-secret"
	e := newSyncEnvFor(t, s)
	x := e.explain("hidden")
	want(t, x, "stable id", StepFail, "no entryUUID, objectGUID or nsUniqueId the bind account may read")
	if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipNoStableID {
		t.Errorf("no stable id: %s %+v", dumpSteps(x), x.Skipped)
	}
	if got := step(t, x, "stable id").Settings; len(got) != 1 || got[0] != "connection.bind_dn" {
		t.Errorf("settings %v", got)
	}
}
