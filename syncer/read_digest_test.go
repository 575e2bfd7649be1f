package syncer

import (
	"testing"

	"ldapwiz/ldap"
)

// Reads that differ in anything the planner sees have different digests;
// the same read has the same one.
func TestReadDigestTellsReadsApart(t *testing.T) {
	req := ldap.SearchRequest{Base: "dc=x", Filter: "(objectClass=person)", Attributes: []string{"uid", "mail"}}
	entry := func(dn string, attrs ...ldap.Attribute) *ldap.Entry { return &ldap.Entry{DN: dn, Attributes: attrs} }
	text := func(name string, vals ...string) ldap.Attribute { return ldap.Attribute{Name: name, Values: vals} }
	type read struct {
		reqs    []ldap.SearchRequest
		entries []*ldap.Entry
		refs    []string
		acct    ldap.AccountState
	}
	digest := func(r read) string {
		d := newReadDigest()
		for _, q := range r.reqs {
			d.search(q)
		}
		for _, e := range r.entries {
			d.entry(e)
		}
		for _, u := range r.refs {
			d.referral(u)
		}
		return string(d.token(r.acct))
	}
	other := req
	other.Attributes = []string{"uid", "mail", "cn"}
	reads := map[string]read{
		"one entry":           {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{entry("uid=a,dc=x", text("uid", "ab", "c"))}},
		"values split apart":  {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{entry("uid=a,dc=x", text("uid", "a", "bc"))}},
		"value in the name":   {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{entry("uid=a,dc=x", text("uidab", "c"))}},
		"another DN":          {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{entry("uid=b,dc=x", text("uid", "ab", "c"))}},
		"another request":     {reqs: []ldap.SearchRequest{other}, entries: []*ldap.Entry{entry("uid=a,dc=x", text("uid", "ab", "c"))}},
		"no entry":            {reqs: []ldap.SearchRequest{req}},
		"a referral":          {reqs: []ldap.SearchRequest{req}, refs: []string{"ldap://other/dc=x"}},
		"account state found": {reqs: []ldap.SearchRequest{req}, acct: ldap.AccountState{Kind: ldap.AccountState389}},
		"two entries": {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{
			entry("uid=a,dc=x", text("uid", "ab")), entry("uid=b,dc=x", text("uid", "c"))}},
		"the same, in another order": {reqs: []ldap.SearchRequest{req}, entries: []*ldap.Entry{
			entry("uid=b,dc=x", text("uid", "c")), entry("uid=a,dc=x", text("uid", "ab"))}},
	}
	seen := map[string]string{}
	for name, r := range reads {
		d := digest(r)
		if d != digest(r) {
			t.Errorf("%s: two digests of the same read differ", name)
		}
		if prev, ok := seen[d]; ok {
			t.Errorf("%s and %s have the same digest", name, prev)
		}
		seen[d] = name
	}
}
