package syncer

import (
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// On Samba AD (uSNChanged), a run with nothing changed since the token is
// quiet too: the server's highestCommittedUSN is still the token, so the
// run reads neither the store nor the kept view. A change anywhere on the
// server raises it: the next run reads and applies, and the one after is
// quiet again.
func TestIncrementalQuietRunUSN(t *testing.T) {
	e := newADEnv(t, "quiet")
	e.s.Sync.Mode = wizard.ModeImport
	dn := e.addUser(t, "quiet1", "Quiet", "One", false)
	if r := e.sync(t).Plan.Read; r.Incremental || r.Method != ldap.SyncMethodUSN {
		t.Fatalf("first run read %+v; want a full read keeping a uSN token", r)
	}
	quiet := func(what string) {
		t.Helper()
		rep := e.sync(t)
		if r := rep.Plan.Read; !r.Unchanged || !r.Incremental || readStoreIn(rep) || len(rep.Plan.Actions) != 0 {
			t.Fatalf("%s: read %+v, phases %+v; want a quiet run", what, r, rep.Phases)
		}
	}
	quiet("the run after the first")
	quiet("a second quiet run")

	e.modify(t, dn, ldap.ModReplace, "sn", "Changed")
	rep := e.sync(t)
	if r := rep.Plan.Read; r.Unchanged || !r.Incremental || rep.Plan.Summary()["store update user"] != 1 {
		t.Fatalf("after a change: read %+v, summary %v; want an incremental run updating the user", r, rep.Plan.Summary())
	}
	quiet("the run after a change")
	e.idle(t)
}
