package wizard

import (
	"strings"
	"testing"
)

func TestRebaseOnNamingContext(t *testing.T) {
	ad, _ := Preset(PresetAD)
	got, changed := RebaseOnNamingContext(ad, "DC=example,DC=test")
	if got.Users.SearchBase != "cn=Users,DC=example,DC=test" || got.Groups.SearchBase != "cn=Users,DC=example,DC=test" {
		t.Fatalf("AD bases = %q, %q", got.Users.SearchBase, got.Groups.SearchBase)
	}
	if len(changed) != 2 || !strings.Contains(changed[0], "users.search_base: cn=Users,dc=example,dc=com → cn=Users,DC=example,DC=test") {
		t.Fatalf("changed = %q", changed)
	}
	if got.Connection != ad.Connection || got.Users.ObjectClass != ad.Users.ObjectClass {
		t.Fatal("only the search bases may change")
	}

	ds, _ := Preset(Preset389DS)
	got, _ = RebaseOnNamingContext(ds, "dc=corp,dc=local")
	if got.Users.SearchBase != "ou=People,dc=corp,dc=local" || got.Groups.SearchBase != "ou=Groups,dc=corp,dc=local" {
		t.Fatalf("389 bases = %q, %q", got.Users.SearchBase, got.Groups.SearchBase)
	}

	for _, c := range []struct{ base, nc, want string }{
		{"ou=people,dc=example,dc=com", "dc=example,dc=com", "ou=people,dc=example,dc=com"}, // already inside: kept
		{"OU=People,DC=Example,DC=Com", "dc=example,dc=com", "OU=People,DC=Example,DC=Com"}, // inside, other case: kept
		{`ou=Doe\, John,dc=example,dc=com`, "o=corp", `ou=Doe\, John,o=corp`},               // escaped comma kept whole
		{"ou=people,o=elsewhere", "dc=corp,dc=local", "dc=corp,dc=local"},                   // no dc= suffix: the context itself
		{"", "dc=corp,dc=local", "dc=corp,dc=local"},                                        // empty: the context
		{"dc=example,dc=com", "DC=example,DC=test", "DC=example,DC=test"},                   // only dc=: the context
		{"cn=Users,dc=example,dc=com", "", "cn=Users,dc=example,dc=com"},                    // no context: nothing
		{"cn=Users,dc=example,dc=com", "not a dn", "cn=Users,dc=example,dc=com"},            // bad context: nothing
		{"ou=a,ou=b,dc=example,dc=com", "dc=x", "ou=a,ou=b,dc=x"},                           // deep
	} {
		s := Default()
		s.Users.SearchBase = c.base
		got, _ := RebaseOnNamingContext(s, c.nc)
		if got.Users.SearchBase != c.want {
			t.Errorf("rebase %q on %q = %q, want %q", c.base, c.nc, got.Users.SearchBase, c.want)
		}
	}
	s, _ := Preset(PresetOpenLDAP)
	if _, changed := RebaseOnNamingContext(s, "dc=example,dc=com"); len(changed) != 0 {
		t.Fatalf("bases already in the context changed: %q", changed)
	}
}

func TestHasPlaceholderBases(t *testing.T) {
	for _, p := range Presets() {
		s, _ := Preset(p.Name)
		if !HasPlaceholderBases(s) {
			t.Errorf("preset %s: its own bases are not placeholders", p.Name)
		}
		s.Users.SearchBase = strings.ToUpper(s.Users.SearchBase)
		if !HasPlaceholderBases(s) {
			t.Errorf("preset %s: case matters", p.Name)
		}
		s.Users.SearchBase = "ou=staff,dc=corp,dc=local"
		if HasPlaceholderBases(s) {
			t.Errorf("preset %s: a chosen base counts as a placeholder", p.Name)
		}
	}
	s := Default()
	s.Users.SearchBase, s.Groups.SearchBase = "", ""
	if HasPlaceholderBases(s) {
		t.Error("empty bases count as placeholders")
	}
}
