package syncer

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// smallLDIF is a small directory for the scenario table: quick to load and
// sync, with the fixture's two hard cases (the same RDN in two OUs, an
// escaped comma) at the fixture's DNs.
const smallLDIF = `dn: ou=sales,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: sales

dn: ou=ou1,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: ou1

dn: ou=ou2,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: ou2

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Smith
givenName: Alice
sn: Smith
mail: alice@example.com

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob Jones
givenName: Bob
sn: Jones
mail: bob@example.com

dn: uid=carol,ou=sales,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: carol
cn: Carol Brown
givenName: Carol
sn: Brown

dn: cn=user1,ou=ou1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: user1
cn: user1
sn: One
mail: user1@example.com

dn: cn=user1,ou=ou2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: user1.ou2
cn: user1
sn: One-Two
mail: user1.ou2@example.com

dn: cn=Doe\, John,ou=sales,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: jdoe
cn: Doe, John
givenName: John
sn: Doe
mail: john.doe@example.com

dn: cn=team,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: team
member: uid=alice,ou=people,dc=example,dc=com
member: uid=bob,ou=people,dc=example,dc=com

`

const (
	aliceDN = "uid=alice,ou=people,dc=example,dc=com"
	bobDN   = "uid=bob,ou=people,dc=example,dc=com"
	carolDN = "uid=carol,ou=sales,ou=people,dc=example,dc=com"
	teamDN  = "cn=team,ou=groups,dc=example,dc=com"
)

// waitMember waits up to 3s for refint, which updates member values in the
// background after a rename, and reports whether groupDN has member dn.
func (e *syncEnv) waitMember(groupDN, dn string) bool {
	deadline := time.Now().Add(3 * time.Second)
	for !e.dirHasMember(groupDN, dn) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// newSmallEnv starts slapd with smallLDIF and links everything with a
// first two-way sync.
func newSmallEnv(t *testing.T) *syncEnv {
	t.Helper()
	return newSmallEnvOn(t, storeSQLite)
}

// newSmallEnvOn is newSmallEnv with the store on backend.
func newSmallEnvOn(t *testing.T, backend string) *syncEnv {
	t.Helper()
	e := newSyncEnvOn(t, slapdtest.Options{NoFixture: true, ExtraLDIF: smallLDIF}, backend)
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Plan.DirectoryUsers != 6 || rep.Failed != 0 {
		t.Fatalf("baseline sync read %d users, failed %d: %s", rep.Plan.DirectoryUsers, rep.Failed, rep.Error)
	}
	return e
}

// scenario is one row: seed changes on one or both sides after the
// baseline, sync with the row's mode and authority, check both sides.
type scenario struct {
	name  string
	seed  func(e *syncEnv)
	check func(t *testing.T, e *syncEnv, mode, authority string)
}

func scenarios() []scenario {
	writesStore := func(mode string) bool { return mode != wizard.ModeOneWay }
	writesDir := func(mode string) bool { return mode != wizard.ModeImport }
	return []scenario{
		{"create in directory", func(e *syncEnv) { e.addDirUser("newbie", "newbie@example.com") },
			func(t *testing.T, e *syncEnv, mode, _ string) {
				u := e.user("newbie")
				if writesStore(mode) != (u != nil) {
					t.Errorf("store user newbie: %+v", u)
				}
				if u != nil && (!u.FromLDAP || u.Email != "newbie@example.com") {
					t.Errorf("newbie: %+v", u)
				}
				e.mustEntry("newbie")
			}},
		{"create in store", func(e *syncEnv) {
			u, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "stnew", Email: "stnew@example.com", FirstName: "Stan", LastName: "New"})
			if err != nil {
				e.t.Fatal(err)
			}
			if _, err := e.db.SetPassword(e.ctx, u.ID, "Secret-pw-1"); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			en := e.entry("stnew")
			if writesDir(mode) != (en != nil) {
				t.Fatalf("directory entry stnew: %v", en)
			}
			e.mustUser("stnew")
			if en == nil {
				return
			}
			if en.First("mail") != "stnew@example.com" || en.First("cn") != "Stan New" || en.First("sn") != "New" ||
				!ldap.DNEqual(en.DN, "uid=stnew,ou=people,dc=example,dc=com") {
				t.Errorf("entry %s: %+v", en.DN, en.Attributes)
			}
			lc, _ := e.s.LDAPConfig(nil)
			lc.BindDN, lc.BindPassword = en.DN, "Secret-pw-1"
			c, err := ldap.Dial(e.ctx, lc)
			if err != nil {
				t.Errorf("bind as the created user with the store password: %v", err)
			} else {
				c.Close()
			}
			if u := e.mustUser("stnew"); u.PasswordPending {
				t.Error("password still pending after the sync")
			}
		}},
		{"update in directory", func(e *syncEnv) { e.modify(aliceDN, "mail", "alice@new.example.com") },
			func(t *testing.T, e *syncEnv, mode, _ string) {
				want := "alice@new.example.com"
				if !writesStore(mode) {
					want = "alice@example.com"
				}
				if got := e.mustUser("alice").Email; got != want {
					t.Errorf("store email %q, want %q", got, want)
				}
				if got := e.mustEntry("alice").First("mail"); got != "alice@new.example.com" {
					t.Errorf("directory mail %q", got)
				}
			}},
		{"update in store", func(e *syncEnv) {
			v := "alice@store.example.com"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser("alice").ID, store.UserUpdate{Email: &v}); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			want := "alice@store.example.com"
			if !writesDir(mode) {
				want = "alice@example.com" // import copies the directory's value back
			}
			if got := e.mustEntry("alice").First("mail"); got != want && writesDir(mode) {
				t.Errorf("directory mail %q, want %q", got, want)
			}
			if got := e.mustUser("alice").Email; got != want {
				t.Errorf("store email %q, want %q", got, want)
			}
		}},
		{"delete in directory", func(e *syncEnv) {
			if err := e.conn.Delete(e.ctx, bobDN); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			u, en := e.user("bob"), e.entry("bob")
			if mode == wizard.ModeOneWay {
				if u == nil || en == nil {
					t.Errorf("one-way writes the store's bob back: store %v, entry %v", u, en)
				}
				return
			}
			if u != nil || en != nil {
				t.Errorf("bob should be gone: store %+v, entry %v", u, en)
			}
		}},
		{"delete in store", func(e *syncEnv) {
			if _, err := e.db.DeleteUser(e.ctx, e.mustUser("bob").ID); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			u, en := e.user("bob"), e.entry("bob")
			if mode == wizard.ModeImport {
				if u == nil || u.Deleted() || en == nil {
					t.Errorf("import restores bob: store %+v, entry %v", u, en)
				}
				return
			}
			if u != nil || en != nil {
				t.Errorf("bob should be gone: store %+v, entry %v", u, en)
			}
		}},
		{"disable in store", func(e *syncEnv) {
			if _, err := e.db.SetUserDisabled(e.ctx, e.mustUser("alice").ID, true); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, _, _ string) {
			if !e.mustUser("alice").Disabled {
				t.Error("alice no longer disabled in the store")
			}
			e.mustEntry("alice") // disabling never deletes an entry
		}},
		{"move in directory", func(e *syncEnv) {
			if _, err := e.conn.Rename(e.ctx, aliceDN, "uid=alice", "ou=sales,ou=people,dc=example,dc=com"); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, _, _ string) {
			e.waitMember(teamDN, "uid=alice,ou=sales,ou=people,dc=example,dc=com")
			u := e.mustUser("alice")
			l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u.ID)
			if err != nil || !ldap.DNEqual(l.DN, "uid=alice,ou=sales,ou=people,dc=example,dc=com") {
				t.Errorf("link did not follow the move: %+v %v", l, err)
			}
			if !e.inGroup("team", "alice") {
				t.Error("alice lost her membership")
			}
		}},
		{"rename in directory", func(e *syncEnv) {
			if _, err := e.conn.Rename(e.ctx, bobDN, "uid=robert", ""); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			// The sync may have run before refint rewrote the group's member
			// value; wait for it so the idle check sees the steady state.
			e.waitMember(teamDN, "uid=robert,ou=people,dc=example,dc=com")
			if writesStore(mode) {
				if e.user("bob") != nil {
					t.Error("store still has bob")
				}
				u := e.mustUser("robert")
				if !e.inGroup("team", u.Username) {
					t.Error("robert lost the membership")
				}
			} else {
				e.mustUser("bob")
			}
			e.mustEntry("robert")
		}},
		{"rename in store", func(e *syncEnv) {
			v := "bobby"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser("bob").ID, store.UserUpdate{Username: &v}); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			if !writesDir(mode) {
				e.mustUser("bob")
				e.mustEntry("bob")
				return
			}
			en := e.mustEntry("bobby")
			if !ldap.DNEqual(en.DN, "uid=bobby,ou=people,dc=example,dc=com") || e.entry("bob") != nil {
				t.Errorf("entry %s", en.DN)
			}
			if !e.waitMember(teamDN, en.DN) {
				t.Error("the renamed entry lost its group membership")
			}
		}},
		{"conflicting update", func(e *syncEnv) {
			v := "alice@store.example.com"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser("alice").ID, store.UserUpdate{Email: &v}); err != nil {
				e.t.Fatal(err)
			}
			e.modify(aliceDN, "mail", "alice@dir.example.com")
		}, func(t *testing.T, e *syncEnv, mode, authority string) {
			st, dir := "alice@store.example.com", "alice@dir.example.com"
			wantStore, wantDir := st, dir
			switch {
			case mode == wizard.ModeImport:
				wantStore = dir
			case mode == wizard.ModeOneWay:
				wantDir = st
			case authority == wizard.AuthorityLDAP:
				wantStore = dir
			default:
				wantDir = st
			}
			if got := e.mustUser("alice").Email; got != wantStore {
				t.Errorf("store %q, want %q", got, wantStore)
			}
			if got := e.mustEntry("alice").First("mail"); got != wantDir {
				t.Errorf("directory %q, want %q", got, wantDir)
			}
		}},
		{"delete in directory, update in store", func(e *syncEnv) {
			v := "bob@store.example.com"
			if _, err := e.db.UpdateUser(e.ctx, e.mustUser("bob").ID, store.UserUpdate{Email: &v}); err != nil {
				e.t.Fatal(err)
			}
			if err := e.conn.Delete(e.ctx, bobDN); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, authority string) {
			kept := mode == wizard.ModeOneWay || (mode == wizard.ModeTwoWay && authority == wizard.AuthorityStore)
			u, en := e.user("bob"), e.entry("bob")
			if kept != (u != nil && en != nil) || (!kept && (u != nil || en != nil)) {
				t.Errorf("kept=%v: store %+v entry %v", kept, u, en)
			}
		}},
		{"membership added in directory", func(e *syncEnv) { e.addMember(teamDN, carolDN, true) },
			func(t *testing.T, e *syncEnv, mode, _ string) {
				if e.inGroup("team", "carol") != writesStore(mode) {
					t.Errorf("store team: %v", e.groupMembers("team"))
				}
			}},
		{"membership added in store", func(e *syncEnv) {
			g, _ := e.db.GetGroupByName(e.ctx, "team")
			if _, err := e.db.AddMember(e.ctx, e.mustUser("carol").ID, g.ID); err != nil {
				e.t.Fatal(err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			if e.dirHasMember(teamDN, carolDN) != writesDir(mode) {
				t.Error("directory membership of carol wrong")
			}
			if e.inGroup("team", "carol") != writesDir(mode) {
				t.Errorf("store team: %v", e.groupMembers("team"))
			}
		}},
		{"membership removed in directory", func(e *syncEnv) { e.addMember(teamDN, bobDN, false) },
			func(t *testing.T, e *syncEnv, mode, _ string) {
				if e.inGroup("team", "bob") == writesStore(mode) {
					t.Errorf("store team: %v", e.groupMembers("team"))
				}
			}},
		{"membership removed in store", func(e *syncEnv) {
			g, _ := e.db.GetGroupByName(e.ctx, "team")
			if ok, err := e.db.RemoveMember(e.ctx, e.mustUser("bob").ID, g.ID); err != nil || !ok {
				e.t.Fatalf("remove bob from team: %v %v", ok, err)
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			// import copies the directory's membership back; the other modes
			// write the removal to the directory.
			if e.dirHasMember(teamDN, bobDN) == writesDir(mode) {
				t.Errorf("directory membership of bob wrong for %s", mode)
			}
			if e.inGroup("team", "bob") == writesDir(mode) {
				t.Errorf("store team: %v", e.groupMembers("team"))
			}
			if !e.dirHasMember(teamDN, aliceDN) || !e.inGroup("team", "alice") {
				t.Error("alice lost her membership")
			}
		}},
		{"escaped comma and duplicate RDN updated in store", func(e *syncEnv) {
			for _, n := range []string{"jdoe", "user1.ou2"} {
				v := n + "@store.example.com"
				if _, err := e.db.UpdateUser(e.ctx, e.mustUser(n).ID, store.UserUpdate{Email: &v}); err != nil {
					e.t.Fatal(err)
				}
			}
		}, func(t *testing.T, e *syncEnv, mode, _ string) {
			if !writesDir(mode) {
				return
			}
			for _, c := range []struct{ dn, mail string }{
				{slapdtest.JohnDoeDN, "jdoe@store.example.com"},
				{slapdtest.User1OU2DN, "user1.ou2@store.example.com"},
				{slapdtest.User1OU1DN, "user1@example.com"},
			} {
				en, err := e.conn.Entry(e.ctx, c.dn)
				if err != nil || en.First("mail") != c.mail {
					t.Errorf("%s mail: %v %v", c.dn, en, err)
				}
			}
		}},
	}
}

// TestSyncScenarios runs the table on each store backend: SQLite and a
// real PostgreSQL.
func TestSyncScenarios(t *testing.T) {
	for _, backend := range storeBackends {
		t.Run(backend, func(t *testing.T) {
			runScenarios(t, func(t *testing.T) *syncEnv { return newSmallEnvOn(t, backend) })
		})
	}
}

// runScenarios runs every scenario in every mode and authority, each on a
// fresh directory from newEnv (linked by a baseline sync).
func runScenarios(t *testing.T, newEnv func(*testing.T) *syncEnv) {
	for _, sc := range scenarios() {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			for _, mode := range []string{wizard.ModeImport, wizard.ModeOneWay, wizard.ModeTwoWay} {
				for _, authority := range []string{wizard.AuthorityLDAP, wizard.AuthorityStore} {
					t.Run(mode+"/"+authority, func(t *testing.T) {
						e := newEnv(t)
						sc.seed(e)
						rep := e.sync(mode, authority)
						if rep.Failed != 0 {
							t.Fatalf("failed changes: %s", rep.Error)
						}
						sc.check(t, e, mode, authority)
						e.checkIdle(mode, authority)
					})
				}
			}
		})
	}
}
