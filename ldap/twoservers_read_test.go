package ldap_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"ldapwiz/ldap"
)

// readCases are the two-server cases that only read: the staged test,
// discovery, browsing and searching.
func readCases() []twoServerCase {
	return []twoServerCase{
		{"staged test passes", caseStagedTestPasses},
		{"staged test wrong password", caseStagedTestWrongPassword},
		{"staged test missing base names closest entry", caseStagedTestMissingBase},
		{"staged test zero users warns", caseStagedTestZeroUsers},
		{"rootdse", caseRootDSE},
		{"schema", caseSchema},
		{"attribute stats", caseAttributeStats},
		{"count equals paged search", caseCountEqualsSearch},
		{"children of people", caseChildren},
		{"entry with escaped comma", caseEscapedEntry},
		{"duplicate rdn in two ous", caseDuplicateRDN},
		{"nested and big groups", caseGroups},
		{"unpaged search over size limit", caseSizeLimit},
		{"search scopes", caseScopes},
	}
}

// runStaged runs the staged test and checks what every run must keep: each
// step reported once, no bind password anywhere.
func runStaged(t *testing.T, cfg ldap.Config, scope ldap.TestScope) ldap.TestResult {
	t.Helper()
	var reported int
	res := ldap.RunTest(ctxFor(t), cfg, scope, func(ldap.Step) { reported++ })
	if reported != len(res.Steps) || len(res.Steps) == 0 {
		t.Errorf("%d steps reported, %d in the result", reported, len(res.Steps))
	}
	for _, st := range res.Steps {
		text := st.Detail + st.Hint
		if cfg.BindPassword != "" && strings.Contains(text, cfg.BindPassword) {
			t.Errorf("step %s shows the bind password", st.ID)
		}
	}
	return res
}

// dumpSteps renders the steps for a failure message.
func dumpSteps(res ldap.TestResult) string {
	var b strings.Builder
	for _, st := range res.Steps {
		fmt.Fprintf(&b, "\n  %-12s %-8s %s | hint: %s | setting: %s", st.ID, st.Status, st.Detail, st.Hint, st.Setting)
	}
	return b.String()
}

func caseStagedTestPasses(t *testing.T, s server) {
	res := runStaged(t, s.reader, s.scope())
	for _, st := range res.Steps {
		if setting, warn := s.stagedWarnings[st.ID]; warn {
			if st.Status != ldap.StepWarning || st.Setting != setting {
				t.Errorf("step %s is %s (%s), want a warning naming %s:%s", st.ID, st.Status, st.Setting, setting, dumpSteps(res))
			}
		} else if st.Status != ldap.StepOK {
			t.Errorf("step %s is %s, want ok:%s", st.ID, st.Status, dumpSteps(res))
		}
	}
	if res.Failed() {
		t.Errorf("the staged test failed:%s", dumpSteps(res))
	}
	if d := res.Step(ldap.StepUsers).Detail; !strings.Contains(d, fmt.Sprintf("%d users", s.users)) {
		t.Errorf("users step says %q, want %d users", d, s.users)
	}
	if res.Cert == nil || !res.Cert.Verified {
		t.Errorf("certificate not verified over StartTLS: %+v", res.Cert)
	}
}

func caseStagedTestWrongPassword(t *testing.T, s server) {
	cfg := s.reader
	cfg.BindPassword = "wrong-password-xyz"
	res := runStaged(t, cfg, s.scope())
	bind := res.Step(ldap.StepBind)
	if bind.Status != ldap.StepFailed || bind.Setting != "connection.bind_password_file" ||
		!strings.Contains(bind.Detail, "invalid credentials") || !strings.Contains(bind.Detail+bind.Hint, cfg.BindDN) {
		t.Errorf("bind step: %+v%s", bind, dumpSteps(res))
	}
	for _, id := range []string{ldap.StepUserBase, ldap.StepUsers, ldap.StepAccess} {
		if st := res.Step(id).Status; st != ldap.StepNotRun {
			t.Errorf("step %s ran (%s) after the bind failed", id, st)
		}
	}
	// The same failure through the client: code 49, decoded.
	_, err := ldap.Dial(ctxFor(t), cfg)
	wantCode(t, "bind with a wrong password", err, 49)
	if d := ldap.Explain(err); d.Code != 49 || d.SubCode != "" || !strings.Contains(d.Problem, "invalid credentials") {
		t.Errorf("explained as %+v", d)
	}
}

func caseStagedTestMissingBase(t *testing.T, s server) {
	scope := s.scope()
	scope.UserBase = "ou=nowhere,ou=deeper," + s.people
	res := runStaged(t, s.reader, scope)
	st := res.Step(ldap.StepUserBase)
	if st.Status != ldap.StepFailed || st.Setting != "users.search_base" || !strings.Contains(st.Detail, "closest existing entry is "+s.people) {
		t.Errorf("user base step: %+v%s", st, dumpSteps(res))
	}
	if got := res.Step(ldap.StepGroupBase).Status; got != ldap.StepOK {
		t.Errorf("group base step %s, want ok", got)
	}
	c := dial(t, s.reader)
	_, err := c.Entry(ctxFor(t), scope.UserBase)
	wantCode(t, "entry of a missing DN", err, 32)
	if d := ldap.Explain(err); !strings.Contains(d.Problem, "closest existing entry is "+s.people) {
		t.Errorf("explained as %+v", d)
	}
}

func caseStagedTestZeroUsers(t *testing.T, s server) {
	scope := s.scope()
	scope.UserFilter = "(uid=nobody-has-this-uid)"
	res := runStaged(t, s.reader, scope)
	st := res.Step(ldap.StepUsers)
	if st.Status != ldap.StepWarning || st.Setting != "users.filter" || !strings.Contains(st.Detail+st.Hint, fmt.Sprint(s.users)) {
		t.Errorf("users step: %+v%s", st, dumpSteps(res))
	}
	if res.Failed() {
		t.Errorf("zero users is a warning, not a failure:%s", dumpSteps(res))
	}
}

func caseRootDSE(t *testing.T, s server) {
	c := dial(t, s.reader)
	r, err := c.RootDSE(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.NamingContexts) != 1 || !ldap.DNEqual(r.NamingContexts[0], s.base) {
		t.Errorf("naming contexts %v, want [%s]", r.NamingContexts, s.base)
	}
	if !r.PagedResults || !r.PasswordModify || !r.StartTLS || r.ActiveDirectory {
		t.Errorf("paged %v, password modify %v, StartTLS %v, AD %v", r.PagedResults, r.PasswordModify, r.StartTLS, r.ActiveDirectory)
	}
	if r.Vendor == "" || r.SubschemaSubentry == "" {
		t.Errorf("vendor %q, subschema %q", r.Vendor, r.SubschemaSubentry)
	}
	// Anonymous clients read the RootDSE too.
	anon := s.reader
	anon.BindDN, anon.BindPassword = "", ""
	if _, err := dial(t, anon).RootDSE(ctxFor(t)); err != nil {
		t.Errorf("anonymous RootDSE: %v", err)
	}
}

func caseSchema(t *testing.T, s server) {
	sch, err := dial(t, s.reader).Schema(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(sch.Problems) > 0 {
		t.Errorf("unparseable definitions: %v", sch.Problems)
	}
	oc := sch.ObjectClass("inetorgperson")
	if oc == nil || oc.Kind != ldap.Structural {
		t.Fatalf("inetOrgPerson: %+v", oc)
	}
	if got := sch.Superiors("inetOrgPerson"); !slices.Equal(got, []string{"organizationalPerson", "person", "top"}) {
		t.Errorf("superiors %v", got)
	}
	must, may := sch.AllMust("inetOrgPerson"), sch.AllMay("inetOrgPerson")
	for _, a := range []string{"objectClass", "sn", "cn"} {
		if !slices.Contains(must, a) {
			t.Errorf("MUST %v lacks %s", must, a)
		}
	}
	for _, a := range []string{"uid", "mail", "givenName", "telephoneNumber", "userPassword"} {
		if !slices.Contains(may, a) {
			t.Errorf("MAY %v lacks %s", may, a)
		}
	}
	for name, want := range map[string]string{"uid": "uid", "userid": "uid", "surname": "sn", "mail": "mail", "rfc822Mailbox": "mail"} {
		if at := sch.AttributeType(name); at == nil || at.Name() != want || at.Equality == "" {
			t.Errorf("attribute %s: %+v", name, at)
		}
	}
	if at := sch.AttributeType("entryUUID"); at == nil || !at.Operational() || !at.SingleValue {
		t.Errorf("entryUUID: %+v", at)
	}
	if at := sch.AttributeType("memberOf"); at == nil || !at.Operational() {
		t.Errorf("memberOf: %+v (operational on OpenLDAP)", at)
	}
	if g := sch.ObjectClass("groupOfNames"); g == nil || !slices.Contains(sch.AllMust("groupOfNames"), "member") {
		t.Errorf("groupOfNames: %+v", g)
	}
}

func caseAttributeStats(t *testing.T, s server) {
	c := dial(t, s.reader)
	const filter = "(objectClass=inetOrgPerson)"
	st, err := c.AttributeStats(ctxFor(t), s.people, filter, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sampled != s.users {
		t.Errorf("sampled %d, want all %d users", st.Sampled, s.users)
	}
	// The truth, from a full read.
	all := readAll(t, c, s.people, filter, "uid", "mail")
	withMail, uids, uidUnique := 0, map[string]bool{}, true
	for _, e := range all {
		if e.Has("mail") {
			withMail++
		}
		for _, v := range e.Get("uid") {
			k := strings.ToLower(v)
			uidUnique = uidUnique && !uids[k]
			uids[k] = true
		}
	}
	uid, mail := st.Find("UID"), st.Find("mail")
	if uid == nil || mail == nil {
		t.Fatalf("uid %+v, mail %+v", uid, mail)
	}
	if uid.Count != len(all) || uid.Unique != uidUnique || len(uid.Examples) == 0 {
		t.Errorf("uid: %+v, want count %d unique %v", uid, len(all), uidUnique)
	}
	if mail.Count != withMail || mail.Count >= len(all) || mail.Count == 0 {
		t.Errorf("mail: count %d, want %d (missing on some of %d)", mail.Count, withMail, len(all))
	}
	if st.Find("objectClass") == nil || st.Find("objectClass").Count != len(all) {
		t.Errorf("objectClass: %+v", st.Find("objectClass"))
	}
}

func caseCountEqualsSearch(t *testing.T, s server) {
	c := dial(t, s.reader)
	const filter = "(objectClass=inetOrgPerson)"
	n, err := c.Count(ctxFor(t), s.people, filter)
	if err != nil {
		t.Fatal(err)
	}
	if n != s.users {
		t.Errorf("Count %d, want %d", n, s.users)
	}
	got, seen := 0, map[string]bool{}
	err = c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: filter, Attributes: []string{"1.1"}, PageSize: 50}, func(e *ldap.Entry) error {
		key, _ := ldap.NormalizeDN(e.DN)
		if seen[key] {
			return fmt.Errorf("%s delivered twice", e.DN)
		}
		seen[key] = true
		got++
		return nil
	})
	if err != nil || got != n {
		t.Errorf("paged search (50 a page) delivered %d, Count says %d: %v", got, n, err)
	}
	// Stopping early is not an error.
	got = 0
	err = c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: filter, Attributes: []string{"1.1"}, PageSize: 50}, func(*ldap.Entry) error {
		got++
		if got == 75 {
			return ldap.ErrStopSearch
		}
		return nil
	})
	if err != nil || got != 75 {
		t.Errorf("stopped search: %d entries, %v", got, err)
	}
}

func caseChildren(t *testing.T, s server) {
	c := dial(t, s.reader)
	var nodes []ldap.Node
	var cookie []byte
	for page := 0; ; page++ {
		p, err := c.Children(ctxFor(t), s.people, 40, cookie)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(p.Nodes); i++ {
			if strings.ToLower(p.Nodes[i-1].RDN) > strings.ToLower(p.Nodes[i].RDN) {
				t.Errorf("page %d not sorted: %s before %s", page, p.Nodes[i-1].RDN, p.Nodes[i].RDN)
			}
		}
		nodes = append(nodes, p.Nodes...)
		if cookie = p.Cookie; cookie == nil {
			break
		}
	}
	// The truth, from a full read of the subtree.
	var all []string
	for _, e := range readAll(t, c, s.people, "", "1.1") {
		all = append(all, e.DN)
	}
	var direct []string
	for _, dn := range all {
		if ldap.DNEqual(parentDN(dn), s.people) {
			direct = append(direct, dn)
		}
	}
	if len(nodes) != len(direct) {
		t.Errorf("Children gave %d nodes, the subtree has %d direct children", len(nodes), len(direct))
	}
	ous := 0
	for _, n := range nodes {
		hasKids := slices.ContainsFunc(all, func(dn string) bool { return ldap.IsDescendant(dn, n.DN) })
		want := map[bool]ldap.Tri{true: ldap.TriYes, false: ldap.TriNo}[hasKids]
		if n.HasChildren != want {
			t.Errorf("%s: HasChildren %s, want %s", n.DN, n.HasChildren, want)
		}
		if !ldap.DNEqual(parentDN(n.DN), s.people) || n.Referral {
			t.Errorf("node %+v is not a plain child of %s", n, s.people)
		}
		if firstRDN(n.DN) != n.RDN {
			t.Errorf("node RDN %q, DN %s", n.RDN, n.DN)
		}
		if slices.ContainsFunc(n.ObjectClasses, func(oc string) bool { return strings.EqualFold(oc, "organizationalUnit") }) {
			ous++
		}
	}
	if ous < 2 {
		t.Errorf("only %d OUs below %s", ous, s.people)
	}
}

func caseEscapedEntry(t *testing.T, s server) {
	c := dial(t, s.reader)
	e, err := c.Entry(ctxFor(t), s.escapedDN)
	if err != nil {
		t.Fatal(err)
	}
	if !ldap.DNEqual(e.DN, s.escapedDN) || e.First("cn") != s.escapedCN {
		t.Errorf("entry %s cn %q, want %s cn %q", e.DN, e.First("cn"), s.escapedDN, s.escapedCN)
	}
	dn, err := ldap.ParseDN(e.DN)
	if err != nil || len(dn.RDNs[0]) != 1 || dn.RDNs[0][0].Value != s.escapedCN {
		t.Errorf("DN %s parses to %+v, %v", e.DN, dn, err)
	}
	if !ldap.DNEqual(ldap.BuildDN("cn", s.escapedCN, dn.Parent().String()), e.DN) {
		t.Errorf("BuildDN does not rebuild %s", e.DN)
	}
	if len(e.First("entryUUID")) != 36 {
		t.Errorf("entryUUID %q", e.First("entryUUID"))
	}
	// The DN as the server wrote it reads the same entry again, and the
	// filter finds it by its cn, comma and all.
	again, err := c.Entry(ctxFor(t), e.DN)
	if err != nil || again.First("entryUUID") != e.First("entryUUID") {
		t.Errorf("reading %s again: %v", e.DN, err)
	}
	found := readAll(t, c, s.people, equalityFilter("cn", s.escapedCN), "entryUUID")
	if len(found) != 1 || !ldap.DNEqual(found[0].DN, s.escapedDN) {
		t.Errorf("search by cn found %d entries", len(found))
	}
}

func caseDuplicateRDN(t *testing.T, s server) {
	c := dial(t, s.reader)
	a, err := c.Entry(ctxFor(t), s.duplicate[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Entry(ctxFor(t), s.duplicate[1])
	if err != nil {
		t.Fatal(err)
	}
	ra := firstRDN(a.DN)
	rb := firstRDN(b.DN)
	if !strings.EqualFold(ra, rb) || ldap.DNEqual(a.DN, b.DN) || a.First("entryUUID") == b.First("entryUUID") {
		t.Errorf("%s (%s) and %s (%s) should share an RDN but be different entries", a.DN, a.First("entryUUID"), b.DN, b.First("entryUUID"))
	}
	cn, _ := ldap.ParseDN(a.DN)
	found := readAll(t, c, s.people, equalityFilter(cn.RDNs[0][0].Type, cn.RDNs[0][0].Value), "1.1")
	if len(found) < 2 {
		t.Errorf("a search for %s found %d entries, want both", ra, len(found))
	}
}

func caseGroups(t *testing.T, s server) {
	c := dial(t, s.reader)
	g, err := c.Entry(ctxFor(t), s.nestedGroup)
	if err != nil {
		t.Fatal(err)
	}
	if !hasDN(g.Get("member"), s.nestedChild) {
		t.Errorf("%s members %v lack %s", s.nestedGroup, g.Get("member"), s.nestedChild)
	}
	child, err := c.Entry(ctxFor(t), s.nestedChild)
	if err != nil {
		t.Fatal(err)
	}
	if !hasDN(child.Get("memberOf"), s.nestedGroup) {
		t.Errorf("%s memberOf %v lacks %s", s.nestedChild, child.Get("memberOf"), s.nestedGroup)
	}
	big, err := c.Entry(ctxFor(t), s.bigGroup)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(big.Get("member")); n != s.bigSize {
		t.Errorf("%s has %d member values, want %d", s.bigGroup, n, s.bigSize)
	}
	// The same through a search asking for the attribute by name.
	var members int
	err = c.Search(ctxFor(t), ldap.SearchRequest{Base: s.bigGroup, Scope: ldap.ScopeBase, Attributes: []string{"member"}}, func(e *ldap.Entry) error {
		members = len(e.Get("member"))
		return nil
	})
	if err != nil || members != s.bigSize {
		t.Errorf("search of %s: %d members, %v", s.bigGroup, members, err)
	}
}

func caseSizeLimit(t *testing.T, s server) {
	c := dial(t, s.reader)
	n := 0
	err := c.Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"1.1"}, PageSize: -1},
		func(*ldap.Entry) error { n++; return nil })
	var sl *ldap.SizeLimitError
	if !errors.As(err, &sl) {
		t.Fatalf("want a *SizeLimitError after %d entries, got %v", s.sizeLimit, err)
	}
	if sl.Paged || sl.Delivered != s.sizeLimit || n != s.sizeLimit {
		t.Errorf("unpaged search stopped at %+v (callback saw %d), want after %d", sl, n, s.sizeLimit)
	}
	wantCode(t, "unpaged search over the limit", err, 4)
	for _, want := range []string{"size limit", "page_size"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	// The administrator has no limit; paging passes it for everyone.
	n = 0
	err = dial(t, s.admin).Search(ctxFor(t), ldap.SearchRequest{Base: s.people, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"1.1"}, PageSize: -1},
		func(*ldap.Entry) error { n++; return nil })
	if err != nil || n != s.users {
		t.Errorf("unpaged search as administrator: %d entries, %v", n, err)
	}
}

func caseScopes(t *testing.T, s server) {
	c := dial(t, s.reader)
	count := func(base string, scope ldap.Scope, filter string) int {
		n := 0
		if err := c.Search(ctxFor(t), ldap.SearchRequest{Base: base, Scope: scope, Filter: filter, Attributes: []string{"1.1"}}, func(*ldap.Entry) error { n++; return nil }); err != nil {
			t.Fatalf("search %s scope %d: %v", base, scope, err)
		}
		return n
	}
	all := readAll(t, c, s.people, "", "1.1")
	direct := 0
	for _, e := range all {
		if ldap.DNEqual(parentDN(e.DN), s.people) {
			direct++
		}
	}
	if got := count(s.people, ldap.ScopeBase, ""); got != 1 {
		t.Errorf("base scope: %d entries", got)
	}
	if got := count(s.people, ldap.ScopeOne, ""); got != direct {
		t.Errorf("one-level scope: %d entries, want %d", got, direct)
	}
	if got := count(s.people, ldap.ScopeSub, ""); got != len(all) {
		t.Errorf("subtree scope: %d entries, want %d", got, len(all))
	}
	if got := count(s.escapedDN, ldap.ScopeBase, "(objectClass=person)"); got != 1 {
		t.Errorf("base scope on the escaped DN: %d entries", got)
	}
}
