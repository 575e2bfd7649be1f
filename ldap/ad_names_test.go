package ldap

import (
	"strings"
	"testing"
)

func TestDomainOfDN(t *testing.T) {
	for dn, want := range map[string]string{
		"CN=Users,DC=Example,DC=test":          "example.test",
		"ou=people,dc=corp,dc=example,dc=com":  "corp.example.com",
		"cn=Doe\\, John,ou=x,dc=a":             "a",
		"ou=people,o=example":                  "",
		"not a dn":                             "",
		"DC=example,DC=test":                   "example.test",
		"cn=dc1,ou=dc=weird,DC=example,DC=org": "example.org",
	} {
		if got := DomainOfDN(dn); got != want {
			t.Errorf("DomainOfDN(%q) = %q, want %q", dn, got, want)
		}
	}
}

func TestValidateGroupSAMAccountName(t *testing.T) {
	if err := ValidateGroupSAMAccountName("Engineering-Platform-Team"); err != nil {
		t.Errorf("a 25-character group name: %v", err)
	}
	if err := ValidateSAMAccountName("Engineering-Platform-Team"); err == nil || !strings.Contains(err.Error(), "at most 20") {
		t.Errorf("a 25-character user name: %v", err)
	}
	if err := ValidateGroupSAMAccountName(strings.Repeat("g", 257)); err == nil || !strings.Contains(err.Error(), "at most 256") {
		t.Errorf("a 257-character group name: %v", err)
	}
	if err := ValidateGroupSAMAccountName("a/b"); err == nil || !strings.Contains(err.Error(), `'/'`) {
		t.Errorf("a group name with a slash: %v", err)
	}
}
