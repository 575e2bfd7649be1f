package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// faultLDIF adds to smallLDIF two groups the interrupted-write tests
// rename and delete.
const faultLDIF = `dn: cn=squad,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: squad
member: uid=alice,ou=people,dc=example,dc=com
member: uid=carol,ou=sales,ou=people,dc=example,dc=com

dn: cn=guild,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: guild
member: uid=alice,ou=people,dc=example,dc=com

`

// newFaultEnv starts slapd with smallLDIF and faultLDIF and links
// everything with a first two-way sync.
func newFaultEnv(t *testing.T) *syncEnv {
	t.Helper()
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: smallLDIF + faultLDIF})
	if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP); rep.Failed != 0 || rep.Plan.DirectoryGroups != 3 {
		t.Fatalf("baseline sync: %d groups read, %d failed: %s", rep.Plan.DirectoryGroups, rep.Failed, rep.Error)
	}
	return e
}

// seedWrites makes store changes that a sync writes to the directory with
// every kind of write: a user written back (its entry was deleted in the
// directory, and the store changed it, so it wins in two-way mode too), a
// new user without a last name and with a password, a user and a group
// renamed (modrdn), memberships added and removed, a new group and a group
// written back (one-way; two-way deletes it from the store).
func seedWrites(e *syncEnv) {
	e.t.Helper()
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	mail := "bob@store.example.com"
	_, err := e.db.UpdateUser(e.ctx, e.mustUser("bob").ID, store.UserUpdate{Email: &mail})
	must(err)
	must(e.conn.Delete(e.ctx, bobDN))
	must(e.conn.Delete(e.ctx, "cn=guild,ou=groups,dc=example,dc=com"))
	team, err := e.db.GetGroupByName(e.ctx, "team")
	must(err)
	u, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "stnew", Email: "stnew@example.com", FirstName: "Stan"})
	must(err)
	_, err = e.db.SetPassword(e.ctx, u.ID, "Secret-pw-1")
	must(err)
	_, err = e.db.AddMember(e.ctx, u.ID, team.ID)
	must(err)
	_, err = e.db.AddMember(e.ctx, e.mustUser("user1").ID, team.ID)
	must(err)
	name := "caroline"
	_, err = e.db.UpdateUser(e.ctx, e.mustUser("carol").ID, store.UserUpdate{Username: &name})
	must(err)
	squad, err := e.db.GetGroupByName(e.ctx, "squad")
	must(err)
	gname := "squadron"
	_, err = e.db.UpdateGroup(e.ctx, squad.ID, &gname, nil)
	must(err)
	_, err = e.db.RemoveMember(e.ctx, e.mustUser("alice").ID, squad.ID)
	must(err)
	ops, err := e.db.CreateGroup(e.ctx, "ops", "", false)
	must(err)
	_, err = e.db.AddMember(e.ctx, e.mustUser("alice").ID, ops.ID)
	must(err)
}

// killAtFault runs a sync of e's settings in mode/authority in a child
// process and kills it (SIGKILL) when it reaches the fault point.
func killAtFault(t *testing.T, e *syncEnv, mode, authority, point string) {
	t.Helper()
	killed, stderr, err := killChildSync(t, e, mode, authority, []string{childFaultEnv + "=" + point},
		func(line string) bool { return line == "fault "+point })
	if !killed {
		t.Fatalf("the sync never reached the fault point %q (%v)\n%s", point, err, stderr)
	}
}

// A sync killed (SIGKILL) exactly between a directory write and the store
// transaction recording it, for every kind of directory write (creates,
// written-back users and groups, renames, memberships), in one-way and
// two-way modes: the rerun succeeds and converges to the state of an
// uninterrupted run, and the run after it plans nothing.
func TestSyncKilledAtFaultPointConverges(t *testing.T) {
	common := []string{
		"add create user bob", "write create user bob", // written back
		"add create user stnew", "write create user stnew", // new, no last name, a password
		"modrdn update user caroline", "write update user caroline",
		"write add_member group team bob", "write add_member group team user1",
		"write remove_member group squadron alice",
		"add create group ops", "write create group ops",
		"modrdn update group squadron",
	}
	for _, c := range []struct {
		mode, authority string
		points          []string
	}{
		{wizard.ModeOneWay, wizard.AuthorityLDAP, append([]string{"add create group guild", "write create group guild"}, common...)},
		{wizard.ModeTwoWay, wizard.AuthorityStore, common},
	} {
		t.Run(c.mode+"/"+c.authority, func(t *testing.T) {
			t.Parallel()
			ref := newFaultEnv(t)
			seedWrites(ref)
			if rep := ref.sync(c.mode, c.authority); rep.Failed != 0 {
				t.Fatalf("uninterrupted run: %s", rep.Error)
			}
			want := ref.state()
			for _, point := range c.points {
				t.Run(strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
					e := newFaultEnv(t)
					seedWrites(e)
					killAtFault(t, e, c.mode, c.authority, point)
					if err := e.db.IntegrityCheck(e.ctx); err != nil {
						t.Fatalf("store after the kill: %v", err)
					}
					rep, err := e.trySync(c.mode, c.authority, Options{})
					if err != nil || rep.Failed != 0 {
						t.Fatalf("rerun after the kill: %v\n%s", err, describe(rep.Plan.Actions))
					}
					if got := e.state(); got != want {
						t.Errorf("state after the kill and rerun differs from an uninterrupted run:\n%s", diffLines(want, got))
					}
					e.checkIdle(c.mode, c.authority)
				})
			}
		})
	}
}
