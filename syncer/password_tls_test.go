package syncer

import (
	"strings"
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// With active_directory on, a password waiting in the store is never sent
// over plain LDAP: the change is refused with the fix, the rest of the run
// goes on, and the password stays pending for a run over TLS.
func TestSyncADPasswordRefusedWithoutTLS(t *testing.T) {
	e := newSmallEnv(t)
	alice := e.mustUser("alice")
	if _, err := e.db.SetPassword(e.ctx, alice.ID, "Pl4in-text-no"); err != nil {
		t.Fatal(err)
	}
	v := "alice@tls.example.com"
	if _, err := e.db.UpdateUser(e.ctx, alice.ID, store.UserUpdate{Email: &v}); err != nil {
		t.Fatal(err)
	}
	e.s.Connection.ActiveDirectory = true
	rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
	if err == nil || rep == nil || rep.Failed != 1 {
		t.Fatalf("run: failed %v, %v", rep, err)
	}
	var refused *Action
	for i, a := range rep.Plan.Actions {
		if a.Failed {
			refused = &rep.Plan.Actions[i]
		}
	}
	if refused == nil || refused.Name != "alice" || !strings.Contains(refused.ErrorText(), "only over an encrypted connection") ||
		!strings.Contains(refused.ErrorText(), "connection.start_tls") || !strings.Contains(refused.ErrorText(), "nothing was sent") {
		t.Fatalf("refused action: %+v", refused)
	}
	if strings.Contains(refused.ErrorText(), "Pl4in-text-no") || strings.Contains(rep.Error, "Pl4in-text-no") {
		t.Error("the password appears in an error")
	}
	if !e.mustUser("alice").PasswordPending {
		t.Error("the refused password is no longer pending")
	}
	if got := e.mustEntry("alice").First("mail"); got != v {
		t.Errorf("the other change of the run was not applied: mail %q", got)
	}
}
