package syncer

import (
	"testing"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestEntryUUIDFixupChangesNothing: on 389 DS, entries imported offline
// carry only nsUniqueId; the EntryUUID plug-in's fix-up task later gives
// them entryUUID too. A store linked before the fix-up must come through it
// untouched: the next two-way sync plans nothing, and every user keeps its
// store-only state (here, a password set in the store).
func TestEntryUUIDFixupChangesNothing(t *testing.T) {
	e, srv := newLinked389Env(t, ds389test.Options{NoEntryUUIDFixup: true})
	if en := e.mustEntry("alice"); en.Has("entryUUID") {
		t.Fatal("the imported entries already carry entryUUID; the test would prove nothing")
	}
	alice := e.mustUser("alice")
	if _, err := e.db.SetPassword(e.ctx, alice.ID, "Fixup-secret-1"); err != nil {
		t.Fatal(err)
	}
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP) // writes the password; nothing else
	before := map[string]int64{}
	for _, name := range []string{"alice", "bob", "carol"} {
		before[name] = e.mustUser(name).ID
	}

	srv.EntryUUIDFixup(t)
	if en := e.mustEntry("alice"); !en.Has("entryUUID") {
		t.Fatal("the fix-up task gave alice no entryUUID")
	}
	plan := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if n := plan.Changes(); n != 0 {
		t.Fatalf("after the entryUUID fix-up the sync plans %d changes:\n%s", n, describe(plan.Actions))
	}
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Failed != 0 || rep.Plan.Changes() != 0 {
		t.Fatalf("sync after the fix-up: %d changes, %d failed: %s", rep.Plan.Changes(), rep.Failed, rep.Error)
	}
	for name, id := range before {
		u := e.mustUser(name)
		if u.ID != id || u.Deleted() {
			t.Errorf("%s: store user %d became %d (deleted: %v)", name, id, u.ID, u.Deleted())
		}
	}
	if !e.mustUser("alice").HasPassword() {
		t.Error("alice lost the password set in the store")
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
}

// TestLinksMadeWithEntryUUIDStillPair: links an earlier ldapwiz made with
// entryUUID (which it preferred) still find their 389 DS entries, now that
// nsUniqueId comes first: a sync plans nothing.
func TestLinksMadeWithEntryUUIDStillPair(t *testing.T) {
	e := newSmall389Env(t) // entries carry both ids (the fix-up ran)
	for _, kind := range []store.Kind{store.KindUser, store.KindGroup} {
		links, err := e.db.ListLinks(e.ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			var uuid string
			err := e.conn.Search(e.ctx, ldap.SearchRequest{Base: l.DN, Scope: ldap.ScopeBase, Attributes: []string{"entryUUID"}},
				func(en *ldap.Entry) error { uuid = en.First("entryUUID"); return nil })
			if err != nil || uuid == "" || uuid == l.StableID {
				t.Fatalf("%s: entryUUID %q (link id %q): %v", l.DN, uuid, l.StableID, err)
			}
			l.StableID = uuid
			if err := e.db.WithTx(e.ctx, func(tx *store.Tx) error { return tx.SaveLink(e.ctx, l) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	plan := e.preview(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if n := plan.Changes(); n != 0 {
		t.Fatalf("links made with entryUUID: the sync plans %d changes:\n%s", n, describe(plan.Actions))
	}
	e.checkIdle(wizard.ModeTwoWay, wizard.AuthorityLDAP)
}
