package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// The first sync of the fixture, the identity cases, and idempotence.
func TestSyncFixtureFirstRun(t *testing.T) {
	for _, mode := range []string{wizard.ModeImport, wizard.ModeTwoWay} {
		t.Run(mode, func(t *testing.T) {
			e := newSyncEnv(t, slapdtest.Options{})
			rep := e.sync(mode, wizard.AuthorityLDAP)
			if rep.Outcome != store.OutcomeSuccess || rep.Failed != 0 {
				t.Fatalf("outcome %s, failed %d: %s", rep.Outcome, rep.Failed, rep.Error)
			}
			if got := len(e.srv.Fixture.Users); rep.Plan.DirectoryUsers != got {
				t.Errorf("read %d users, fixture has %d", rep.Plan.DirectoryUsers, got)
			}
			// The duplicate-RDN pair: two users, each linked to its own entry.
			u1, u2 := e.mustUser("user1"), e.mustUser("user1.ou2")
			l1, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u1.ID)
			if err != nil {
				t.Fatal(err)
			}
			l2, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !ldap.DNEqual(l1.DN, slapdtest.User1OU1DN) || !ldap.DNEqual(l2.DN, slapdtest.User1OU2DN) || l1.StableID == l2.StableID {
				t.Errorf("duplicate RDN links: %s (%s) and %s (%s)", l1.DN, l1.StableID, l2.DN, l2.StableID)
			}
			if u2.LastName != "One-Two" {
				t.Errorf("user1.ou2 last name %q", u2.LastName)
			}
			// The escaped comma.
			jd := e.mustUser("jdoe")
			lj, _ := e.db.LinkByLocalID(e.ctx, store.KindUser, jd.ID)
			if lj == nil || !ldap.DNEqual(lj.DN, slapdtest.JohnDoeDN) {
				t.Errorf("jdoe link %+v", lj)
			}
			if !jd.FromLDAP || jd.Email != "john.doe@example.com" {
				t.Errorf("jdoe %+v", jd)
			}
			// Non-ASCII and missing mail.
			if z := e.mustUser("zsimkova"); z.FirstName != "Zoë" || z.LastName != "Šimková" {
				t.Errorf("zsimkova %+v", z)
			}
			if l := e.mustUser("lzolw"); l.Email != "" {
				t.Errorf("lzolw email %q", l.Email)
			}
			// Groups, direct memberships; the nested group is a group, not members.
			if !e.inGroup("project-x", "user1") || !e.inGroup("project-x", "jdoe") || !e.inGroup("project-x", "user1.ou2") {
				t.Errorf("project-x members %v", e.groupMembers("project-x"))
			}
			if n := len(e.groupMembers("archive-all")); n != len(e.srv.Fixture.Users) {
				t.Errorf("archive-all has %d store members, want the %d fixture users (dangling DNs ignored)", n, len(e.srv.Fixture.Users))
			}
			e.checkIdle(mode, wizard.AuthorityLDAP)
			// A second run applies nothing.
			rep = e.sync(mode, wizard.AuthorityLDAP)
			if rep.Applied != 0 || len(rep.Plan.Actions) != 0 {
				t.Errorf("second run applied %d: %s", rep.Applied, describe(rep.Plan.Actions))
			}
		})
	}
}

// sync_only finds its groups by searching (project-x sits in a nested OU
// under the group base, so a DN built from the base would miss it), expands
// nested groups safely even through a cycle, and includes members at any
// depth below the user base.
func TestSyncOnlyNestedGroups(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	// A cycle: platform -> staff -> engineering -> platform.
	e.addMember(slapdtest.PlatformGroupDN, slapdtest.StaffGroupDN, true)
	e.s.Groups.SyncOnly = []string{"staff", "project-x"}
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	f := e.srv.Fixture
	want := map[string]bool{}
	for _, g := range []string{slapdtest.PlatformGroupDN, slapdtest.EngineeringGroupDN, "cn=sales,ou=groups,dc=example,dc=com", slapdtest.ProjectXGroupDN} {
		for _, m := range f.Groups[g] {
			want[m] = true
		}
	}
	want[f.Users[6].DN] = true // a direct member of staff
	for _, u := range f.Users {
		got := e.user(u.UID) != nil
		if got != want[u.DN] {
			t.Errorf("%s (%s): in store %v, want %v", u.UID, u.DN, got, want[u.DN])
		}
	}
	if e.user("lzolw") == nil {
		t.Error("lzolw, three OUs deep in a group nested two deep, is missing")
	}
	outside := 0
	for _, s := range rep.Plan.Skipped {
		if s.Reason == SkipOutsideScope {
			outside++
		}
	}
	wantOutside := 0
	for _, u := range f.Users {
		if !want[u.DN] {
			wantOutside++
		}
	}
	if outside != wantOutside {
		t.Errorf("%d skipped as outside scope, want %d", outside, wantOutside)
	}
	for _, g := range []string{"staff", "engineering", "platform", "sales", "project-x"} {
		if _, err := e.db.GetGroupByName(e.ctx, g); err != nil {
			t.Errorf("group %s: %v", g, err)
		}
	}
	for _, g := range []string{"admins", "archive-all"} {
		if _, err := e.db.GetGroupByName(e.ctx, g); err == nil {
			t.Errorf("group %s is outside sync_only but was synced", g)
		}
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)

	// Leaving the groups takes a user out of scope: deleted from the store
	// (within max_delete), never from the directory.
	e.addMember(slapdtest.ProjectXGroupDN, slapdtest.User1OU2DN, false)
	rep = e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if e.user("user1.ou2") != nil || e.mustEntry("user1.ou2") == nil {
		t.Errorf("user1.ou2 after leaving project-x: %s", describe(rep.Plan.Actions))
	}
	// A name that matches no group is an error naming the setting.
	e.s.Groups.SyncOnly = []string{"no-such-group"}
	if _, err := e.trySync(wizard.ModeImport, wizard.AuthorityLDAP, Options{}); err == nil || !strings.Contains(err.Error(), "groups.sync_only") {
		t.Errorf("unknown sync_only group: %v", err)
	}
}

// Passwords go store -> directory, groups are created and deleted across,
// and users created by a sync wait for enrollment when it is enabled.
func TestSyncPasswordsGroupsEnrollment(t *testing.T) {
	e := newSmallEnv(t)
	e.s.Enrollment.Enabled = true
	alice := e.mustUser("alice")
	if _, err := e.db.SetPassword(e.ctx, alice.ID, "New-secret-9"); err != nil {
		t.Fatal(err)
	}
	g, err := e.db.CreateGroup(e.ctx, "ops", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddMember(e.ctx, e.mustUser("carol").ID, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateGroup(e.ctx, "empty-local", "", false); err != nil {
		t.Fatal(err)
	}
	if err := e.conn.Delete(e.ctx, teamDN); err != nil {
		t.Fatal(err)
	}
	e.addDirUser("fresh", "fresh@example.com")
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	lc, _ := e.s.LDAPConfig(nil)
	lc.BindDN, lc.BindPassword = aliceDN, "New-secret-9"
	if c, err := ldap.Dial(e.ctx, lc); err != nil {
		t.Errorf("alice cannot bind with the password set in the store: %v", err)
	} else {
		c.Close()
	}
	if e.mustUser("alice").PasswordPending {
		t.Error("alice's password is still pending")
	}
	if !e.dirHasMember("cn=ops,ou=groups,dc=example,dc=com", carolDN) {
		t.Error("group ops was not created in the directory with carol")
	}
	if _, err := e.db.GetGroupByName(e.ctx, "team"); err == nil {
		t.Error("group team, deleted in the directory, is still in the store")
	}
	skippedEmpty := false
	for _, s := range rep.Plan.Skipped {
		if s.Name == "empty-local" && s.Reason == SkipEmptyGroup {
			skippedEmpty = true
		}
	}
	if !skippedEmpty {
		t.Errorf("an empty store group should be skipped (groupOfNames needs a member): %+v", rep.Plan.Skipped)
	}
	if u := e.mustUser("fresh"); !u.EnrollmentPending || !u.FromLDAP {
		t.Errorf("fresh: %+v", u)
	}
	if e.mustUser("alice").EnrollmentPending {
		t.Error("an existing user was marked for enrollment")
	}
	// The changes are in the audit log.
	changes, err := e.db.Changes(e.ctx, rep.RunID)
	if err != nil || len(changes) != rep.Applied {
		t.Errorf("%d change rows for %d applied: %v", len(changes), rep.Applied, err)
	}
	for _, c := range changes {
		if strings.Contains(string(c.Detail), "New-secret-9") {
			t.Error("a password reached the changes table")
		}
	}
	// The empty group stays skipped on every run, and is the only thing planned.
	p := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if !p.Empty() {
		t.Errorf("second run plans: %s", describe(p.Actions))
	}
}
