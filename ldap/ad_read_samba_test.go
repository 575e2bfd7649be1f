package ldap

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

var guidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// adReadCases checks how the package reads Active Directory data from
// Samba: objectGUID as a GUID string that works as a stable id, ranged
// member values reassembled, nested membership through the in-chain
// matching rule, the schema, and referrals reported and skipped.
func adReadCases(t *testing.T, f *adFixture) {
	c := f.adminConn
	ctx := context.Background()

	t.Run("ObjectGUIDIsAStableID", func(t *testing.T) {
		e, err := c.Entry(ctx, f.bob)
		if err != nil {
			t.Fatal(err)
		}
		a := e.Attr("objectGUID")
		if a == nil || !a.Binary || len(a.Values) != 1 || !guidRe.MatchString(a.Values[0]) {
			t.Fatalf("objectGUID attribute: %+v", a)
		}
		guid := a.Values[0]
		raw := a.Raw()
		if len(raw) != 1 || len(raw[0]) != 16 || FormatGUID(raw[0]) != guid {
			t.Fatalf("raw objectGUID %x does not render to %s", raw, guid)
		}
		if sid := e.First("objectSid"); !strings.HasPrefix(sid, "S-1-5-21-") {
			t.Errorf("objectSid rendered as %q", sid)
		}
		for _, attr := range e.Attributes {
			for _, v := range attr.Values {
				if !isText([]byte(v)) {
					t.Errorf("attribute %s shows raw bytes: %q", attr.Name, v)
				}
			}
		}
		// The streaming search renders it the same way.
		var streamed string
		err = c.Search(ctx, SearchRequest{Base: f.usersBase, Filter: "(sAMAccountName=bob)", Attributes: []string{"objectGUID"}},
			func(e *Entry) error { streamed = e.First("objectGUID"); return nil })
		if err != nil || streamed != guid {
			t.Errorf("Search shows objectGUID %q (err %v), Entry %q", streamed, err, guid)
		}
		// Samba agrees on the string form: <GUID=...> names the entry, as
		// does a filter on the raw bytes.
		var filter strings.Builder
		filter.WriteString("(objectGUID=")
		for _, x := range raw[0] {
			fmt.Fprintf(&filter, `\%02x`, x)
		}
		filter.WriteString(")")
		for _, req := range []SearchRequest{
			{Base: "<GUID=" + guid + ">", Scope: ScopeBase, Attributes: []string{"1.1"}},
			{Base: f.rootBase, Filter: filter.String(), Attributes: []string{"1.1"}},
		} {
			var found []string
			if err := c.Search(ctx, req, func(e *Entry) error { found = append(found, e.DN); return nil }); err != nil {
				t.Fatalf("find by GUID (base %s, filter %s): %v", req.Base, req.Filter, err)
			}
			if len(found) != 1 || !DNEqual(found[0], f.bob) {
				t.Errorf("find by GUID (base %s, filter %s): %v, want %s", req.Base, req.Filter, found, f.bob)
			}
		}
	})

	t.Run("AttributeStatsRenderGUIDs", func(t *testing.T) {
		st, err := c.AttributeStats(ctx, f.usersBase, "(&(objectClass=user)(mail=*))", 50)
		if err != nil {
			t.Fatal(err)
		}
		g := st.Find("objectGUID")
		if g == nil || !g.Binary || !g.Unique || g.Count != st.Sampled || len(g.Examples) == 0 || !guidRe.MatchString(g.Examples[0]) {
			t.Errorf("objectGUID statistics: %+v", g)
		}
		if sam := st.Find("sAMAccountName"); sam == nil || !sam.Unique || sam.Binary || sam.Count != st.Sampled {
			t.Errorf("sAMAccountName statistics: %+v", sam)
		}
	})

	t.Run("SchemaIncludesAuxiliaryClasses", func(t *testing.T) {
		sc, err := c.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		may := sc.AllMay("user")
		for _, want := range []string{"sAMAccountName", "objectSid", "userPrincipalName", "mail", "givenName", "memberOf"} {
			if !slices.ContainsFunc(may, func(a string) bool { return strings.EqualFold(a, want) }) {
				t.Errorf("AllMay(user) lacks %s (%d attributes)", want, len(may))
			}
		}
		if gm := sc.AllMay("group"); !slices.ContainsFunc(gm, func(a string) bool { return strings.EqualFold(a, "sAMAccountName") }) {
			t.Errorf("AllMay(group) lacks sAMAccountName")
		}
		if must := sc.AllMust("user"); slices.Contains(must, "sAMAccountName") {
			t.Errorf("AllMust(user) claims sAMAccountName is required: %v", must)
		}
	})

	t.Run("RangedMembersReassembled", func(t *testing.T) {
		// Samba answers an explicit range with a ranged attribute...
		res, err := f.s.AdminConn(t).Search(goldap.NewSearchRequest(f.big, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{"member;range=0-9"}, nil))
		if err != nil || len(res.Entries) != 1 || len(res.Entries[0].Attributes) != 1 ||
			res.Entries[0].Attributes[0].Name != "member;range=0-9" || len(res.Entries[0].Attributes[0].Values) != 10 {
			t.Fatalf("Samba did not answer member;range=0-9 with a range (the test would prove nothing): %v %+v", err, res)
		}
		// ...which Search and Entry turn into the whole attribute.
		var got *Entry
		err = c.Search(ctx, SearchRequest{Base: f.big, Scope: ScopeBase, Attributes: []string{"member;range=0-9", "cn"}},
			func(e *Entry) error { got = e; return nil })
		if err != nil || got == nil {
			t.Fatalf("Search: %v", err)
		}
		wantMembers(t, got.Get("member"), f.bigMembers)
		for _, a := range got.Attributes {
			if strings.Contains(strings.ToLower(a.Name), "range=") {
				t.Errorf("attribute %s left ranged", a.Name)
			}
		}
		if got.First("cn") != "big" {
			t.Errorf("cn = %q", got.First("cn"))
		}
		// A range in the middle is completed too.
		err = c.Search(ctx, SearchRequest{Base: f.big, Scope: ScopeBase, Attributes: []string{"member;range=0-4"}, PageSize: -1},
			func(e *Entry) error { got = e; return nil })
		if err != nil {
			t.Fatal(err)
		}
		wantMembers(t, got.Get("member"), f.bigMembers)
		e, err := c.Entry(ctx, f.big)
		if err != nil {
			t.Fatal(err)
		}
		wantMembers(t, e.Get("member"), f.bigMembers)
	})

	t.Run("NestedMembershipInChain", func(t *testing.T) {
		users := searchDNs(t, c, SearchRequest{Base: f.usersBase, Filter: "(&(objectClass=user)" + NestedMembersFilter(f.outer) + ")"})
		wantMembers(t, users, []string{f.alice, f.carol})
		groups := searchDNs(t, c, SearchRequest{Base: f.usersBase, Filter: "(&(objectClass=group)" + InChainFilter("member", f.carol) + ")"})
		wantMembers(t, groups, []string{f.inner, f.outer})
		// Without the rule, only direct members.
		direct := searchDNs(t, c, SearchRequest{Base: f.usersBase, Filter: "(&(objectClass=user)(memberOf=" + EscapeFilter(f.outer) + "))"})
		wantMembers(t, direct, []string{f.alice})
	})

	t.Run("RootSubtreeReferralsSkipped", func(t *testing.T) {
		var refs []string
		n := 0
		err := c.Search(ctx, SearchRequest{Base: f.rootBase, Filter: "(objectClass=user)", Attributes: []string{"sAMAccountName"},
			OnReferral: func(u string) { refs = append(refs, u) }}, func(e *Entry) error { n++; return nil })
		if err != nil {
			t.Fatalf("subtree search at the domain root: %v", err)
		}
		if len(refs) == 0 || !slices.ContainsFunc(refs, func(u string) bool { return strings.Contains(u, "CN=Configuration") }) {
			t.Errorf("no referral to CN=Configuration reported: %v", refs)
		}
		if n < 30 {
			t.Errorf("only %d users found under the domain root", n)
		}
		// Without a referral callback the referrals are skipped silently.
		m := 0
		if err := c.Search(ctx, SearchRequest{Base: f.rootBase, Filter: "(objectClass=user)", Attributes: []string{"1.1"}},
			func(e *Entry) error { m++; return nil }); err != nil || m != n {
			t.Errorf("without OnReferral: %d entries, err %v; want %d", m, err, n)
		}
		if cnt, err := c.Count(ctx, f.rootBase, "(objectClass=user)"); err != nil || cnt != n {
			t.Errorf("Count at the domain root: %d, %v; want %d", cnt, err, n)
		}
		// The staged test with the domain root as base works too.
		scope := adScope()
		scope.UserBase, scope.GroupBase = f.rootBase, f.rootBase
		res := runTest(t, adConfig(f.s, f.s.LDAPSURL, f.s.AdminUPN, f.s.AdminPassword), scope)
		if res.Failed() {
			t.Errorf("staged test at the domain root failed:\n%s", dumpSteps(res))
		}
	})

	t.Run("ChildrenOfDomainRootMarkReferrals", func(t *testing.T) {
		page, err := c.Children(ctx, f.rootBase, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var config, users *Node
		for i := range page.Nodes {
			switch {
			case DNEqual(page.Nodes[i].DN, "CN=Configuration,"+f.rootBase):
				config = &page.Nodes[i]
			case DNEqual(page.Nodes[i].DN, f.usersBase):
				users = &page.Nodes[i]
			}
		}
		if config == nil || !config.Referral || len(config.ReferralURLs) == 0 || config.RDN != "CN=Configuration" {
			t.Errorf("CN=Configuration node: %+v", config)
		}
		if users == nil || users.Referral {
			t.Errorf("CN=Users node: %+v", users)
		}
	})
}

// searchDNs runs req and returns the DNs found.
func searchDNs(t *testing.T, c *Conn, req SearchRequest) []string {
	t.Helper()
	var out []string
	if err := c.Search(context.Background(), req, func(e *Entry) error { out = append(out, e.DN); return nil }); err != nil {
		t.Fatalf("search %s under %s: %v", req.Filter, req.Base, err)
	}
	return out
}

// wantMembers compares two DN lists as sets (RFC 4514 equality).
func wantMembers(t *testing.T, got, want []string) {
	t.Helper()
	norm := func(dns []string) []string {
		out := make([]string, len(dns))
		for i, d := range dns {
			n, err := NormalizeDN(d)
			if err != nil {
				t.Fatalf("%q: %v", d, err)
			}
			out[i] = n
		}
		sort.Strings(out)
		return out
	}
	if g, w := norm(got), norm(want); !slices.Equal(g, w) {
		t.Errorf("got %d DNs %v, want %d %v", len(g), g, len(w), w)
	}
}
