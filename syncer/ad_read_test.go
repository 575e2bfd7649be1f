package syncer

import (
	"fmt"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Reading Active Directory (Samba): ranged member values reassembled, the
// sync_only scope expanded by the server's in-chain rule, referrals from a
// search at the domain root skipped and listed, and the AD preset's preview.
func TestSyncADReading(t *testing.T) {
	e := newADEnv(t, "read")
	ctx := e.ctx

	// big: 25 members; outer holds inner (nested) and ulla; inner holds
	// ivan; zoe is in no group.
	var bigMembers []string
	for i := 0; i < 25; i++ {
		bigMembers = append(bigMembers, e.addUser(t, fmt.Sprintf("m%02d", i), "Member", fmt.Sprintf("N%02d", i), false))
	}
	e.addGroup(t, "big", bigMembers...)
	ivan := e.addUser(t, "ivan", "Ivan", "Inner", false)
	ulla := e.addUser(t, "ulla", "Ulla", "Outer", false)
	e.addUser(t, "zoe", "Zoe", "None", false)
	inner := e.addGroup(t, "inner", ivan)
	e.addGroup(t, "outer", inner, ulla)

	t.Run("ranged member values are reassembled", func(t *testing.T) {
		// Samba answers a group whole unless asked for a range: ask, and
		// check it really answers in ranges.
		conn, err := goldap.DialURL(e.srv.LDAPSURL, goldap.DialWithTLSConfig(e.srv.TLSConfig()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := conn.Bind(e.srv.AdminDN, e.srv.AdminPassword); err != nil {
			t.Fatal(err)
		}
		res, err := conn.Search(goldap.NewSearchRequest("CN=big,"+e.ou, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{"member;range=0-9"}, nil))
		if err != nil || len(res.Entries) != 1 || len(res.Entries[0].Attributes) != 1 ||
			res.Entries[0].Attributes[0].Name != "member;range=0-9" || len(res.Entries[0].Attributes[0].Values) != 10 {
			t.Fatalf("Samba does not answer member;range=0-9 with a range: %v %+v", err, res)
		}

		r := &dirReader{conn: e.admin, cfg: newSyncConfig(e.s), memberRange: 10}
		snap, err := r.readAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range snap.Groups {
			if g.Name == "big" && len(g.Members) != 25 {
				t.Errorf("big read in ranges of 10 has %d members, want 25", len(g.Members))
			}
		}
		p, err := Preview(ctx, e.s, e.db, Options{Getenv: e.getenv})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Select(SideStore, OpCreate) {
			if a.Kind == store.KindGroup && a.Name == "big" && len(a.apply.memberList()) != 25 {
				t.Errorf("the plan creates big with %d members", len(a.apply.memberList()))
			}
		}
	})

	t.Run("sync_only is expanded by the in-chain rule", func(t *testing.T) {
		s := e.s
		s.Groups.SyncOnly = []string{"outer"}
		snap, err := ReadDirectory(ctx, e.admin, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		var users, groups []string
		for _, u := range snap.Users {
			users = append(users, u.Values[FieldUsername])
		}
		for _, g := range snap.Groups {
			groups = append(groups, g.Name)
		}
		if got := strings.Join(sortedStrings(users), ","); got != "ivan,ulla" {
			t.Errorf("users in the scope of outer: %s, want ivan,ulla", got)
		}
		if got := strings.Join(groups, ","); got != "inner,outer" {
			t.Errorf("groups in the scope of outer: %s, want inner,outer", got)
		}
		outside := 0
		for _, sk := range snap.Skipped {
			if sk.Reason == SkipOutsideScope {
				outside++
			}
		}
		if outside != 26 {
			t.Errorf("%d users skipped as outside the scope, want 26 (25 in big, zoe)", outside)
		}
	})

	t.Run("referrals at the domain root are skipped and listed", func(t *testing.T) {
		s := e.s
		s.Users.SearchBase, s.Groups.SearchBase = e.srv.BaseDN, e.srv.BaseDN
		p, err := Preview(ctx, s, e.db, Options{Getenv: e.getenv})
		if err != nil {
			t.Fatalf("preview from the domain root: %v", err)
		}
		if len(p.Referrals) == 0 {
			t.Fatal("no referral listed from a search at the domain root")
		}
		for _, r := range p.Referrals {
			if !strings.HasPrefix(strings.ToLower(r.URL), "ldap") || r.Setting == "" || r.Base != e.srv.BaseDN {
				t.Errorf("referral %+v", r)
			}
		}
		found := false
		for _, a := range p.Select(SideStore, OpCreate) {
			if a.Name == "ulla" {
				found = true
			}
			if a.Name == "Administrator" || a.Name == "krbtgt" || a.Name == "Guest" {
				t.Errorf("the preset's filter lets %s through", a.Name)
			}
		}
		if !found {
			t.Errorf("users under the root are not read: %s", describe(p.Actions))
		}
	})

	t.Run("the AD preset previews the domain", func(t *testing.T) {
		seedPresetUsers(t, e.srv) // alice, bob and chloé in CN=Users
		s, getenv := adPresetFor(t, e.srv)
		res := ldap.RunTest(ctx, mustLDAPConfig(t, s, getenv), presetScope(s), nil)
		if res.RootDSE == nil {
			t.Fatal("no RootDSE")
		}
		nc := res.RootDSE.DefaultNamingContext
		s.Users.SearchBase = replaceSuffix(t, s.Users.SearchBase, "dc=example,dc=com", nc)
		s.Groups.SearchBase = replaceSuffix(t, s.Groups.SearchBase, "dc=example,dc=com", nc)
		if probs := wizard.Validate(s, wizard.ValidateOptions{Getenv: getenv}); wizard.HasErrors(probs) {
			t.Fatalf("the rebased preset does not validate: %v", probs)
		}
		res = ldap.RunTest(ctx, mustLDAPConfig(t, s, getenv), presetScope(s), nil)
		for _, st := range res.Steps {
			if st.Status != ldap.StepOK {
				t.Errorf("step %s is %s: %s | hint: %s", st.ID, st.Status, st.Detail, st.Hint)
			}
		}
		p, err := Preview(ctx, s, e.db, Options{Getenv: getenv})
		if err != nil {
			t.Fatalf("preview with the AD preset: %v", err)
		}
		var names []string
		for _, a := range p.Select(SideStore, OpCreate) {
			if a.Kind == store.KindUser {
				names = append(names, a.Name)
			}
		}
		if got := strings.Join(sortedStrings(names), ","); got != "alice,bob,chloé" {
			t.Errorf("the AD preset imports users %q from CN=Users, want alice,bob,chloé (no Administrator, Guest, krbtgt)", got)
		}
		for _, sk := range p.Skipped {
			if sk.Kind == store.KindUser {
				t.Errorf("skipped: %+v", sk)
			}
		}
	})
}

func mustLDAPConfig(t *testing.T, s wizard.Settings, getenv func(string) string) ldap.Config {
	t.Helper()
	c, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// replaceSuffix replaces the suffix old of dn (compared per RFC 4514) by
// nc: the rule the wizard follows after a connection test, moving the
// preset's placeholder bases into the server's defaultNamingContext.
func replaceSuffix(t *testing.T, dn, old, nc string) string {
	t.Helper()
	d, err := ldap.ParseDN(dn)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ldap.ParseDN(old)
	if err != nil {
		t.Fatal(err)
	}
	keep := len(d.RDNs) - len(o.RDNs)
	if keep < 0 || !ldap.DNEqual(ldap.DN{RDNs: d.RDNs[keep:]}.String(), old) {
		t.Fatalf("%s does not end in %s", dn, old)
	}
	if keep == 0 {
		return nc
	}
	return ldap.DN{RDNs: d.RDNs[:keep]}.String() + "," + nc
}
