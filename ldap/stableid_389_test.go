package ldap_test

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/ds389test"
	"ldapwiz/ldap"
)

// TestStagedTestWarnsWhenIDsDisagree: on 389 DS before the entryUUID
// fix-up, entries imported offline carry only nsUniqueId and entries added
// over LDAP carry entryUUID too; the staged test's sample step says so (as
// a warning that needs no change) instead of passing silently.
func TestStagedTestWarnsWhenIDsDisagree(t *testing.T) {
	ds := ds389test.StartWith(t, ds389test.Options{NoEntryUUIDFixup: true})
	cfg := ldap.Config{URL: ds.URL, StartTLS: true, VerifyTLS: true, CAFile: ds.CAFile, BindDN: ds.AdminDN, BindPassword: ds.AdminPassword, Timeout: 10 * time.Second}
	c := dial(t, cfg)
	dn := "uid=added-over-ldap," + ds389test.PeopleDN
	if err := c.Add(ctxFor(t), dn, map[string][]string{
		"objectClass": {"top", "person", "organizationalPerson", "inetOrgPerson"},
		"uid":         {"added-over-ldap"}, "cn": {"Added"}, "sn": {"Over LDAP"},
	}); err != nil {
		t.Fatal(err)
	}
	res := ldap.RunTest(ctxFor(t), cfg, ldap.TestScope{
		UserBase: ds389test.PeopleDN, UserObjectClass: "inetOrgPerson", UserFilter: "(|(uid=added-over-ldap)(uid=tdupont))",
		UsernameAttribute: "uid", GroupBase: ds389test.GroupsDN, GroupObjectClass: "groupOfNames",
	}, nil)
	found := false
	for _, s := range res.Steps {
		if strings.Contains(s.Detail, "disagree on their ids") {
			found = true
			if s.Status != ldap.StepWarning {
				t.Errorf("%s: %s, want a warning", s.ID, s.Status)
			}
		}
	}
	if !found {
		t.Fatalf("no step says the sampled users disagree on their ids: %+v", res.Steps)
	}
}
