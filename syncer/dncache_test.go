package syncer

import "testing"

// findNormal looks a reference up as written first: a DN in normal form
// is found without parsing (nothing cached) and looked up once; one that
// is not is normalized and looked up again; one that does not parse is
// looked up as written only.
func TestFindNormal(t *testing.T) {
	keys := map[string]bool{"uid=a,ou=people,dc=example,dc=com": true}
	var c dnCache
	var asked []string
	find := func(n string) bool { asked = append(asked, n); return keys[n] }

	if !c.findNormal("uid=a,ou=people,dc=example,dc=com", find) || len(asked) != 1 || len(c.m) != 0 {
		t.Errorf("a normal DN: found after %q, %d cached; want one lookup, nothing parsed", asked, len(c.m))
	}
	asked = nil
	if !c.findNormal("UID=a, OU=People,DC=example,DC=com", find) || len(asked) != 2 || asked[1] != "uid=a,ou=people,dc=example,dc=com" {
		t.Errorf("a DN not in normal form: lookups %q; want as written, then normalized", asked)
	}
	asked = nil
	if c.findNormal("uid=b,ou=people,dc=example,dc=com", find) || len(asked) != 1 {
		t.Errorf("a normal DN not there: lookups %q; want one", asked)
	}
	asked = nil
	if c.findNormal("not a DN", find) || len(asked) != 1 {
		t.Errorf("no DN: lookups %q; want the one as written", asked)
	}
}
