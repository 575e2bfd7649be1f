package syncer

import (
	"strings"
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// A store user written back to the directory (its entry was deleted there)
// by a run killed after the add and before the store commit leaves an entry
// at the DN the rerun plans to create. The rerun adopts that entry (same
// DN, same username, in scope, linked to nobody), re-links the user to it
// and restores the memberships, instead of failing on "Entry Already
// Exists" forever.
func TestSyncWriteBackAdoptsEntryLeftBehind(t *testing.T) {
	for _, c := range []struct{ mode, authority string }{
		{wizard.ModeOneWay, wizard.AuthorityLDAP},
		{wizard.ModeTwoWay, wizard.AuthorityStore},
	} {
		t.Run(c.mode+"/"+c.authority, func(t *testing.T) {
			e := newSmallEnv(t)
			// In two-way mode the store wins the deletion only when it
			// changed the user since the last sync.
			mail := "bob@store.example.com"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser("bob").ID, store.UserUpdate{Email: &mail}); err != nil {
				t.Fatal(err)
			}
			if err := e.conn.Delete(e.ctx, bobDN); err != nil {
				t.Fatal(err)
			}
			// What the killed write-back left: the entry it added.
			err := e.conn.Add(e.ctx, bobDN, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"bob"},
				"cn": {"Bob Jones"}, "givenName": {"Bob"}, "sn": {"Jones"}, "mail": {mail}})
			if err != nil {
				t.Fatal(err)
			}
			left := e.mustEntry("bob")
			rep, err := e.trySync(c.mode, c.authority, Options{})
			if err != nil || rep.Failed != 0 {
				t.Fatalf("rerun after the interrupted write-back: %v\n%s", err, describe(rep.Plan.Actions))
			}
			l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, e.mustUser("bob").ID)
			if err != nil || l.StableID != left.StableID() || !ldap.DNEqual(l.DN, bobDN) {
				t.Errorf("bob's link %+v (%v), want the entry left behind (%s)", l, err, left.StableID())
			}
			if !e.dirHasMember(teamDN, bobDN) {
				t.Errorf("bob's team membership was not restored in the directory: %s", describe(rep.Plan.Actions))
			}
			if got := e.mustEntry("bob").First("mail"); got != mail {
				t.Errorf("directory mail %q, want %q", got, mail)
			}
			for _, s := range rep.Plan.Skipped {
				if s.Name == "bob" {
					t.Errorf("the adopted entry was also skipped: %+v", s)
				}
			}
			e.checkIdle(c.mode, c.authority)
		})
	}
}

// A create whose DN holds another user's entry is not attempted: the plan
// skips it with a conflict naming both, instead of failing on "Entry
// Already Exists" on every run.
func TestSyncCreateAtTakenDNNamesBoth(t *testing.T) {
	e := newSmallEnv(t)
	const janeDN = "cn=Jane Doe,ou=people,dc=example,dc=com"
	err := e.conn.Add(e.ctx, janeDN, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"jane"},
		"cn": {"Jane Doe"}, "givenName": {"Jane"}, "sn": {"Doe"}})
	if err != nil {
		t.Fatal(err)
	}
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP) // links jane
	e.s.Users.RDNAttribute = "cn"
	if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "jdoe2", FirstName: "Jane", LastName: "Doe"}); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
		if err != nil || rep.Failed != 0 {
			t.Fatalf("run %d: %v\n%s", run, err, describe(rep.Plan.Actions))
		}
		var skip *Skip
		for i, s := range rep.Plan.Skipped {
			if s.Name == "jdoe2" {
				skip = &rep.Plan.Skipped[i]
			}
		}
		if skip == nil || skip.Reason != SkipNameTaken || !ldap.DNEqual(skip.DN, janeDN) ||
			!strings.Contains(skip.Detail, "jane") {
			t.Errorf("run %d: jdoe2 should be skipped, naming jane's entry: %+v", run, skip)
		}
	}
	if en := e.mustEntry("jane"); en.First("cn") != "Jane Doe" {
		t.Errorf("jane's entry changed: %+v", en.Attributes)
	}
}

// An entry at the DN of a written-back user that the sync does not read
// (another object class) is not taken over: the create is refused with a
// message naming the entry and why, and the other changes are applied.
func TestSyncWriteBackOntoEntryOutOfScope(t *testing.T) {
	e := newSmallEnv(t)
	if err := e.conn.Delete(e.ctx, bobDN); err != nil {
		t.Fatal(err)
	}
	if err := e.conn.Add(e.ctx, bobDN, map[string][]string{"objectClass": {"account"}, "uid": {"bob"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.trySync(wizard.ModeOneWay, wizard.AuthorityLDAP, Options{})
	if err == nil || rep.Failed == 0 {
		t.Fatalf("the write-back onto an entry out of scope succeeded: %s", describe(rep.Plan.Actions))
	}
	msg := err.Error()
	for _, want := range []string{`user "bob"`, bobDN, "outside the users this sync reads", "users.object_class inetOrgPerson"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if en := e.mustEntry("bob"); en.Has("mail") {
		t.Errorf("the entry out of scope was changed: %+v", en.Attributes)
	}
}
