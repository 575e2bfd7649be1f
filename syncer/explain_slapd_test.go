package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// explainLDIF holds one entry for each reason a sync reads or leaves a
// user: in scope and nested in the sync_only group (alice), outside the
// base (carl), of another class (acct), removed by a filter (temp), in no
// sync_only group (nogroup), without a username, with an invalid one, two
// sharing one, and an e-mail the store refuses.
const explainLDIF = `dn: ou=staff,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: staff

dn: ou=moved,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: moved

dn: ou=outside,dc=example,dc=com
objectClass: organizationalUnit
ou: outside

dn: uid=alice,ou=staff,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Liddell
givenName: Alice
sn: Liddell
mail: alice@example.com
employeeType: staff

dn: uid=nogroup,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: nogroup
cn: No Group
sn: Group
mail: nogroup@example.com
memberOf: cn=other,ou=groups,dc=example,dc=com

dn: uid=temp,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: temp
cn: Tem Porary
sn: Porary
employeeType: contractor

dn: uid=carl,ou=outside,dc=example,dc=com
objectClass: inetOrgPerson
uid: carl
cn: Carl Outside
sn: Outside
mail: carl@example.com

dn: uid=acct,ou=people,dc=example,dc=com
objectClass: account
uid: acct

dn: cn=No Uid,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
cn: No Uid
sn: Uid

dn: cn=Bad Name,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bad name!
cn: Bad Name
sn: Name

dn: uid=dup,ou=staff,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: dup
cn: Dup Staff
sn: Staff

dn: uid=DUP,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: DUP
cn: Dup People
sn: People

dn: uid=badmail,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: badmail
cn: Bad Mail
sn: Mail
mail: not an address

dn: cn=eng,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: eng
member: uid=alice,ou=staff,ou=people,dc=example,dc=com

dn: cn=all,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: all
member: cn=eng,ou=groups,dc=example,dc=com

dn: cn=other,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: other
member: uid=nogroup,ou=people,dc=example,dc=com

`

func (e *syncEnv) explain(who string) *Explanation {
	e.t.Helper()
	x, err := ExplainUser(e.ctx, e.s, e.db, who, Options{})
	if err != nil {
		e.t.Fatalf("explain %s: %v", who, err)
	}
	return x
}

func (e *syncEnv) explainGroup(name string) *Explanation {
	e.t.Helper()
	x, err := ExplainGroup(e.ctx, e.s, e.db, name, Options{})
	if err != nil {
		e.t.Fatalf("explain --group %s: %v", name, err)
	}
	return x
}

// addPerson adds an inetOrgPerson uid=uid under ou=people with mail.
func (e *syncEnv) addPerson(uid string) string {
	e.t.Helper()
	dn := "uid=" + uid + "," + slapdtest.PeopleDN
	if err := e.conn.Add(e.ctx, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {uid}, "cn": {uid},
		"sn": {uid}, "mail": {uid + "@example.com"}}); err != nil {
		e.t.Fatal(err)
	}
	return dn
}

// step returns the explanation's step, or fails.
func step(t *testing.T, x *Explanation, name string) ExplainStep {
	t.Helper()
	for _, s := range x.Steps {
		if s.Step == name {
			return s
		}
	}
	t.Fatalf("no step %q in %s", name, dumpSteps(x))
	return ExplainStep{}
}

func dumpSteps(x *Explanation) string {
	var out []string
	for _, s := range x.Steps {
		out = append(out, s.Step+" ["+s.Status+"] "+s.Detail)
	}
	return strings.Join(out, "\n  ") + "\n  outcome: " + x.Outcome + "; " + x.Summary
}

// want checks a step's status and that its detail holds each part.
func want(t *testing.T, x *Explanation, name, status string, parts ...string) {
	t.Helper()
	s := step(t, x, name)
	if s.Status != status {
		t.Errorf("step %s is %s, want %s:\n  %s", name, s.Status, status, dumpSteps(x))
	}
	for _, p := range parts {
		if !strings.Contains(s.Detail, p) {
			t.Errorf("step %s does not say %q: %s", name, p, s.Detail)
		}
	}
}

// action returns the explanation's only action with op on side, or fails.
func action(t *testing.T, x *Explanation, side, op string) Action {
	t.Helper()
	var found []Action
	for _, a := range x.Actions {
		if a.Side == side && a.Op == op {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s %s, have %s\n  %s", side, op, describe(x.Actions), dumpSteps(x))
	}
	return found[0]
}

// Each reason a user is synchronized, changed, skipped or left alone is
// explained against a real slapd, the next sync's part taken from the plan.
func TestExplainUserSlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true, ExtraLDIF: explainLDIF})
	env := func(t *testing.T) *syncEnv { return newSyncEnvFor(t, slapdSettings(srv)) }

	t.Run("new in the directory: created in the store", func(t *testing.T) {
		e := env(t)
		x := e.explain("alice@example.com") // by e-mail
		want(t, x, "found", StepPass, "uid=alice,ou=staff", "by its mail")
		for _, s := range []string{"search base", "object class", "users.filter", "sync_only", "username"} {
			want(t, x, s, StepPass)
		}
		want(t, x, "store user", StepInfo, "no user")
		a := action(t, x, SideStore, OpCreate)
		if a.Name != "alice" || len(a.AttrDiffs()) == 0 {
			t.Errorf("create: %+v", a)
		}
		if x.Outcome != OutcomeChanged || !strings.Contains(step(t, x, "next sync").Detail, `email (mail) "alice@example.com"`) {
			t.Errorf("outcome %s: %s", x.Outcome, dumpSteps(x))
		}
	})

	t.Run("in sync: nothing, linked by entryUUID", func(t *testing.T) {
		e := env(t)
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		x := e.explain("alice")
		want(t, x, "store user", StepInfo, "linked to store user alice", "by entryUUID "+e.mustEntry("alice").First("entryUUID"))
		if x.Outcome != OutcomeNothing || len(x.Actions) != 0 || x.Link == nil || x.StoreUser == nil {
			t.Errorf("outcome %s %+v", x.Outcome, x)
		} else if !x.StoreUser.FromLDAP {
			t.Errorf("the store user a sync created is not shown as from the directory: %+v", x.StoreUser)
		}
	})

	t.Run("changed in the directory: update with the diff", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("upd")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		e.modify(dn, "mail", "upd.new@example.com")
		x := e.explain("upd")
		a := action(t, x, SideStore, OpUpdate)
		if len(a.AttrDiffs()) != 1 || a.AttrDiffs()[0].Old != "upd@example.com" || a.AttrDiffs()[0].New != "upd.new@example.com" {
			t.Errorf("update diff: %+v", a.AttrDiffs())
		}
		want(t, x, "next sync", StepInfo, `email (mail) "upd@example.com" -> "upd.new@example.com"`)
	})

	t.Run("outside users.search_base", func(t *testing.T) {
		e := env(t)
		x := e.explain("carl")
		want(t, x, "search base", StepFail, "not under ou=people,dc=example,dc=com")
		if x.Outcome != OutcomeOutside || len(x.Actions) != 0 {
			t.Errorf("outcome %s: %s", x.Outcome, dumpSteps(x))
		}
		if got := step(t, x, "search base").Settings; len(got) != 1 || got[0] != "users.search_base" {
			t.Errorf("settings %v", got)
		}
	})

	t.Run("another object class", func(t *testing.T) {
		e := env(t)
		x := e.explain("acct")
		want(t, x, "object class", StepFail, "lacks object class inetOrgPerson", "account")
		if x.Outcome != OutcomeOutside {
			t.Errorf("outcome %s", x.Outcome)
		}
	})

	t.Run("removed by a clause of users.filter", func(t *testing.T) {
		e := env(t)
		e.s.Users.Filter = "(&(objectClass=person)(mail=*)(!(employeeType=contractor)))"
		x := e.explain("temp")
		want(t, x, "users.filter", StepFail, "(mail=*) does not hold: the entry has no mail",
			`(!(employeeType=contractor)) excludes it because (employeeType=contractor) holds: its employeeType is "contractor"`)
		if strings.Contains(step(t, x, "users.filter").Detail, "(objectClass=person) does not hold") {
			t.Error("a clause the entry matches is blamed")
		}
		if x.Outcome != OutcomeOutside {
			t.Errorf("outcome %s", x.Outcome)
		}
		// alice passes the same filter.
		want(t, e.explain("alice"), "users.filter", StepPass, "matches")
	})

	t.Run("member of sync_only through a nested group", func(t *testing.T) {
		e := env(t)
		e.s.Groups.SyncOnly = []string{"all"}
		want(t, e.explain("alice"), "sync_only", StepPass, "eng, nested in all (named in groups.sync_only)")
	})

	t.Run("outside the sync_only groups: skipped", func(t *testing.T) {
		e := env(t)
		e.s.Groups.SyncOnly = []string{"all"}
		x := e.explain("nogroup")
		want(t, x, "sync_only", StepFail, "not a member", "all", "cn=other,ou=groups")
		if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipOutsideScope {
			t.Errorf("outcome %s skipped %+v", x.Outcome, x.Skipped)
		}
	})

	t.Run("no username attribute: skipped", func(t *testing.T) {
		e := env(t)
		x := e.explain("cn=No Uid,ou=people,dc=example,dc=com")
		want(t, x, "found", StepPass, "by its DN")
		want(t, x, "username", StepFail, "has no uid (users.username_attribute)")
		if x.Outcome != OutcomeSkipped || x.Skipped[0].Reason != SkipMissingUsername {
			t.Errorf("outcome %s skipped %+v", x.Outcome, x.Skipped)
		}
	})

	t.Run("invalid username: skipped", func(t *testing.T) {
		e := env(t)
		x := e.explain("cn=Bad Name,ou=people,dc=example,dc=com")
		want(t, x, "username", StepFail, `uid "bad name!" is not a valid username`)
		if x.Outcome != OutcomeSkipped || x.Skipped[0].Reason != SkipInvalidUsername {
			t.Errorf("outcome %s skipped %+v", x.Outcome, x.Skipped)
		}
	})

	t.Run("duplicate username: skipped, naming the other entry", func(t *testing.T) {
		e := env(t)
		x := e.explain("dup")
		want(t, x, "found", StepPass, "the name also matches", "explain one by its DN")
		want(t, x, "username", StepFail, "is not unique")
		if len(x.Others) != 1 {
			t.Errorf("other matches %v", x.Others)
		}
		other := "uid=DUP,ou=people,dc=example,dc=com"
		if ldap.DNEqual(x.Entry.DN, other) {
			other = "uid=dup,ou=staff,ou=people,dc=example,dc=com"
		}
		if d := step(t, x, "username").Detail; !strings.Contains(strings.ToLower(d), strings.ToLower(other)) {
			t.Errorf("the duplicate %s is not named: %s", other, d)
		}
		if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipDuplicate {
			t.Errorf("outcome %s skipped %+v", x.Outcome, x.Skipped)
		}
	})

	t.Run("a value the store refuses: skipped", func(t *testing.T) {
		e := env(t)
		x := e.explain("badmail")
		if x.Outcome != OutcomeSkipped || len(x.Skipped) != 1 || x.Skipped[0].Reason != SkipInvalidValue {
			t.Errorf("outcome %s skipped %+v", x.Outcome, x.Skipped)
		}
		want(t, x, "next sync", StepFail, "not of the form name@domain")
	})

	t.Run("username taken by a store user linked to another entry: skipped", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("taken")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			t.Fatal(err)
		}
		e.addPerson("taken") // the same DN and name, a new entryUUID
		x := e.explain("taken")
		want(t, x, "store user", StepInfo, "the entry that was at this DN before", "deleted and added again?")
		var skip *Skip
		for i := range x.Skipped {
			if x.Skipped[i].Reason == SkipNameTaken {
				skip = &x.Skipped[i]
			}
		}
		if skip == nil || x.Outcome != OutcomeSkipped && x.Outcome != OutcomeChanged {
			t.Errorf("no name-taken skip: %s", dumpSteps(x))
		}
	})

	t.Run("gone from the directory: deleted in the store", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("gone")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			t.Fatal(err)
		}
		x := e.explain("gone")
		want(t, x, "found", StepFail, "the store has user gone")
		want(t, x, "store user", StepInfo, "no longer has there")
		action(t, x, SideStore, OpDelete)
	})

	t.Run("deleted in the store: deleted in the directory", func(t *testing.T) {
		e := env(t)
		e.addPerson("tomb")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if _, err := e.db.DeleteUser(e.ctx, e.mustUser("tomb").ID); err != nil {
			t.Fatal(err)
		}
		x := e.explain("tomb")
		want(t, x, "store user", StepInfo, "deleted in the store")
		action(t, x, SideLDAP, OpDelete)
	})

	t.Run("new in the store: created in the directory", func(t *testing.T) {
		e := env(t)
		if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "erin", FirstName: "Erin", LastName: "Moss", Email: "erin@example.com"}); err != nil {
			t.Fatal(err)
		}
		x := e.explain("erin")
		want(t, x, "found", StepFail, "the store has user erin")
		a := action(t, x, SideLDAP, OpCreate)
		if !ldap.DNEqual(a.DN, "uid=erin,ou=people,dc=example,dc=com") {
			t.Errorf("planned DN %s", a.DN)
		}
		// Import never writes the directory: left alone.
		e.s.Sync.Mode = wizard.ModeImport
		if x := e.explain("erin"); x.Outcome != OutcomeLeftAlone || !strings.Contains(step(t, x, "next sync").Detail, "import") {
			t.Errorf("import: %s", dumpSteps(x))
		}
	})

	t.Run("moved in the directory: the link follows", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("mover")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		if _, err := e.conn.Rename(e.ctx, dn, "uid=mover", "ou=moved,"+slapdtest.PeopleDN); err != nil {
			t.Fatal(err)
		}
		x := e.explain("mover")
		want(t, x, "store user", StepInfo, "the link still holds the DN "+dn)
		action(t, x, SideStore, OpRename)
	})

	t.Run("changed on both sides: conflict, the authority wins", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("both")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		e.modify(dn, "mail", "both.dir@example.com")
		mail := "both.store@example.com"
		if _, err := e.db.UpdateUser(e.ctx, e.mustUser("both").ID, store.UserUpdate{Email: &mail}); err != nil {
			t.Fatal(err)
		}
		x := e.explain("both")
		if x.Outcome != OutcomeConflicted || len(x.Conflicts) != 1 || x.Conflicts[0].Winner != SideLDAP {
			t.Fatalf("conflict: %s %+v", x.Outcome, x.Conflicts)
		}
		want(t, x, "next sync", StepInfo, `conflict on email: store "both.store@example.com", directory "both.dir@example.com"; the directory wins`)
	})

	t.Run("added to a group in the directory: membership", func(t *testing.T) {
		e := env(t)
		dn := e.addPerson("joiner")
		e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		e.addMember("cn=other,ou=groups,dc=example,dc=com", dn, true)
		x := e.explain("joiner")
		a := action(t, x, SideStore, OpAddMember)
		if a.Name != "other" || a.Member() != "joiner" {
			t.Errorf("membership: %+v", a)
		}
	})

	t.Run("neither side has it", func(t *testing.T) {
		e := env(t)
		x := e.explain("nobody")
		want(t, x, "found", StepFail, `no entry in the directory has uid or mail "nobody"`, "the store has no such user either")
		if x.Outcome != OutcomeNotFound {
			t.Errorf("outcome %s", x.Outcome)
		}
	})

	t.Run("a group: found, in scope, members sorted, created in the store", func(t *testing.T) {
		e := env(t)
		x := e.explainGroup("all")
		want(t, x, "search base", StepPass)
		want(t, x, "members", StepInfo, "1 nested group (eng)")
		a := action(t, x, SideStore, OpCreate)
		if a.Kind != store.KindGroup || a.Name != "all" {
			t.Errorf("group create %+v", a)
		}
		x = e.explainGroup("other")
		want(t, x, "members", StepInfo, "in scope (nogroup") // joiner too, when its subtest ran
		e.s.Groups.SyncOnly = []string{"all"}
		want(t, e.explainGroup("eng"), "sync_only", StepPass, "nested in all")
		x = e.explainGroup("other")
		want(t, x, "sync_only", StepFail, "neither named")
		if x.Outcome != OutcomeOutside {
			t.Errorf("group outside sync_only: %s", dumpSteps(x))
		}
		if x := e.explainGroup("nosuch"); x.Outcome != OutcomeNotFound {
			t.Errorf("no such group: %s", dumpSteps(x))
		}
	})
}
