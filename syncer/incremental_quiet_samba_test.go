package syncer

import (
	"encoding/json"
	"strconv"
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
	// quiet runs a sync that must be quiet unless the DC wrote something
	// of its own since the token (then it asks again, a few times).
	quiet := func(what string) {
		t.Helper()
		for attempt := 1; ; attempt++ {
			tok, err := e.db.SyncToken(e.ctx)
			if err != nil || tok == nil {
				t.Fatalf("%s: token %v, %v", what, tok, err)
			}
			rep := e.sync(t)
			r := rep.Plan.Read
			if r.Unchanged && r.Incremental && !readStoreIn(rep) && len(rep.Plan.Actions) == 0 {
				return
			}
			usn, err := e.admin.HighestCommittedUSN(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			var parts map[string]string
			if err := json.Unmarshal(tok.Token, &parts); err != nil || len(parts) == 0 {
				t.Fatalf("%s: token %q: %v", what, tok.Token, err)
			}
			moved := false
			for _, c := range parts {
				moved = moved || c != strconv.FormatInt(usn, 10)
			}
			if !moved || attempt == 3 {
				t.Fatalf("%s (attempt %d): read %+v, phases %+v, token %s, highestCommittedUSN %d; want a quiet run", what, attempt, r, rep.Phases, tok.Token, usn)
			}
			t.Logf("%s: the DC wrote since the token %s (now uSN %d): asking again", what, tok.Token, usn)
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
