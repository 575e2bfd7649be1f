package ui

import (
	"fmt"
	"strings"
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestBrowserOpensAtTheFieldsBase (issue 17, defect 10): ctrl+b on a search
// base opens the tree expanded down to the base the field holds, the cursor
// on it, rather than collapsed at the naming context; and the entry pane
// scrolls (J/K) through every attribute of an entry too long for it.
func TestBrowserOpensAtTheFieldsBase(t *testing.T) {
	s := startDemo(t, false)
	base := "ou=platform,ou=engineering,ou=people,dc=example,dc=com"
	s.Users.SearchBase = base
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.m.formOf(wizard.ScreenUsers).focusKey("users.search_base", d.m.Settings())
	d.keys("ctrl+b")
	b := d.m.browser
	if b == nil {
		t.Fatal("ctrl+b opened no browser")
	}
	if n := b.current(); n == nil || !ldap.DNEqual(n.DN, base) {
		t.Fatalf("the browser opened on %v, not on the field's base %s:\n%s", n, base, d.screen())
	}
	d.contains("› ", "▾ ou=engineering", "ou=platform")

	// Down into the users of the branch: an entry with more attributes than
	// the pane shows at 80x24 scrolls with J and K.
	d.keys("right", "down")
	if n := b.current(); n == nil || !strings.HasPrefix(strings.ToLower(n.RDN), "uid=") && !strings.HasPrefix(strings.ToLower(n.RDN), "cn=") {
		t.Fatalf("not on a user: %v\n%s", n, d.screen())
	}
	if b.entry == nil {
		t.Fatalf("the entry was not read:\n%s", d.screen())
	}
	d.contains("more attributes (J)")
	last := b.entry.Attributes[len(b.entry.Attributes)-1].Name
	d.lacks(last + ": ")
	for range len(b.entry.Attributes) {
		d.keys("J")
	}
	d.contains("more attributes (K)", last+": ")
	d.lacks("more attributes (J)")
	d.keys("K")
	d.contains("more attributes (J)")
}

// TestUsernamePickerOffersNames (issue 17, defect 10): the username
// picker lists attributes a person could log in with, not secrets, object
// classes, membership lists or server-made identifiers; it reads as many
// entries as the check beside the field, so both say the same.
func TestUsernamePickerOffersNames(t *testing.T) {
	s := startDemo(t, false)
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.m.formOf(wizard.ScreenUsers).focusKey("users.username_attribute", d.m.Settings())
	d.keys("ctrl+o")
	p := d.m.picker
	if p == nil || p.loading || p.err != "" {
		t.Fatalf("picker: %+v", p)
	}
	offered := map[string]string{}
	for _, it := range p.items {
		offered[strings.ToLower(it.value)] = it.detail
	}
	for _, bad := range []string{"userpassword", "objectclass", "memberof", "nsuniqueid", "entryuuid"} {
		if _, ok := offered[bad]; ok {
			t.Errorf("the username picker offers %s", bad)
		}
	}
	if _, ok := offered["uid"]; !ok {
		t.Fatalf("uid is not offered: %v", offered)
	}
	n := d.m.liveCount("users").n
	if n <= 200 || !strings.Contains(offered["uid"], fmt.Sprintf("of %d", n)) {
		t.Fatalf("uid: %q; the picker should read all %d users, as the field's check does", offered["uid"], n)
	}
	d.lacks("userPassword")
}

// TestADNamingAttributeUniqueAmongSiblings (issue 17, defect 10): on the AD
// demo cn repeats across branches, which does not matter for the naming
// attribute (an RDN names an entry among its siblings only): no warning
// beside users.rdn_attribute.
func TestADNamingAttributeUniqueAmongSiblings(t *testing.T) {
	s := startDemo(t, true)
	ad, _ := wizard.Preset(wizard.PresetAD)
	s.Connection.ActiveDirectory = true
	s.Users, s.Groups = ad.Users, ad.Groups
	s.Users.SearchBase, s.Groups.SearchBase = "OU=People,DC=example,DC=test", "OU=Groups,DC=example,DC=test"
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	r, ok := d.m.checks.results["users.rdn_attribute"]
	if !ok || r.err != "" {
		t.Fatalf("the naming attribute was not checked: %+v", r)
	}
	if r.warn != "" {
		t.Fatalf("cn is flagged although no two siblings share one: %s", r.warn)
	}
	d.lacks("cn: values repeat")
}
