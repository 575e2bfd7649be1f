package syncer

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestStoreBatchWithARefusedCreate: the store refuses one of the user
// creates written together in one batch (a first name over its limit). The
// batch is rolled back and applied one action at a time, so the other users
// are created, linked and recorded in the changes table, the refused one is
// reported failed with nothing of it written, and the new group gets the
// users that were created. The next run tries only that one again. On both
// store backends.
func TestStoreBatchWithARefusedCreate(t *testing.T) {
	for _, backend := range storeBackends {
		t.Run(backend, func(t *testing.T) {
			e := newSmallEnvOn(t, backend)
			var dns []string
			for i := 0; i < 5; i++ {
				dns = append(dns, e.addDirUser(fmt.Sprintf("batch%d", i), fmt.Sprintf("batch%d@example.com", i)))
			}
			e.modify(dns[2], "givenName", strings.Repeat("g", store.MaxNameLength+1))
			groupDN := "cn=batchers,ou=groups,dc=example,dc=com"
			if err := e.conn.Add(e.ctx, groupDN, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"batchers"}, "member": dns}); err != nil {
				t.Fatal(err)
			}

			rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
			if err == nil || rep.Failed != 1 || rep.Outcome != store.OutcomeFailed || !strings.Contains(rep.Error, "batch2") {
				t.Fatalf("sync: failed %d, outcome %s: %v", rep.Failed, rep.Outcome, err)
			}
			if u := e.user("batch2"); u != nil {
				t.Fatalf("the refused user is in the store: %+v", u)
			}
			created := []string{"batch0", "batch1", "batch3", "batch4"}
			for _, name := range created {
				u := e.mustUser(name)
				l, err := e.db.LinkByLocalID(e.ctx, store.KindUser, u.ID)
				if err != nil || !u.FromLDAP || !strings.EqualFold(l.DN, "uid="+name+",ou=sales,ou=people,dc=example,dc=com") || l.Base[FieldUsername][0] != name {
					t.Fatalf("%s: %+v, link %+v %v", name, u, l, err)
				}
			}
			if got := e.groupMembers("batchers"); strings.Join(got, ",") != strings.Join(created, ",") {
				t.Fatalf("members of the new group: %v, want %v", got, created)
			}
			changes, err := e.db.Changes(e.ctx, rep.RunID)
			if err != nil {
				t.Fatal(err)
			}
			var recorded []string
			for _, c := range changes {
				if c.Side == store.SideStore && c.Op == OpCreate {
					recorded = append(recorded, string(c.Kind)+" "+c.Name)
				}
			}
			sort.Strings(recorded)
			want := "group batchers,user batch0,user batch1,user batch3,user batch4"
			if strings.Join(recorded, ",") != want {
				t.Fatalf("store creates recorded: %v, want %s", recorded, want)
			}

			// The next run tries batch2 again (and its membership, which
			// waits for it), and nothing else.
			again, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
			if err == nil || again.Applied != 0 || again.Failed != len(again.Plan.Actions) {
				t.Fatalf("second sync: applied %d, failed %d: %v", again.Applied, again.Failed, err)
			}
			for _, a := range again.Plan.Actions {
				if a.Name != "batch2" && a.Member() != "batch2" {
					t.Fatalf("second sync planned %s %s %s %q (member %q)", a.Side, a.Op, a.Kind, a.Name, a.Member())
				}
			}
			if got := e.groupMembers("batchers"); strings.Join(got, ",") != strings.Join(created, ",") {
				t.Fatalf("members after the second sync: %v", got)
			}
		})
	}
}
