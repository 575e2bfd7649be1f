package syncer

import (
	"os"
	"strings"
	"testing"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestDamagedKeyFileLosesOnlyItsPasswords: with the store's key file
// damaged, a two-way sync against slapd still applies every other change;
// the password change fails alone, with a message naming the key file, what
// is lost and how to recover — not "the directory stopped answering".
func TestDamagedKeyFileLosesOnlyItsPasswords(t *testing.T) {
	e := newSmallEnv(t)
	alice := e.mustUser("alice")
	if _, err := e.db.SetPassword(e.ctx, alice.ID, "New-secret-9"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store.KeyPath(e.s.Store.Path), []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.addDirUser("fresh", "fresh@example.com")
	rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{})
	if err == nil || rep == nil {
		t.Fatalf("the lost password is not reported: %v", err)
	}
	if strings.Contains(err.Error(), "stopped answering") || rep.Failed != 1 {
		t.Fatalf("the run stopped or failed more than the password (%d failed): %v", rep.Failed, err)
	}
	for _, want := range []string{store.KeyPath(e.s.Store.Path), "damaged", "lost", "ldapwiz users passwd"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not say %q: %v", want, err)
		}
	}
	if e.user("fresh") == nil {
		t.Error("the other changes of the run were not applied")
	}
	// Moving the damaged key aside and setting the password again recovers.
	if err := os.Rename(store.KeyPath(e.s.Store.Path), store.KeyPath(e.s.Store.Path)+".damaged"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(e.ctx, alice.ID, "New-secret-10"); err != nil {
		t.Fatalf("setting the password again after moving the key aside: %v", err)
	}
	if rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP); rep.Failed != 0 {
		t.Fatalf("the run after recovery: %s", rep.Error)
	}
}
