package ldap

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

func rdns(nodes []Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.RDN
	}
	return out
}

func TestChildrenOfBase(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	page, err := c.Children(context.Background(), s.BaseDN, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Cookie != nil {
		t.Errorf("one page expected, got a cookie")
	}
	want := "ou=empty ou=groups ou=people ou=service"
	if got := strings.Join(rdns(page.Nodes), " "); got != want {
		t.Fatalf("children of base: %q, want %q", got, want)
	}
	byRDN := map[string]Node{}
	for _, n := range page.Nodes {
		byRDN[n.RDN] = n
	}
	if byRDN["ou=people"].HasChildren != TriYes || byRDN["ou=empty"].HasChildren != TriNo {
		t.Errorf("hasSubordinates: people %v, empty %v", byRDN["ou=people"].HasChildren, byRDN["ou=empty"].HasChildren)
	}
	if n := byRDN["ou=people"]; n.NumChildren != -1 || n.Referral || !DNEqual(n.DN, slapdtest.PeopleDN) || !hasFold(n.ObjectClasses, "organizationalUnit") {
		t.Errorf("people node: %+v", n)
	}
}

func hasFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// TestChildrenPagedOverPeople walks ou=people ten children at a time and
// checks every child arrives once, each page sorted.
func TestChildrenPagedOverPeople(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	want := map[string]bool{}
	people, _ := ParseDN(slapdtest.PeopleDN)
	for _, u := range s.Fixture.Users {
		d, _ := ParseDN(u.DN)
		if d.Parent().Equal(people) {
			want[d.Normalized()] = true
		}
	}
	for _, ou := range s.Fixture.OUs {
		d, _ := ParseDN(ou)
		if d.Parent().Equal(people) {
			want[d.Normalized()] = true
		}
	}
	got := map[string]bool{}
	var cookie []byte
	pages := 0
	for {
		page, err := c.Children(context.Background(), slapdtest.PeopleDN, 10, cookie)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Nodes) > 10 {
			t.Fatalf("page of %d nodes, asked for 10", len(page.Nodes))
		}
		for i, n := range page.Nodes {
			if i > 0 && strings.ToLower(page.Nodes[i-1].RDN) > strings.ToLower(n.RDN) {
				t.Errorf("page not sorted: %q before %q", page.Nodes[i-1].RDN, n.RDN)
			}
			key, _ := NormalizeDN(n.DN)
			if got[key] {
				t.Errorf("%s listed twice", n.DN)
			}
			got[key] = true
			if strings.HasPrefix(n.RDN, "ou=") && n.HasChildren != TriYes {
				t.Errorf("%s: HasChildren %v", n.DN, n.HasChildren)
			}
			if strings.HasPrefix(n.RDN, "uid=") && n.HasChildren != TriNo {
				t.Errorf("%s: HasChildren %v", n.DN, n.HasChildren)
			}
		}
		if page.Cookie == nil {
			break
		}
		cookie = page.Cookie
	}
	if len(got) != len(want) || pages < len(want)/10 {
		t.Errorf("children of people: got %d in %d pages, want %d", len(got), pages, len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing child %s", k)
		}
	}
	// Counting the fixture: 300 users in all, 2 more inetOrgPersons nowhere.
	if n, err := c.Count(context.Background(), slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"); err != nil || n != 300 {
		t.Errorf("Count people = %d, %v", n, err)
	}
	if n, err := c.Count(context.Background(), slapdtest.PlatformOU, ""); err != nil || n < 2 {
		t.Errorf("Count platform (with the OU itself) = %d, %v", n, err)
	}
}

func TestEntryWithAllAttributes(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	e, err := c.Entry(context.Background(), slapdtest.BigGroupDN)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Get("member")); n != slapdtest.BigGroupSize {
		t.Errorf("big group: %d member values, want %d", n, slapdtest.BigGroupSize)
	}
	for _, op := range []string{"entryUUID", "createTimestamp", "hasSubordinates", "structuralObjectClass"} {
		if !e.Has(op) {
			t.Errorf("operational attribute %s missing", op)
		}
	}
	if e.Attr("member").Binary {
		t.Error("member marked binary")
	}
	_, err = c.Entry(context.Background(), "cn=ghost,"+slapdtest.GroupsDN)
	if err == nil || !strings.Contains(err.Error(), "does not exist (the closest existing entry is "+slapdtest.GroupsDN) {
		t.Errorf("missing entry: %v", err)
	}
}

// TestBinaryValuesRenderedReadably stores a JPEG photo and reads it back.
func TestBinaryValuesRenderedReadably(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	photo := string([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0xc3, 0x28, 0xff, 0xd9})
	dn := BuildDN("uid", "photo", slapdtest.PeopleDN)
	if err := c.Add(ctx, dn, map[string][]string{
		"objectClass": {"inetOrgPerson"}, "uid": {"photo"}, "cn": {"Photo"}, "sn": {"Graph"}, "jpegPhoto": {photo},
	}); err != nil {
		t.Fatal(err)
	}
	e, err := c.Entry(ctx, dn)
	if err != nil {
		t.Fatal(err)
	}
	a := e.Attr("jpegphoto")
	if a == nil || !a.Binary || a.Values[0] != "<binary, JPEG image, 16 bytes: ffd8ffe000104a46…>" {
		t.Fatalf("jpegPhoto rendered as %+v", a)
	}
	if string(e.Raw("jpegPhoto")[0]) != photo {
		t.Error("raw bytes differ")
	}
}

// TestReferralsReportedNotChased loads referral objects and checks browsing
// and searching report them without following or failing.
func TestReferralsReportedNotChased(t *testing.T) {
	extra := "dn: ou=far," + slapdtest.BaseDN + "\nobjectClass: referral\nobjectClass: extensibleObject\nou: far\n" +
		"ref: ldap://far.example.net/ou=far,dc=example,dc=com\n\n"
	s := slapdtest.StartWith(t, slapdtest.Options{ExtraLDIF: extra})
	c := dataConn(t, s)
	ctx := context.Background()
	page, err := c.Children(ctx, s.BaseDN, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var far *Node
	for i := range page.Nodes {
		if page.Nodes[i].RDN == "ou=far" {
			far = &page.Nodes[i]
		}
	}
	if far == nil || !far.Referral || len(far.ReferralURLs) != 1 || !strings.HasPrefix(far.ReferralURLs[0], "ldap://far.example.net/") {
		t.Fatalf("referral node: %+v (page %v)", far, rdns(page.Nodes))
	}
	// A subtree search reports the reference and still returns the rest.
	var refs []string
	n := 0
	err = c.Search(ctx, SearchRequest{Base: s.BaseDN, Filter: "(objectClass=organizationalUnit)", OnReferral: func(u string) { refs = append(refs, u) }},
		func(*Entry) error { n++; return nil })
	if err != nil || len(refs) != 1 || !strings.Contains(refs[0], "far.example.net") || n < 5 {
		t.Errorf("search over a referral: err %v, refs %v, %d entries", err, refs, n)
	}
	// Below the referral the server answers with a referral result.
	_, err = c.Entry(ctx, "cn=x,ou=far,"+s.BaseDN)
	var re *ReferralError
	if !errors.As(err, &re) || len(re.URLs) == 0 || !strings.Contains(err.Error(), "does not follow referrals") {
		t.Errorf("entry below a referral: %v", err)
	}
	// The referral object itself is readable (ManageDsaIT).
	e, err := c.Entry(ctx, "ou=far,"+s.BaseDN)
	if err != nil || e.First("ref") == "" {
		t.Errorf("read the referral object: %v %v", e, err)
	}
}

// TestChildrenCookieInvalidatedByAnotherSearch documents OpenLDAP's one paged
// search per connection: the error says to start the listing again.
func TestChildrenCookieInvalidatedByAnotherSearch(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	first, err := c.Children(ctx, slapdtest.PeopleDN, 10, nil)
	if err != nil || first.Cookie == nil {
		t.Fatalf("first page: %v", err)
	}
	if _, err := c.Count(ctx, s.BaseDN, ""); err != nil {
		t.Fatal(err)
	}
	_, err = c.Children(ctx, slapdtest.PeopleDN, 10, first.Cookie)
	if !errors.Is(err, ErrPageExpired) {
		t.Fatalf("want ErrPageExpired, got %v", err)
	}
	if again, err := c.Children(ctx, slapdtest.PeopleDN, 10, nil); err != nil || len(again.Nodes) != 10 {
		t.Errorf("listing again: %v", err)
	}
}
