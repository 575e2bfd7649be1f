package syncer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// pairsLDIF is n users, each the only member of a group of its own.
func pairsLDIF(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "dn: uid=p%03d,%s\nobjectClass: inetOrgPerson\nuid: p%03d\ncn: P %d\nsn: P\nmail: p%03d@example.com\n\n", i, slapdtest.PeopleDN, i, i, i)
		fmt.Fprintf(&b, "dn: cn=pg%03d,%s\nobjectClass: groupOfNames\ncn: pg%03d\nmember: uid=p%03d,%s\n\n", i, slapdtest.GroupsDN, i, i, slapdtest.PeopleDN)
	}
	return b.String()
}

// A sync that renames a user and the group holding it in the directory
// (two-way, the store's names win) leaves the group naming its member by
// the member's new DN. OpenLDAP's refint overlay rewrites the member
// values of a renamed user in the background, finding the groups first
// and modifying them by the DNs it found: a group renamed right after the
// user would keep the old, dangling value (slapd did so in about one sync
// in fifteen when the user was renamed first), so groups are renamed
// first. Each of n syncs renames one pair.
func TestRenamesLeaveNoDanglingMember(t *testing.T) {
	const n = 60
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: pairsLDIF(n)})
	if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityStore); rep.Failed != 0 || rep.Plan.DirectoryGroups != n {
		t.Fatalf("first sync: %d groups, %d failed: %s", rep.Plan.DirectoryGroups, rep.Failed, rep.Error)
	}
	for i := range n {
		name := fmt.Sprintf("q%03d", i)
		if _, err := e.db.UpdateUser(e.ctx, e.mustUser(fmt.Sprintf("p%03d", i)).ID, store.UserUpdate{Username: &name}); err != nil {
			t.Fatal(err)
		}
		g, err := e.db.GetGroupByName(e.ctx, fmt.Sprintf("pg%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		gname := fmt.Sprintf("qg%03d", i)
		if _, err := e.db.UpdateGroup(e.ctx, g.ID, &gname, nil); err != nil {
			t.Fatal(err)
		}
		if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityStore); rep.Failed != 0 || len(rep.Plan.Actions) != 2 {
			t.Fatalf("the sync renaming pair %d: %d failed (%s), actions %s", i, rep.Failed, rep.Error, describe(rep.Plan.Actions))
		}
	}
	// refint works in the background: wait until each group names its new
	// member, or the time is up.
	var wrong []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		wrong = wrong[:0]
		for i := range n {
			want, _ := ldap.NormalizeDN(fmt.Sprintf("uid=q%03d,%s", i, slapdtest.PeopleDN))
			var got []string
			err := e.conn.Search(e.ctx, ldap.SearchRequest{Base: fmt.Sprintf("cn=qg%03d,%s", i, slapdtest.GroupsDN), Scope: ldap.ScopeBase,
				Filter: "(objectClass=*)", Attributes: []string{"member"}}, func(en *ldap.Entry) error {
				for _, m := range en.Get("member") {
					nm, _ := ldap.NormalizeDN(m)
					got = append(got, nm)
				}
				return nil
			})
			if err != nil || len(got) != 1 || got[0] != want {
				wrong = append(wrong, fmt.Sprintf("qg%03d: %v (%v)", i, got, err))
			}
		}
		if len(wrong) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(wrong) > 0 {
		t.Fatalf("%d of %d renamed groups do not name their renamed member:\n%s", len(wrong), n, strings.Join(wrong, "\n"))
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityStore)
}
