package ldap_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"ldapwiz/ldap"
)

// writeCases are the two-server cases that change the directory. Each works
// in an OU of its own below the base, so the read cases' data stays as it is.
func writeCases() []twoServerCase {
	return []twoServerCase{
		{"add modify rename move delete", caseWriteLifecycle},
		{"schema violations and conflicts give the same codes", caseWriteErrors},
		{"password modify then bind", casePasswordModify},
		{"memberOf follows group changes", caseMemberOf},
		{"ordinary accounts cannot write", caseReaderCannotWrite},
		{"moving a subtree", caseSubtreeMove},
	}
}

// person returns the attributes of a new inetOrgPerson.
func person(cn, sn, uid string) map[string][]string {
	return map[string][]string{"objectClass": {"top", "person", "organizationalPerson", "inetOrgPerson"}, "cn": {cn}, "sn": {sn}, "uid": {uid}}
}

// mkOU creates an organizational unit below parent.
func mkOU(t *testing.T, c *ldap.Conn, name, parent string) string {
	t.Helper()
	dn := ldap.BuildDN("ou", name, parent)
	if err := c.Add(ctxFor(t), dn, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {name}}); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	return dn
}

// entry reads dn, failing the test when it cannot.
func entry(t *testing.T, c *ldap.Conn, dn string) *ldap.Entry {
	t.Helper()
	e, err := c.Entry(ctxFor(t), dn)
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return e
}

func caseWriteLifecycle(t *testing.T, s server) {
	c := dial(t, s.admin)
	ctx := ctxFor(t)
	scratch := scratchOU(t, c, s)
	ou1, ou2 := mkOU(t, c, "one", scratch), mkOU(t, c, "two", scratch)

	dn := ldap.BuildDN("cn", "Roe, Richard", ou1)
	attrs := person("Roe, Richard", "Roe", "rroe")
	attrs["mail"] = []string{"rroe@example.com"}
	attrs["givenName"] = []string{"Richard"}
	attrs["displayName"] = []string{"Richard Røe"}
	if err := c.Add(ctx, dn, attrs); err != nil {
		t.Fatal(err)
	}
	e := entry(t, c, dn)
	uuid := e.First("entryUUID")
	if !ldap.DNEqual(e.DN, dn) || e.First("mail") != "rroe@example.com" || e.First("displayName") != "Richard Røe" || len(uuid) != 36 {
		t.Errorf("read back: %s mail %q displayName %q entryUUID %q", e.DN, e.First("mail"), e.First("displayName"), uuid)
	}
	if e.First("createTimestamp") == "" || e.First("creatorsName") == "" {
		t.Errorf("operational attributes missing: createTimestamp %q creatorsName %q", e.First("createTimestamp"), e.First("creatorsName"))
	}

	err := c.Modify(ctx, dn, []ldap.Change{
		{Op: ldap.ModReplace, Attr: "mail", Values: []string{"richard.roe@example.com"}},
		{Op: ldap.ModAdd, Attr: "telephoneNumber", Values: []string{"+1 555 0100", "+1 555 0101"}},
		{Op: ldap.ModDelete, Attr: "givenName"},
	})
	if err != nil {
		t.Fatal(err)
	}
	e = entry(t, c, dn)
	if e.First("mail") != "richard.roe@example.com" || len(e.Get("telephoneNumber")) != 2 || e.Has("givenName") {
		t.Errorf("after modify: mail %v phones %v givenName %v", e.Get("mail"), e.Get("telephoneNumber"), e.Get("givenName"))
	}
	if err := c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModDelete, Attr: "telephoneNumber", Values: []string{"+1 555 0101"}}, {Op: ldap.ModReplace, Attr: "displayName"}}); err != nil {
		t.Fatal(err)
	}
	e = entry(t, c, dn)
	if !slices.Equal(e.Get("telephoneNumber"), []string{"+1 555 0100"}) || e.Has("displayName") {
		t.Errorf("after value delete and empty replace: phones %v displayName %v", e.Get("telephoneNumber"), e.Get("displayName"))
	}

	// Rename within the OU: the old RDN value goes away, the entryUUID stays.
	renamed, err := c.Rename(ctx, dn, "cn="+ldap.EscapeDNValue("Roe, Rick"), "")
	if err != nil {
		t.Fatal(err)
	}
	e = entry(t, c, renamed)
	if !ldap.DNEqual(renamed, ldap.BuildDN("cn", "Roe, Rick", ou1)) || e.First("entryUUID") != uuid || !slices.Equal(e.Get("cn"), []string{"Roe, Rick"}) {
		t.Errorf("after rename: %s cn %v entryUUID %q (was %q)", renamed, e.Get("cn"), e.First("entryUUID"), uuid)
	}
	_, err = c.Entry(ctx, dn)
	wantCode(t, "the old DN after the rename", err, 32)

	// Move across OUs, keeping the RDN.
	rdn := firstRDN(renamed)
	moved, err := c.Rename(ctx, renamed, rdn, ou2)
	if err != nil {
		t.Fatal(err)
	}
	e = entry(t, c, moved)
	if !ldap.DNEqual(moved, ldap.BuildDN("cn", "Roe, Rick", ou2)) || e.First("entryUUID") != uuid {
		t.Errorf("after move: %s entryUUID %q (was %q)", moved, e.First("entryUUID"), uuid)
	}
	// A rename that would drop the only cn (the old RDN value goes away)
	// violates inetOrgPerson's MUST.
	_, err = c.Rename(ctx, moved, "uid=rroe", ou1)
	wantCode(t, "rename dropping the only cn", err, 65)
	// Rename and move in one go.
	both, err := c.Rename(ctx, moved, "cn="+ldap.EscapeDNValue("Roe, Richard"), ou1)
	if err != nil {
		t.Fatal(err)
	}
	e = entry(t, c, both)
	if !ldap.DNEqual(both, dn) || e.First("entryUUID") != uuid || !slices.Equal(e.Get("cn"), []string{"Roe, Richard"}) || e.First("uid") != "rroe" {
		t.Errorf("after rename and move: %s cn %v uid %v entryUUID %q", both, e.Get("cn"), e.Get("uid"), e.First("entryUUID"))
	}
	if n, err := c.Count(ctx, scratch, "(entryUUID="+uuid+")"); err != nil || n != 1 {
		t.Errorf("search by entryUUID finds %d entries, %v", n, err)
	}

	if err := c.Delete(ctx, both); err != nil {
		t.Fatal(err)
	}
	_, err = c.Entry(ctx, both)
	wantCode(t, "a deleted entry", err, 32)
	if n, err := c.Count(ctx, scratch, "(objectClass=inetOrgPerson)"); err != nil || n != 0 {
		t.Errorf("after delete %d users remain, %v", n, err)
	}
}

func caseWriteErrors(t *testing.T, s server) {
	c := dial(t, s.admin)
	ctx := ctxFor(t)
	scratch := scratchOU(t, c, s)
	dn := ldap.BuildDN("uid", "valid", scratch)
	if err := c.Add(ctx, dn, person("Valid User", "User", "valid")); err != nil {
		t.Fatal(err)
	}
	noSN := person("No Surname", "", "nosn")
	delete(noSN, "sn")
	for _, tc := range []struct {
		what string
		err  error
		code int
	}{
		{"add inetOrgPerson without MUST sn", c.Add(ctx, ldap.BuildDN("uid", "nosn", scratch), noSN), 65},
		{"add with an attribute the classes do not allow", c.Add(ctx, ldap.BuildDN("uid", "bad", scratch), map[string][]string{
			"objectClass": {"person"}, "cn": {"Bad"}, "sn": {"Bad"}, "uid": {"bad"}}), 65},
		{"add with an unknown attribute", c.Add(ctx, ldap.BuildDN("uid", "bad2", scratch), map[string][]string{
			"objectClass": {"inetOrgPerson"}, "cn": {"Bad"}, "sn": {"Bad"}, "uid": {"bad2"}, "favouriteColour": {"blue"}}), 17},
		{"add with an unknown object class", c.Add(ctx, ldap.BuildDN("uid", "bad3", scratch), map[string][]string{
			"objectClass": {"inetOrgPerson", "noSuchClass"}, "cn": {"Bad"}, "sn": {"Bad"}, "uid": {"bad3"}}), 21},
		{"add an existing entry", c.Add(ctx, dn, person("Valid User", "User", "valid")), 68},
		{"add below a missing parent", c.Add(ctx, "uid=x,ou=missing,"+scratch, person("X", "X", "x")), 32},
		{"delete a non-leaf", c.Delete(ctx, scratch), 66},
		{"delete a missing entry", c.Delete(ctx, "uid=missing,"+scratch), 32},
		{"modify a missing entry", c.Modify(ctx, "uid=missing,"+scratch, []ldap.Change{{Op: ldap.ModReplace, Attr: "sn", Values: []string{"X"}}}), 32},
		{"remove a MUST attribute", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModDelete, Attr: "sn"}}), 65},
		{"remove the RDN value", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModDelete, Attr: "uid", Values: []string{"valid"}}}), 64},
		{"delete a value that is not there", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModDelete, Attr: "mail", Values: []string{"nobody@example.com"}}}), 16},
		{"add a value twice", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModAdd, Attr: "sn", Values: []string{"User"}}}), 20},
		{"two values for a single-valued attribute", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModAdd, Attr: "preferredLanguage", Values: []string{"en", "fr"}}}), 19},
		{"write an operational attribute", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModReplace, Attr: "entryUUID", Values: []string{"00000000-0000-0000-0000-000000000000"}}}), 19},
		{"rename onto an existing entry", func() error {
			other := ldap.BuildDN("uid", "other", scratch)
			if err := c.Add(ctx, other, person("Other", "Other", "other")); err != nil {
				return err
			}
			_, err := c.Rename(ctx, other, "uid=valid", "")
			return err
		}(), 68},
	} {
		wantCode(t, tc.what, tc.err, tc.code)
	}
	// Nothing half-written: the entry is as it was added.
	e := entry(t, c, dn)
	if !slices.Equal(e.Get("sn"), []string{"User"}) || e.Has("preferredLanguage") || e.Has("mail") {
		t.Errorf("after refused changes: %+v", e.Attributes)
	}
}

func casePasswordModify(t *testing.T, s server) {
	c := dial(t, s.admin)
	scratch := scratchOU(t, c, s)
	dn := ldap.BuildDN("cn", "Pat, Word", scratch)
	if err := c.Add(ctxFor(t), dn, person("Pat, Word", "Word", "pword")); err != nil {
		t.Fatal(err)
	}
	as := func(pw string) ldap.Config {
		cfg := s.admin
		cfg.BindDN, cfg.BindPassword = dn, pw
		return cfg
	}
	_, err := ldap.Dial(ctxFor(t), as("first-Secret-1"))
	wantCode(t, "bind before a password is set", err, 49)
	if err := c.SetPassword(ctxFor(t), dn, "first-Secret-1", false); err != nil {
		t.Fatal(err)
	}
	u := dial(t, as("first-Secret-1"))
	if r, err := u.RootDSE(ctxFor(t)); err != nil || len(r.NamingContexts) == 0 {
		t.Errorf("as the user: %v", err)
	}
	// The server hashes the password by its own policy.
	if pw := entry(t, c, dn).First("userPassword"); pw == "" || pw == "first-Secret-1" {
		t.Errorf("userPassword stored as %q", pw)
	}
	if err := c.SetPassword(ctxFor(t), dn, "second-Secret-2", false); err != nil {
		t.Fatal(err)
	}
	dial(t, as("second-Secret-2"))
	_, err = ldap.Dial(ctxFor(t), as("first-Secret-1"))
	wantCode(t, "bind with the old password", err, 49)
	wantCode(t, "password of a missing entry", c.SetPassword(ctxFor(t), "uid=missing,"+scratch, "x-Secret-3", false), 32)
}

func caseMemberOf(t *testing.T, s server) {
	c := dial(t, s.admin)
	ctx := ctxFor(t)
	scratch := scratchOU(t, c, s)
	a, b := ldap.BuildDN("uid", "ann", scratch), ldap.BuildDN("cn", "Bee, Bob", scratch)
	for dn, attrs := range map[string]map[string][]string{a: person("Ann", "Ann", "ann"), b: person("Bee, Bob", "Bee", "bbee")} {
		if err := c.Add(ctx, dn, attrs); err != nil {
			t.Fatal(err)
		}
	}
	group := ldap.BuildDN("cn", "team", scratch)
	if err := c.Add(ctx, group, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"team"}, "member": {a}}); err != nil {
		t.Fatal(err)
	}
	memberOf := func(dn string) []string { return entry(t, c, dn).Get("memberOf") }
	check := func(when string, wantA, wantB bool, g string) {
		t.Helper()
		if got := hasDN(memberOf(a), g); got != wantA {
			t.Errorf("%s: %s memberOf %v, want %s there: %v", when, a, memberOf(a), g, wantA)
		}
		if got := hasDN(memberOf(b), g); got != wantB {
			t.Errorf("%s: %s memberOf %v, want %s there: %v", when, b, memberOf(b), g, wantB)
		}
	}
	check("group created", true, false, group)
	if err := c.Modify(ctx, group, []ldap.Change{{Op: ldap.ModAdd, Attr: "member", Values: []string{b}}}); err != nil {
		t.Fatal(err)
	}
	check("member added", true, true, group)
	if err := c.Modify(ctx, group, []ldap.Change{{Op: ldap.ModDelete, Attr: "member", Values: []string{a}}}); err != nil {
		t.Fatal(err)
	}
	check("member removed", false, true, group)
	wantCode(t, "removing the last member of a groupOfNames",
		c.Modify(ctx, group, []ldap.Change{{Op: ldap.ModDelete, Attr: "member", Values: []string{b}}}), 65)
	if err := c.Modify(ctx, group, []ldap.Change{{Op: ldap.ModReplace, Attr: "member", Values: []string{a, b}}}); err != nil {
		t.Fatal(err)
	}
	check("members replaced", true, true, group)

	// Renaming the group rewrites its members' memberOf.
	renamed, err := c.Rename(ctx, group, "cn=crew", "")
	if err != nil {
		t.Fatal(err)
	}
	check("group renamed (new name)", true, true, renamed)
	check("group renamed (old name)", false, false, group)

	// Moving a member rewrites the group's member value (refint).
	sub := mkOU(t, c, "moved", scratch)
	movedB, err := c.Rename(ctx, b, "cn="+ldap.EscapeDNValue("Bee, Bob"), sub)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the group's member value follows the moved member", func() (bool, string) {
		members := entry(t, c, renamed).Get("member")
		return hasDN(members, movedB) && !hasDN(members, b), fmt.Sprintf("members %v after moving %s to %s", members, b, movedB)
	})
	if !hasDN(memberOf(movedB), renamed) {
		t.Errorf("moved member's memberOf %v lacks %s", memberOf(movedB), renamed)
	}
	b = movedB

	// Deleting a member removes it from the group; deleting the group
	// clears memberOf.
	if err := c.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted member leaves the group", func() (bool, string) {
		members := entry(t, c, renamed).Get("member")
		return !hasDN(members, a) && hasDN(members, b), fmt.Sprintf("members %v after deleting %s", members, a)
	})
	if err := c.Delete(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if got := memberOf(b); hasDN(got, renamed) {
		t.Errorf("after deleting the group %s memberOf is %v", b, got)
	}
}

func caseReaderCannotWrite(t *testing.T, s server) {
	admin := dial(t, s.admin)
	scratch := scratchOU(t, admin, s)
	r := dial(t, s.reader)
	ctx := ctxFor(t)
	wantCode(t, "add as the read-only account", r.Add(ctx, ldap.BuildDN("uid", "x", scratch), person("X", "X", "x")), 50)
	wantCode(t, "modify as the read-only account", r.Modify(ctx, s.escapedDN, []ldap.Change{{Op: ldap.ModReplace, Attr: "sn", Values: []string{"X"}}}), 50)
	wantCode(t, "delete as the read-only account", r.Delete(ctx, scratch), 50)
	if sn := entry(t, admin, s.escapedDN).First("sn"); sn == "X" {
		t.Errorf("the read-only account changed %s", s.escapedDN)
	}
}

func caseSubtreeMove(t *testing.T, s server) {
	c := dial(t, s.admin)
	ctx := ctxFor(t)
	scratch := scratchOU(t, c, s)
	from, to := mkOU(t, c, "from", scratch), mkOU(t, c, "to", scratch)
	team := mkOU(t, c, "team", from)
	user := ldap.BuildDN("cn", "Sub, Tree", team)
	if err := c.Add(ctx, user, person("Sub, Tree", "Tree", "subtree")); err != nil {
		t.Fatal(err)
	}
	group := ldap.BuildDN("cn", "subtree-group", scratch)
	if err := c.Add(ctx, group, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"subtree-group"}, "member": {user, team}}); err != nil {
		t.Fatal(err)
	}
	uuid := entry(t, c, user).First("entryUUID")

	moved, err := c.Rename(ctx, team, "ou=team", to)
	if err != nil {
		t.Fatal(err)
	}
	movedUser := ldap.BuildDN("cn", "Sub, Tree", moved)
	if got := entry(t, c, movedUser).First("entryUUID"); got != uuid {
		t.Errorf("the user below the moved OU has entryUUID %q, was %q", got, uuid)
	}
	if _, err := c.Entry(ctx, user); resultCode(err) != 32 {
		t.Errorf("the old DN of the user below the moved OU: %v", err)
	}
	if n, err := c.Count(ctx, from, "(objectClass=*)"); err != nil || n != 1 {
		t.Errorf("%d entries left below %s, want the OU alone: %v", n, from, err)
	}
	// The values naming the moved OU and the entries below it follow.
	eventually(t, "member values follow a subtree move", func() (bool, string) {
		members := entry(t, c, group).Get("member")
		ok := hasDN(members, moved) && !hasDN(members, team) && hasDN(members, movedUser) && !hasDN(members, user)
		return ok, fmt.Sprintf("members %v after moving %s to %s", members, team, moved)
	})
	if mo := entry(t, c, movedUser).Get("memberOf"); !hasDN(mo, group) {
		t.Errorf("the moved user's memberOf is %v", mo)
	}
	// Moving an entry below itself is refused.
	_, err = c.Rename(ctx, moved, "ou=team", movedUser)
	wantCode(t, "moving an OU below its own child", err, 53)
}

// eventually polls cond for up to 5 seconds: slapd's refint overlay
// rewrites references in a background task after answering the rename or
// delete, so they are right eventually, not at once (the demo directory
// rewrites them before it answers, which is one way of being eventual).
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: still %s after 5s", what, state)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
