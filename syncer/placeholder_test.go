package syncer

import (
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// A store user without a last name is written to the directory with
// sn=<username>, because inetOrgPerson needs an sn. That placeholder is
// never read back into the store: the next sync plans nothing and the last
// name stays empty, whichever mode wrote the entry. A real edit of sn in
// the directory still flows back.
func TestSyncPlaceholderNotReadBack(t *testing.T) {
	for _, mode := range []string{wizard.ModeOneWay, wizard.ModeTwoWay} {
		t.Run(mode, func(t *testing.T) {
			e := newSmallEnv(t)
			if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "nolast", Email: "nolast@example.com", FirstName: "Nora"}); err != nil {
				t.Fatal(err)
			}
			if rep := e.sync(mode, wizard.AuthorityLDAP); rep.Failed != 0 {
				t.Fatal(rep.Error)
			}
			en := e.mustEntry("nolast")
			if got := en.First("sn"); got != "nolast" {
				t.Fatalf("sn %q, want the placeholder nolast", got)
			}
			e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
			if rep.Plan.Changes() != 0 {
				t.Errorf("the second sync plans %d changes: %s", rep.Plan.Changes(), describe(rep.Plan.Actions))
			}
			if got := e.mustUser("nolast").LastName; got != "" {
				t.Errorf("last name %q, want it still empty", got)
			}
			// A real edit in the directory is data.
			e.modify(en.DN, "sn", "Lastly")
			if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP); rep.Failed != 0 {
				t.Fatal(rep.Error)
			}
			if got := e.mustUser("nolast").LastName; got != "Lastly" {
				t.Errorf("last name %q after sn was edited in the directory, want Lastly", got)
			}
			e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
		})
	}
}
