package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/ds389test"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// lockKit is one way a directory marks locked accounts, for the account
// state scenario: how an administrator locks an entry there, and how the
// test sees the lock.
type lockKit struct {
	kind string // the kind the sync must use (Plan.AccountState.Kind)
	// lock locks (or unlocks) the entry at dn as a directory administrator.
	lock func(e *syncEnv, dn string, locked bool)
	// locked reports whether entry en is locked.
	locked func(en *ldap.Entry) bool
	// stopsBinds: a locked account cannot bind.
	stopsBinds bool
}

const lockedUserPassword = "L0cked!Passw0rd"

// bindAs reports the error of a bind as dn with password, over the
// connection settings of e.
func (e *syncEnv) bindAs(dn, password string) error {
	lc, err := e.s.LDAPConfig(nil)
	if err != nil {
		return err
	}
	lc.BindDN, lc.BindPassword = dn, password
	c, err := ldap.Dial(e.ctx, lc)
	if err == nil {
		c.Close()
	}
	return err
}

// runAccountStateScenario checks, on a linked two-way environment, that
// locks and unlocks flow both ways, that disabling never deletes, that
// locked entries import disabled and disabled store users are created
// locked, and that every step is followed by a run planning nothing.
func runAccountStateScenario(t *testing.T, e *syncEnv, k lockKit) {
	const mode, authority = wizard.ModeTwoWay, wizard.AuthorityLDAP
	dirLocked := func(uid string) bool { return k.locked(e.mustEntry(uid)) }
	if err := e.conn.SetPassword(e.ctx, aliceDN, lockedUserPassword, false); err != nil {
		t.Fatal(err)
	}

	t.Run("locked in the directory: disabled in the store", func(t *testing.T) {
		k.lock(e, bobDN, true)
		rep := e.sync(mode, authority)
		if rep.Plan.AccountState.Kind != k.kind {
			t.Errorf("account state %+v, want %s", rep.Plan.AccountState, k.kind)
		}
		if !e.mustUser("bob").Disabled {
			t.Error("bob, locked in the directory, is enabled in the store")
		}
		e.checkIdle(mode, authority)
	})

	t.Run("disabled in the store: locked in the directory, never deleted", func(t *testing.T) {
		if _, err := e.db.SetUserDisabled(e.ctx, e.mustUser("alice").ID, true); err != nil {
			t.Fatal(err)
		}
		p := e.preview(mode, authority)
		acts := p.Select(SideLDAP, OpDisable)
		if len(acts) != 1 || acts[0].Name != "alice" || !strings.Contains(acts[0].Reason, p.AccountState.Attribute()) {
			t.Fatalf("preview: %s", describe(p.Actions))
		}
		rep := e.sync(mode, authority)
		if n := len(rep.Plan.Select("", OpDelete)); n != 0 || rep.Failed != 0 {
			t.Fatalf("disabling planned %d deletes, %d failed: %s", n, rep.Failed, rep.Error)
		}
		if !dirLocked("alice") {
			t.Errorf("alice is not locked in the directory: %+v", e.mustEntry("alice").Attributes)
		}
		if k.stopsBinds && e.bindAs(aliceDN, lockedUserPassword) == nil {
			t.Error("alice, locked, still binds")
		}
		e.checkIdle(mode, authority)
	})

	t.Run("a password set in the store keeps the lock", func(t *testing.T) {
		if _, err := e.db.SetPassword(e.ctx, e.mustUser("alice").ID, lockedUserPassword+"2"); err != nil {
			t.Fatal(err)
		}
		if rep := e.sync(mode, authority); rep.Failed != 0 {
			t.Fatalf("%d failed: %s", rep.Failed, rep.Error)
		}
		if !dirLocked("alice") || !e.mustUser("alice").Disabled {
			t.Errorf("after a password change alice is locked=%v, disabled=%v", dirLocked("alice"), e.mustUser("alice").Disabled)
		}
		e.checkIdle(mode, authority)
	})

	t.Run("unlocked and enabled on each side", func(t *testing.T) {
		k.lock(e, bobDN, false)
		if _, err := e.db.SetUserDisabled(e.ctx, e.mustUser("alice").ID, false); err != nil {
			t.Fatal(err)
		}
		if rep := e.sync(mode, authority); rep.Failed != 0 {
			t.Fatalf("%d failed: %s", rep.Failed, rep.Error)
		}
		if dirLocked("alice") {
			t.Errorf("alice is still locked in the directory: %+v", e.mustEntry("alice").Attributes)
		}
		if e.mustUser("bob").Disabled {
			t.Error("bob, unlocked in the directory, is still disabled in the store")
		}
		if err := e.bindAs(aliceDN, lockedUserPassword+"2"); k.stopsBinds && err != nil {
			t.Errorf("alice, unlocked, cannot bind: %v", err)
		}
		e.checkIdle(mode, authority)
	})

	t.Run("a locked entry imports disabled; a disabled store user is created locked", func(t *testing.T) {
		k.lock(e, e.addDirUser("lockie", "lockie@example.com"), true)
		if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "stlock", Email: "stlock@example.com", FirstName: "St", LastName: "Lock", Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if rep := e.sync(mode, authority); rep.Failed != 0 {
			t.Fatalf("%d failed: %s", rep.Failed, rep.Error)
		}
		if !e.mustUser("lockie").Disabled {
			t.Error("lockie, locked in the directory, was imported enabled")
		}
		if !dirLocked("stlock") || !e.mustUser("stlock").Disabled {
			t.Errorf("stlock, disabled in the store, was created unlocked: %+v", e.mustEntry("stlock").Attributes)
		}
		e.checkIdle(mode, authority)
	})
}

// TestAccountStatePPolicySlapd: OpenLDAP with the ppolicy overlay, found by
// users.account_state "auto"; locks are pwdAccountLockedTime 000001010000Z.
func TestAccountStatePPolicySlapd(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: smallLDIF, PPolicy: true})
	if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP); rep.Plan.DirectoryUsers != 6 || !rep.Plan.AccountState.Detected {
		t.Fatalf("baseline: %d users, account state %+v: %s", rep.Plan.DirectoryUsers, rep.Plan.AccountState, rep.Error)
	}
	runAccountStateScenario(t, e, lockKit{
		kind: ldap.AccountStatePPolicy,
		lock: func(e *syncEnv, dn string, locked bool) {
			if locked {
				e.srv.Lock(e.t, dn)
			} else {
				e.srv.Unlock(e.t, dn)
			}
		},
		locked:     func(en *ldap.Entry) bool { return en.First("pwdAccountLockedTime") == ldap.PPolicyPermanentLock },
		stopsBinds: true,
	})
}

// TestAccountState389DS: 389 Directory Server, found by "auto" (the preset
// names it); locks are nsAccountLock: true.
func TestAccountState389DS(t *testing.T) {
	e, _ := newLinked389Env(t, ds389test.Options{})
	e.s.Users.AccountState = wizard.AccountStateAuto
	runAccountStateScenario(t, e, lockKit{
		kind: ldap.AccountState389,
		lock: func(e *syncEnv, dn string, locked bool) {
			if locked {
				e.modify(dn, "nsAccountLock", "true")
			} else {
				e.modify(dn, "nsAccountLock")
			}
		},
		locked:     func(en *ldap.Entry) bool { return strings.EqualFold(en.First("nsAccountLock"), "true") },
		stopsBinds: true,
	})
}

// TestAccountStateAttributePair: a schema's own attribute/value pair
// (employeeType: disabled, as the demo directory marks disabled users);
// the entry's other values of the attribute are kept.
func TestAccountStateAttributePair(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: smallLDIF})
	e.s.Users.AccountState, e.s.Users.DisabledAttribute, e.s.Users.DisabledValue = ldap.AccountStateAttribute, "employeeType", "disabled"
	e.modify(aliceDN, "employeeType", "staff")
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	pair := ldap.AccountState{Kind: ldap.AccountStateAttribute, Attr: "employeeType", Value: "disabled"}
	runAccountStateScenario(t, e, lockKit{
		kind: ldap.AccountStateAttribute,
		lock: func(e *syncEnv, dn string, locked bool) {
			op := ldap.ModDelete
			if locked {
				op = ldap.ModAdd
			}
			if err := e.conn.Modify(e.ctx, dn, []ldap.Change{{Op: op, Attr: "employeeType", Values: []string{"disabled"}}}); err != nil {
				e.t.Fatal(err)
			}
		},
		locked: func(en *ldap.Entry) bool {
			locked, _ := pair.Locked(en)
			return locked
		},
	})
	if v := e.mustEntry("alice").Get("employeeType"); len(v) != 1 || v[0] != "staff" {
		t.Errorf("alice's employeeType after a lock and an unlock: %v, want [staff]", v)
	}
}

// TestAccountStateNoneStaysInStore: slapd without ppolicy has no account
// state ("auto" finds none): a store disable plans no directory change.
func TestAccountStateNoneStaysInStore(t *testing.T) {
	e := newSmallEnv(t)
	if _, err := e.db.SetUserDisabled(e.ctx, e.mustUser("alice").ID, true); err != nil {
		t.Fatal(err)
	}
	p := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if p.AccountState.Kind != ldap.AccountStateNone || !p.Empty() {
		t.Fatalf("account state %+v; plan: %s", p.AccountState, describe(p.Actions))
	}
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if !e.mustUser("alice").Disabled {
		t.Error("alice's store-only disable was lost")
	}
}

// TestAccountStateFirstContactDisabledWins: links made while "disabled"
// was store-only (users.account_state = "none") meet the directory's locks
// for the first time: whichever side is disabled wins, so turning account
// state on never enables anyone, whatever the mode and the authority.
func TestAccountStateFirstContactDisabledWins(t *testing.T) {
	for _, c := range []struct{ mode, authority string }{
		{wizard.ModeTwoWay, wizard.AuthorityLDAP}, {wizard.ModeTwoWay, wizard.AuthorityStore},
		{wizard.ModeOneWay, wizard.AuthorityLDAP}, {wizard.ModeImport, wizard.AuthorityLDAP},
	} {
		t.Run(c.mode+"/"+c.authority, func(t *testing.T) {
			e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: smallLDIF, PPolicy: true})
			e.s.Users.AccountState = ldap.AccountStateNone
			e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if _, err := e.db.SetUserDisabled(e.ctx, e.mustUser("alice").ID, true); err != nil {
				t.Fatal(err)
			}
			e.srv.Lock(t, bobDN)
			if p := e.preview(c.mode, c.authority); !p.Empty() {
				t.Fatalf("with account_state none: %s", describe(p.Actions))
			}
			e.s.Users.AccountState = wizard.AccountStateAuto
			if rep := e.sync(c.mode, c.authority); rep.Failed != 0 || len(rep.Plan.Select("", OpEnable)) != 0 {
				t.Fatalf("first contact: %s (%d failed)", describe(rep.Plan.Actions), rep.Failed)
			}
			locked := func(uid string) bool {
				return e.mustEntry(uid).First("pwdAccountLockedTime") == ldap.PPolicyPermanentLock
			}
			if !e.mustUser("alice").Disabled || locked("alice") != (c.mode != wizard.ModeImport) {
				t.Errorf("alice, disabled in the store: disabled=%v, locked=%v", e.mustUser("alice").Disabled, locked("alice"))
			}
			if !locked("bob") || e.mustUser("bob").Disabled != (c.mode != wizard.ModeOneWay) {
				t.Errorf("bob, locked in the directory: disabled=%v, locked=%v", e.mustUser("bob").Disabled, locked("bob"))
			}
			e.checkIdle(c.mode, c.authority)
		})
	}
}

// TestAccountState389FixtureImport: the 389 DS fixture's locked accounts
// (nsAccountLock: true, loaded offline) import disabled with the 389 DS
// preset, every other user enabled.
func TestAccountState389FixtureImport(t *testing.T) {
	srv := ds389test.Start(t)
	s, _ := wizard.Preset(wizard.Preset389DS)
	s.Connection.URL, s.Connection.VerifyTLS, s.Connection.CAFile = srv.URL, true, srv.CAFile
	s.Connection.BindDN, s.Connection.BindPassword = srv.AdminDN, srv.AdminPassword
	e := newSyncEnvFor(t, s)
	rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if rep.Failed != 0 || rep.Plan.AccountState.Kind != ldap.AccountState389 {
		t.Fatalf("import: %d failed, account state %+v: %s", rep.Failed, rep.Plan.AccountState, rep.Error)
	}
	locked := map[string]bool{}
	for _, u := range srv.Fixture.Locked() {
		locked[u.UID] = true
	}
	users, err := e.db.ListUsers(e.ctx, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	disabled := 0
	for _, u := range users {
		if u.Disabled != locked[u.Username] {
			t.Errorf("%s: disabled=%v, locked in the directory=%v", u.Username, u.Disabled, locked[u.Username])
		}
		if u.Disabled {
			disabled++
		}
	}
	if disabled != len(locked) || disabled < 2 {
		t.Errorf("%d users imported disabled, %d locked in the fixture", disabled, len(locked))
	}
	e.checkIdle(wizard.ModeImport, wizard.AuthorityLDAP)
}
