package syncer

import (
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// skipLDIF holds the entries a sync must skip, each with its reason: no
// username attribute, a username the store refuses, and one username used
// by two entries in different OUs. ok is a normal user.
const skipLDIF = `dn: ou=east,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: east

dn: ou=west,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: west

dn: uid=ok,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: ok
cn: Ok User
sn: User
mail: ok@example.com

dn: cn=No Uid,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
cn: No Uid
sn: Uid

dn: cn=Bad Name,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bad name!
cn: Bad Name
sn: Name

dn: uid=dup,ou=east,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: dup
cn: Dup East
sn: East

dn: uid=DUP,ou=west,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: DUP
cn: Dup West
sn: West

`

// Entries the store cannot take are skipped, each named with its reason,
// both duplicates included; the rest syncs and nothing is planned again.
func TestSyncSkipsWithReasons(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{NoFixture: true, ExtraLDIF: skipLDIF})
	const (
		noUID = "cn=No Uid,ou=people,dc=example,dc=com"
		bad   = "cn=Bad Name,ou=people,dc=example,dc=com"
		east  = "uid=dup,ou=east,ou=people,dc=example,dc=com"
		west  = "uid=DUP,ou=west,ou=people,dc=example,dc=com"
	)
	rep := e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	find := func(dn string) *Skip {
		for i, s := range rep.Plan.Skipped {
			if ldap.DNEqual(s.DN, dn) {
				return &rep.Plan.Skipped[i]
			}
		}
		return nil
	}
	if s := find(noUID); s == nil || s.Reason != SkipMissingUsername || !strings.Contains(s.Detail, "uid (users.username_attribute)") {
		t.Errorf("entry without uid: %+v", s)
	}
	if s := find(bad); s == nil || s.Reason != SkipInvalidUsername || s.Name != "bad name!" || !strings.Contains(s.Detail, "letters, digits") {
		t.Errorf("invalid username: %+v", s)
	}
	for _, c := range []struct{ dn, other string }{{east, west}, {west, east}} {
		s := find(c.dn)
		if s == nil || s.Reason != SkipDuplicate || !strings.EqualFold(s.Name, "dup") {
			t.Errorf("duplicate %s: %+v", c.dn, s)
			continue
		}
		if !strings.Contains(strings.ToLower(s.Detail), strings.ToLower(c.other)) || !strings.Contains(s.Detail, "make it unique") {
			t.Errorf("duplicate %s does not name %s: %q", c.dn, c.other, s.Detail)
		}
	}
	if len(rep.Plan.Skipped) != 4 {
		t.Errorf("skipped %d entries, want 4: %+v", len(rep.Plan.Skipped), rep.Plan.Skipped)
	}
	for _, name := range []string{"dup", "DUP", "bad name!", "No Uid"} {
		if u := e.user(name); u != nil {
			t.Errorf("skipped entry %q reached the store: %+v", name, u)
		}
	}
	if u := e.mustUser("ok"); u.Email != "ok@example.com" || !u.FromLDAP {
		t.Errorf("ok: %+v", u)
	}
	// Skips are reported by every run that plans, but plan no change (a
	// quiet run, as the preview after this import is, lists none: it
	// carries the last run's tally).
	e.checkIdle(wizard.ModeImport, wizard.AuthorityLDAP)
	if p := e.fullPlan(wizard.ModeImport, wizard.AuthorityLDAP); len(p.Skipped) != 4 {
		t.Errorf("second run skips %d, want 4", len(p.Skipped))
	}
	// Fixing the duplicate in the directory brings both users in.
	if _, err := e.conn.Rename(e.ctx, west, "uid=dup.west", ""); err != nil {
		t.Fatal(err)
	}
	rep = e.sync(wizard.ModeImport, wizard.AuthorityLDAP)
	if rep.Failed != 0 {
		t.Fatal(rep.Error)
	}
	if e.user("dup") == nil || e.user("dup.west") == nil {
		t.Errorf("after the fix: dup %v, dup.west %v; %s", e.user("dup"), e.user("dup.west"), describe(rep.Plan.Actions))
	}
}
