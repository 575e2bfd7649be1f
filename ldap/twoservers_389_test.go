package ldap_test

import (
	"slices"
	"testing"
	"time"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
)

// ds389Server starts a private 389 Directory Server with its fixture and
// describes it for the two-server cases.
func ds389Server(t *testing.T) server {
	t.Helper()
	ds := ds389test.Start(t)
	cfg := func(dn, pw string) ldap.Config {
		return ldap.Config{URL: ds.URL, StartTLS: true, VerifyTLS: true, CAFile: ds.CAFile, BindDN: dn, BindPassword: pw, Timeout: 10 * time.Second}
	}
	return server{
		name:           "389ds",
		countsChildren: true,
		admin:          cfg(ds.AdminDN, ds.AdminPassword),
		reader:         cfg(ds389test.ReaderDN, ds389test.ReaderPassword),
		base:           ds.BaseDN,
		people:         ds389test.PeopleDN,
		groups:         ds389test.GroupsDN,
		escapedDN:      ds389test.JohnDoeDN,
		escapedCN:      "Doe, John",
		duplicate:      [2]string{ds389test.User1OU1DN, ds389test.User1OU2DN},
		nestedGroup:    ds389test.EngineeringGroupDN,
		nestedChild:    ds389test.PlatformGroupDN,
		bigGroup:       ds389test.BigGroupDN,
		bigSize:        ds389test.BigGroupSize,
		users:          len(ds.Fixture.Users),
		sizeLimit:      ds389test.SizeLimit,
		// The fixture has the same uid in two OUs on purpose.
		stagedWarnings: map[string]string{ldap.StepUserSample: "users.username_attribute"},
	}
}

// ds389Differs are the two-server cases whose expectations are OpenLDAP's
// own and which 389 DS legitimately answers otherwise, with what differs.
// They do not run against 389 DS; TestDS389Differences checks the 389 DS
// side of the same behaviour.
var ds389Differs = map[string]string{
	"schema": "memberOf is a user attribute (not operational) and groupOfNames has member as MAY, not MUST",
	"attribute selection": `attribute names come back as the client spelled them (SURNAME, rfc822Mailbox), not by the schema's primary name; ` +
		`"+" returns entrydn, nsUniqueId, entryid, parentid but not structuralObjectClass, subschemaSubentry, hasSubordinates or memberOf; "*" carries memberOf`,
	"anonymous clients read only the rootdse": "an anonymous search the ACIs deny answers success with no entries, not 32",
	"filters of every kind match a full read": "uid has no ORDERING rule but (uid>=m) still matches by value; the negation of an undefined filter " +
		"((!(noSuchAttribute=x))) matches; approximate match is 389's own phonetic code, not OpenLDAP's",
	"schema violations and conflicts give the same codes": "unknown attribute or object class and two values for a single-valued attribute give 65 " +
		"(not 17, 21, 19); deleting the RDN value gives 67 (not 64); writing entryUUID gives 53 (not 19)",
	"memberOf follows group changes": "groupOfNames allows no members, so removing the last one succeeds (slapd: 65)",
}

// TestTwoServers389 runs the directory-client case table against a real
// 389 Directory Server.
func TestTwoServers389(t *testing.T) {
	t.Parallel()
	s := ds389Server(t)
	for _, tc := range twoServerCases() {
		if _, differs := ds389Differs[tc.name]; differs {
			continue // TestDS389Differences checks 389 DS's own answer
		}
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s) })
	}
}

// TestDS389Differences checks, on 389 DS, the behaviour that ds389Differs
// keeps out of the shared table, as 389 DS has it.
func TestDS389Differences(t *testing.T) {
	t.Parallel()
	s := ds389Server(t)
	c := dial(t, s.admin)
	r := dial(t, s.reader)
	t.Run("schema", func(t *testing.T) {
		sch, err := r.Schema(ctxFor(t))
		if err != nil {
			t.Fatal(err)
		}
		if at := sch.AttributeType("memberOf"); at == nil || at.Operational() {
			t.Errorf("memberOf: %+v (a user attribute on 389 DS)", at)
		}
		if !slices.Contains(sch.AllMay("groupOfNames"), "member") || slices.Contains(sch.AllMust("groupOfNames"), "member") {
			t.Errorf("groupOfNames MUST %v MAY %v", sch.AllMust("groupOfNames"), sch.AllMay("groupOfNames"))
		}
		for _, a := range []string{"entryUUID", "nsUniqueId"} {
			if at := sch.AttributeType(a); at == nil || !at.Operational() || !at.SingleValue {
				t.Errorf("%s: %+v", a, at)
			}
		}
	})
	t.Run("attribute selection", func(t *testing.T) {
		if got := attrNames(t, r, s.escapedDN, "SURNAME", "rfc822Mailbox"); !slices.Equal(got, []string{"SURNAME", "rfc822Mailbox"}) {
			t.Errorf("asked for aliases, got %v", got)
		}
		op := attrNames(t, r, s.escapedDN, "+")
		for _, want := range []string{"entryUUID", "nsUniqueId", "entrydn", "createTimestamp", "modifyTimestamp", "creatorsName", "modifiersName"} {
			if !slices.Contains(op, want) {
				t.Errorf(`"+" lacks %s: %v`, want, op)
			}
		}
		if user := attrNames(t, r, s.escapedDN, "*"); !slices.Contains(user, "memberOf") || slices.Contains(user, "entryUUID") {
			t.Errorf(`"*" gave %v`, user)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		anon := s.reader
		anon.BindDN, anon.BindPassword = "", ""
		a := dial(t, anon)
		if _, err := a.Schema(ctxFor(t)); err != nil {
			t.Errorf("anonymous schema: %v", err)
		}
		if n, err := a.Count(ctxFor(t), s.people, ""); err != nil || n != 0 {
			t.Errorf("anonymous search of the user base: %d entries, %v; want none and no error", n, err)
		}
	})
	t.Run("filters", func(t *testing.T) {
		users := len(readAll(t, r, s.people, "(objectClass=inetOrgPerson)", "1.1"))
		all := len(readAll(t, r, s.people, "", "1.1"))
		if n := len(readAll(t, r, s.people, "(uid>=m)", "1.1")); n == 0 || n >= users {
			t.Errorf("(uid>=m) matched %d of %d users, want some", n, users)
		}
		if n := len(readAll(t, r, s.people, "(!(noSuchAttribute=x))", "1.1")); n != all {
			t.Errorf("(!(noSuchAttribute=x)) matched %d of %d entries", n, all)
		}
	})
	t.Run("write error codes", func(t *testing.T) {
		ctx := ctxFor(t)
		scratch := scratchOU(t, c, s)
		dn := ldap.BuildDN("uid", "valid", scratch)
		if err := c.Add(ctx, dn, person("Valid User", "User", "valid")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "add with an unknown attribute", c.Add(ctx, ldap.BuildDN("uid", "bad2", scratch), map[string][]string{
			"objectClass": {"inetOrgPerson"}, "cn": {"Bad"}, "sn": {"Bad"}, "uid": {"bad2"}, "favouriteColour": {"blue"}}), 65)
		wantCode(t, "add with an unknown object class", c.Add(ctx, ldap.BuildDN("uid", "bad3", scratch), map[string][]string{
			"objectClass": {"inetOrgPerson", "noSuchClass"}, "cn": {"Bad"}, "sn": {"Bad"}, "uid": {"bad3"}}), 65)
		wantCode(t, "remove the RDN value", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModDelete, Attr: "uid", Values: []string{"valid"}}}), 67)
		wantCode(t, "two values for a single-valued attribute", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModAdd, Attr: "preferredLanguage", Values: []string{"en", "fr"}}}), 65)
		wantCode(t, "write entryUUID", c.Modify(ctx, dn, []ldap.Change{{Op: ldap.ModReplace, Attr: "entryUUID", Values: []string{"00000000-0000-0000-0000-000000000000"}}}), 53)
		group := ldap.BuildDN("cn", "solo", scratch)
		if err := c.Add(ctx, group, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"solo"}, "member": {dn}}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "removing the last member of a groupOfNames", c.Modify(ctx, group, []ldap.Change{{Op: ldap.ModDelete, Attr: "member", Values: []string{dn}}}), 0)
	})
}
