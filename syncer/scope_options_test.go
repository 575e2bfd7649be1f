package syncer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// findAction returns the first visible action of the plan on side with op
// for name (and member, when set), or nil.
func findAction(p *Plan, side, op, name, member string) *Action {
	for _, a := range p.Visible() {
		if a.Side == side && a.Op == op && strings.EqualFold(a.Name, name) && (member == "" || strings.EqualFold(a.Member(), member)) {
			return &a
		}
	}
	return nil
}

// at runs a sync (or, with preview, plans one) with the clock at now.
func (e *syncEnv) at(now time.Time, mode string, preview bool) (*Plan, *Report, error) {
	e.t.Helper()
	s := e.s
	s.Sync.Mode, s.Sync.Authority = mode, wizard.AuthorityLDAP
	opts := Options{Now: func() time.Time { return now }}
	if preview {
		p, err := Preview(e.ctx, s, e.db, opts)
		return p, nil, err
	}
	rep, err := Run(e.ctx, s, e.db, opts)
	if rep != nil {
		return rep.Plan, rep, err
	}
	return nil, rep, err
}

// groups.filter narrows the groups read: a group it leaves out is neither
// created nor kept in the store, the preview says so, and the filter is the
// one the group search sends (wizard.Scope).
func TestGroupsFilterScopesGroups(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	e.s.Groups.Filter = "!(cn=archive-all)" // without parentheses, as people write it
	if got, want := e.s.Scope().GroupFilter, "(&(objectClass=groupOfNames)(!(cn=archive-all)))"; got != want {
		t.Fatalf("group filter %q, want %q", got, want)
	}
	p := e.preview(wizard.ModeImport, wizard.AuthorityLDAP)
	if findAction(p, SideStore, OpCreate, "archive-all", "") != nil || findAction(p, SideStore, OpCreate, "staff", "") == nil {
		t.Fatalf("preview with groups.filter: %s", describe(p.Visible()))
	}
	if p.DirectoryGroups != len(e.srv.Fixture.Groups)-1 {
		t.Errorf("preview read %d groups, want %d", p.DirectoryGroups, len(e.srv.Fixture.Groups)-1)
	}
	rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	if _, err := e.db.GetGroupByName(e.ctx, "archive-all"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("archive-all, outside groups.filter, in the store: %v", err)
	}
	e.checkIdle(wizard.ModeImport, wizard.AuthorityLDAP)

	// Narrowing the filter later: the group now outside it leaves the
	// store (the preview names the setting); its users stay.
	e.s.Groups.Filter = "(&(!(cn=archive-all))(!(cn=sales)))"
	p = e.preview(wizard.ModeImport, wizard.AuthorityLDAP)
	del := findAction(p, SideStore, OpDelete, "sales", "")
	if del == nil || !strings.Contains(del.Reason, "groups.filter") {
		t.Fatalf("preview after narrowing groups.filter: %s", describe(p.Visible()))
	}
	e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if _, err := e.db.GetGroupByName(e.ctx, "sales"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("sales still in the store: %v", err)
	}
	e.mustUser("tyamada") // a sales member
	e.checkIdle(wizard.ModeImport, wizard.AuthorityLDAP)
}

// groups.flatten_nested gives users the memberships of the groups their
// groups are nested in: staff holds engineering (which holds platform) and
// sales, so their members are staff members in the store, shown in the
// preview; a nesting cycle ends; a membership only through a nested group
// is not removed from the directory group that does not list it.
func TestFlattenNestedGroups(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	e.s.Groups.FlattenNested = true
	f := e.srv.Fixture
	uidOf := map[string]string{}
	for _, u := range f.Users {
		uidOf[strings.ToLower(u.DN)] = u.UID
	}
	members := func(dns ...string) []string {
		var out []string
		for _, g := range dns {
			for _, m := range f.Groups[g] {
				if uid := uidOf[strings.ToLower(m)]; uid != "" && !slices.Contains(out, uid) {
					out = append(out, uid)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	sales := "cn=sales,ou=groups," + slapdtest.BaseDN
	wantStaff := members(slapdtest.StaffGroupDN, slapdtest.EngineeringGroupDN, slapdtest.PlatformGroupDN, sales)
	wantEng := members(slapdtest.EngineeringGroupDN, slapdtest.PlatformGroupDN)

	p := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	c := findAction(p, SideStore, OpCreate, "staff", "")
	if c == nil || !strings.Contains(c.Reason, "groups.flatten_nested") || !strings.Contains(c.Reason, "members of its nested groups") {
		t.Fatalf("preview of staff: %+v", c)
	}
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	check := func(group string, want []string) {
		t.Helper()
		got := e.groupMembers(group)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("store group %s has %d members, want %d (%v)", group, len(got), len(want), want[:min(5, len(want))])
		}
	}
	check("staff", wantStaff)
	check("engineering", wantEng)
	check("platform", members(slapdtest.PlatformGroupDN))
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)

	// A cycle: platform -> staff -> engineering -> platform. Every group
	// of the cycle now reaches every member of the others; the run ends
	// and converges.
	e.addMember(slapdtest.PlatformGroupDN, slapdtest.StaffGroupDN, true)
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	check("platform", wantStaff)
	check("engineering", wantStaff)
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	e.addMember(slapdtest.PlatformGroupDN, slapdtest.StaffGroupDN, false)
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	check("platform", members(slapdtest.PlatformGroupDN))

	// Removing a membership the store has only through nesting: the
	// directory's staff does not list the user, so nothing is removed
	// there; the store gets it back, saying where to remove it.
	lz := e.mustUser("lzolw") // in platform, so in engineering and staff
	staff, err := e.db.GetGroupByName(e.ctx, "staff")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RemoveMember(e.ctx, lz.ID, staff.ID); err != nil {
		t.Fatal(err)
	}
	p = e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	back := findAction(p, SideStore, OpAddMember, "staff", "lzolw")
	if back == nil || !strings.Contains(back.Reason, "nested group") || findAction(p, SideLDAP, OpRemoveMember, "staff", "") != nil {
		t.Fatalf("plan after removing a nested membership in the store: %s", describe(p.Visible()))
	}
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if !e.inGroup("staff", "lzolw") {
		t.Error("lzolw did not get staff back")
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)

	// Leaving the nested group in the directory leaves its parents too.
	lzDN := "uid=lzolw," + slapdtest.PlatformOU
	e.addMember(slapdtest.PlatformGroupDN, lzDN, false)
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	for _, g := range []string{"platform", "engineering", "staff"} {
		if e.inGroup(g, "lzolw") {
			t.Errorf("lzolw, removed from platform in the directory, is still in store group %s", g)
		}
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
}

// sync.missing_users = "disable" with sync.missing_grace: a user gone from
// the directory is disabled at once (the preview says when it will be
// deleted), left alone while the grace period runs, and deleted after it,
// counted by sync.max_delete. A user that comes back within the grace
// period is enabled again and keeps its store state; one an administrator
// had disabled stays disabled. The clock is the engine's Options.Now.
func TestMissingUsersDisableThenDeleteAfterGrace(t *testing.T) {
	e := newSmallEnv(t)
	e.s.Sync.MissingUsers, e.s.Sync.MissingGrace = wizard.MissingDisable, "72h"
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	mode := wizard.ModeTwoWay

	jdoe := e.mustUser("jdoe")
	if _, err := e.db.SetUserDisabled(e.ctx, jdoe.ID, true); err != nil { // an administrator's doing
		t.Fatal(err)
	}
	e.sync(mode, wizard.AuthorityLDAP)
	carolID := e.mustUser("carol").ID
	// bob is deleted; carol and jdoe leave the scope (users.filter); user1
	// is deleted and later re-created with a new entryUUID.
	for _, dn := range []string{bobDN, slapdtest.User1OU1DN} {
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			t.Fatal(err)
		}
	}
	e.s.Users.Filter = "(&(!(uid=carol))(!(uid=jdoe)))"

	p, _, err := e.at(t0, mode, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bob", "carol", "user1"} {
		a := findAction(p, SideStore, OpDisable, name, "")
		if a == nil || !strings.Contains(a.Reason, "disabled now") || !strings.Contains(a.Reason, "after sync.missing_grace 72h") ||
			!strings.Contains(a.Reason, "2026-12-04 09:00") {
			t.Errorf("preview of %s: %s", name, describe(p.Visible()))
		}
	}
	if a := findAction(p, SideStore, OpDisable, "jdoe", ""); a == nil || !strings.Contains(a.Reason, "already disabled") {
		t.Errorf("preview of jdoe: %+v", a)
	}
	if u, _ := p.Deletes(); u != 0 {
		t.Errorf("the first run deletes %d users: %s", u, describe(p.Visible()))
	}

	_, rep, err := e.at(t0, mode, false)
	if err != nil || rep.Failed != 0 {
		t.Fatalf("sync at t0: %v %+v", err, rep)
	}
	for _, name := range []string{"bob", "carol", "user1", "jdoe"} {
		u := e.mustUser(name)
		if !u.Disabled || !u.MissingSince.Equal(t0) || u.MissingDisabled != (name != "jdoe") {
			t.Errorf("%s after t0: disabled %v, missing since %v, disabled by the rule %v", name, u.Disabled, u.MissingSince, u.MissingDisabled)
		}
	}
	if !e.inGroup("team", "bob") {
		t.Error("bob lost his store membership while disabled")
	}
	// Within the grace period a rerun plans nothing.
	if p, _, _ := e.at(t0.Add(time.Hour), mode, true); !p.Empty() {
		t.Errorf("rerun within the grace period plans: %s", describe(p.Actions))
	}

	// carol and jdoe come back into scope, user1 is re-created: enabled
	// again (jdoe stays disabled), same store users.
	e.s.Users.Filter = ""
	e.addDirUser("user1", "user1@example.com")
	p, _, _ = e.at(t0.Add(24*time.Hour), mode, true)
	if a := findAction(p, SideStore, OpEnable, "carol", ""); a == nil || !strings.Contains(a.Reason, "back in the directory") {
		t.Errorf("preview of carol's return: %s", describe(p.Visible()))
	}
	if findAction(p, SideStore, OpEnable, "jdoe", "") != nil {
		t.Error("jdoe, disabled by an administrator, would be enabled")
	}
	if _, rep, err = e.at(t0.Add(24*time.Hour), mode, false); err != nil || rep.Failed != 0 {
		t.Fatalf("sync at t0+24h: %v %+v", err, rep)
	}
	carol := e.mustUser("carol")
	if carol.Disabled || !carol.MissingSince.IsZero() || carol.ID != carolID {
		t.Errorf("carol after coming back: %+v", carol)
	}
	if u := e.mustUser("user1"); u.Disabled || !u.MissingSince.IsZero() {
		t.Errorf("user1 after its entry was re-created: %+v", u)
	} else if l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u.ID); err != nil || !ldap.DNEqual(l.DN, "uid=user1,ou=sales,ou=people,dc=example,dc=com") {
		t.Errorf("user1's link: %+v %v", l, err)
	}
	if u := e.mustUser("jdoe"); !u.Disabled || !u.MissingSince.IsZero() {
		t.Errorf("jdoe after coming back: %+v", u)
	}
	if p, _, _ := e.at(t0.Add(25*time.Hour), mode, true); !p.Empty() {
		t.Errorf("rerun after the return plans: %s", describe(p.Actions))
	}

	// After the grace period bob is deleted, counted by max_delete.
	after := t0.Add(72 * time.Hour)
	e.s.Sync.MaxDelete = "0"
	p, _, _ = e.at(after, mode, true)
	del := findAction(p, SideStore, OpDelete, "bob", "")
	if del == nil || !strings.Contains(del.Reason, "longer than sync.missing_grace 72h") {
		t.Fatalf("preview after the grace period: %s", describe(p.Visible()))
	}
	var guard *GuardError
	if _, _, err := e.at(after, mode, false); !errors.As(err, &guard) || guard.Guard != "max_delete" {
		t.Fatalf("max_delete 0 did not refuse the grace-period deletion: %v", err)
	}
	e.s.Sync.MaxDelete = "100%"
	if _, rep, err = e.at(after, mode, false); err != nil || rep.Failed != 0 {
		t.Fatalf("sync after the grace period: %v %+v", err, rep)
	}
	if e.user("bob") != nil {
		t.Error("bob is still in the store after the grace period")
	}
	if p, _, _ := e.at(after.Add(time.Hour), mode, true); !p.Empty() {
		t.Errorf("rerun after the deletion plans: %s", describe(p.Actions))
	}
}

// Without a grace period a disabled missing user is kept; "delete" (the
// default) deletes at once, as before.
func TestMissingUsersDisableWithoutGraceAndDelete(t *testing.T) {
	e := newSmallEnv(t)
	e.s.Sync.MissingUsers = wizard.MissingDisable
	if err := e.conn.Delete(e.ctx, bobDN); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p, _, _ := e.at(t0, wizard.ModeImport, true)
	if a := findAction(p, SideStore, OpDisable, "bob", ""); a == nil || !strings.Contains(a.Reason, "kept disabled until it comes back") {
		t.Fatalf("preview: %s", describe(p.Visible()))
	}
	e.at(t0, wizard.ModeImport, false)
	if p, _, _ := e.at(t0.Add(10000*time.Hour), wizard.ModeImport, true); !p.Empty() {
		t.Errorf("without missing_grace a later run plans: %s", describe(p.Actions))
	}
	// Switching to "delete" deletes the user still missing.
	e.s.Sync.MissingUsers = wizard.MissingDelete
	p, _, _ = e.at(t0.Add(time.Hour), wizard.ModeImport, true)
	if a := findAction(p, SideStore, OpDelete, "bob", ""); a == nil || !strings.Contains(a.Reason, "\"delete\"") {
		t.Fatalf("preview after switching to delete: %s", describe(p.Visible()))
	}
}
