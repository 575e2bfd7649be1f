package slapdtest

import (
	"fmt"
	"sort"
	"strings"
)

// Fixture facts tests can rely on.
const (
	BaseDN         = "dc=example,dc=com"
	AdminDN        = "cn=admin,dc=example,dc=com" // the rootdn: no limits, no ACLs
	AdminPassword  = "admin-secret"
	ReaderDN       = "cn=reader,ou=service,dc=example,dc=com" // read-only service account, subject to size limits
	ReaderPassword = "reader-secret"
	UserPassword   = "Passw0rd!" // every fixture user's password
	PeopleDN       = "ou=people,dc=example,dc=com"
	GroupsDN       = "ou=groups,dc=example,dc=com"
	BigGroupDN     = "cn=archive-all,ou=groups,dc=example,dc=com" // 2,000 member values
	BigGroupSize   = 2000
	// SizeLimit is the server's limit for unpaged searches by non-root users.
	SizeLimit = 200
)

// FixtureUser is one user entry of the fixture.
type FixtureUser struct {
	DN        string
	UID       string
	CN        string
	GivenName string
	SN        string
	Mail      string // empty: the entry has no mail
	Groups    []string
}

// Fixture is the realistic directory the harness loads: OUs three deep, the
// same RDN in two OUs, an escaped comma, non-ASCII names, users without mail,
// nested groups and a group with 2,000 member values (most of them dangling
// references to former employees, as real directories have).
type Fixture struct {
	Users  []FixtureUser
	Groups map[string][]string // group DN -> member DNs
	OUs    []string
}

// Well-known fixture entries.
const (
	User1OU1DN         = "cn=user1,ou=ou1,ou=people,dc=example,dc=com"
	User1OU2DN         = "cn=user1,ou=ou2,ou=people,dc=example,dc=com"
	JohnDoeDN          = `cn=Doe\, John,ou=sales,ou=people,dc=example,dc=com`
	PlatformOU         = "ou=platform,ou=engineering,ou=people,dc=example,dc=com"
	EngineeringGroupDN = "cn=engineering,ou=groups,dc=example,dc=com"
	PlatformGroupDN    = "cn=platform,ou=groups,dc=example,dc=com"
	StaffGroupDN       = "cn=staff,ou=groups,dc=example,dc=com"
	ProjectXGroupDN    = "cn=project-x,ou=projects,ou=groups,dc=example,dc=com"
)

var firstNames = []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yusuf"}
var lastNames = []string{"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hall", "Green", "Baker", "Hughes", "Clarke"}

// NewFixture builds the standard fixture: 300 users.
func NewFixture() *Fixture {
	f := &Fixture{Groups: map[string][]string{}}
	f.OUs = []string{
		"ou=people," + BaseDN,
		"ou=engineering,ou=people," + BaseDN,
		PlatformOU,
		"ou=sales,ou=people," + BaseDN,
		"ou=ou1,ou=people," + BaseDN,
		"ou=ou2,ou=people," + BaseDN,
		"ou=groups," + BaseDN,
		"ou=projects,ou=groups," + BaseDN,
		"ou=service," + BaseDN,
		"ou=empty," + BaseDN,
	}
	add := func(u FixtureUser) { f.Users = append(f.Users, u) }
	// The special cases.
	add(FixtureUser{DN: User1OU1DN, UID: "user1", CN: "user1", GivenName: "User", SN: "One", Mail: "user1@example.com"})
	add(FixtureUser{DN: User1OU2DN, UID: "user1.ou2", CN: "user1", GivenName: "User", SN: "One-Two", Mail: "user1.ou2@example.com"})
	add(FixtureUser{DN: JohnDoeDN, UID: "jdoe", CN: "Doe, John", GivenName: "John", SN: "Doe", Mail: "john.doe@example.com"})
	add(FixtureUser{DN: "uid=zsimkova,ou=engineering,ou=people," + BaseDN, UID: "zsimkova", CN: "Zoë Šimková", GivenName: "Zoë", SN: "Šimková", Mail: "zoe.simkova@example.com"})
	add(FixtureUser{DN: "uid=lzolw,ou=platform,ou=engineering,ou=people," + BaseDN, UID: "lzolw", CN: "Łukasz Żółw", GivenName: "Łukasz", SN: "Żółw"})
	add(FixtureUser{DN: "uid=tyamada,ou=sales,ou=people," + BaseDN, UID: "tyamada", CN: "山田太郎", GivenName: "太郎", SN: "山田", Mail: "yamada@example.com"})
	ous := []string{"ou=people," + BaseDN, "ou=engineering,ou=people," + BaseDN, PlatformOU, "ou=sales,ou=people," + BaseDN}
	for i := 0; len(f.Users) < 300; i++ {
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		uid := fmt.Sprintf("%s.%s%d", strings.ToLower(first), strings.ToLower(last), i)
		u := FixtureUser{DN: "uid=" + uid + "," + ous[i%len(ous)], UID: uid, CN: first + " " + last, GivenName: first, SN: last}
		if i%7 != 3 {
			u.Mail = uid + "@example.com"
		}
		add(u)
	}
	// Groups.
	var eng, plat, sales, all []string
	for _, u := range f.Users {
		all = append(all, u.DN)
		switch {
		case strings.HasSuffix(u.DN, ","+PlatformOU):
			plat = append(plat, u.DN)
		case strings.HasSuffix(u.DN, ",ou=engineering,ou=people,"+BaseDN):
			eng = append(eng, u.DN)
		case strings.HasSuffix(u.DN, ",ou=sales,ou=people,"+BaseDN):
			sales = append(sales, u.DN)
		}
	}
	f.Groups[PlatformGroupDN] = plat
	f.Groups[EngineeringGroupDN] = append(append([]string{}, eng...), PlatformGroupDN) // nested
	f.Groups["cn=sales,ou=groups,"+BaseDN] = sales
	f.Groups[StaffGroupDN] = []string{EngineeringGroupDN, "cn=sales,ou=groups," + BaseDN, f.Users[6].DN} // nested two deep
	f.Groups["cn=admins,ou=groups,"+BaseDN] = []string{f.Users[3].DN, f.Users[4].DN, f.Users[5].DN}
	f.Groups[ProjectXGroupDN] = []string{User1OU1DN, User1OU2DN, JohnDoeDN}
	big := append([]string{}, all...)
	for i := 0; len(big) < BigGroupSize; i++ {
		big = append(big, fmt.Sprintf("uid=former%04d,ou=former,ou=people,%s", i, BaseDN))
	}
	f.Groups[BigGroupDN] = big
	// memberOf, as the overlay would keep it (direct membership only).
	memberOf := map[string][]string{}
	for g, members := range f.Groups {
		for _, m := range members {
			memberOf[m] = append(memberOf[m], g)
		}
	}
	for i := range f.Users {
		gs := memberOf[f.Users[i].DN]
		sort.Strings(gs)
		f.Users[i].Groups = gs
	}
	return f
}

// LDIF renders the fixture for slapadd, with memberOf written out since
// slapadd runs no overlays.
func (f *Fixture) LDIF() string {
	var b strings.Builder
	entry := func(dn string, attrs ...string) {
		b.WriteString(ldifLine("dn", dn))
		for i := 0; i+1 < len(attrs); i += 2 {
			if attrs[i+1] == "" {
				continue
			}
			b.WriteString(ldifLine(attrs[i], attrs[i+1]))
		}
		b.WriteString("\n")
	}
	entry(BaseDN, "objectClass", "top", "objectClass", "dcObject", "objectClass", "organization", "dc", "example", "o", "Example Corp")
	for _, ou := range f.OUs {
		name := strings.TrimPrefix(strings.SplitN(ou, ",", 2)[0], "ou=")
		entry(ou, "objectClass", "organizationalUnit", "ou", name)
	}
	entry(ReaderDN, "objectClass", "organizationalRole", "objectClass", "simpleSecurityObject", "cn", "reader", "userPassword", ReaderPassword, "description", "read-only service account for ldapwiz")
	memberOfGroups := map[string][]string{}
	for g, members := range f.Groups {
		for _, m := range members {
			if _, isGroup := f.Groups[m]; isGroup {
				memberOfGroups[m] = append(memberOfGroups[m], g)
			}
		}
	}
	for _, u := range f.Users {
		attrs := []string{"objectClass", "inetOrgPerson", "uid", u.UID, "cn", u.CN, "givenName", u.GivenName, "sn", u.SN, "mail", u.Mail, "userPassword", UserPassword}
		for _, g := range u.Groups {
			attrs = append(attrs, "memberOf", g)
		}
		entry(u.DN, attrs...)
	}
	groups := make([]string, 0, len(f.Groups))
	for g := range f.Groups {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		cn := strings.TrimPrefix(strings.SplitN(g, ",", 2)[0], "cn=")
		attrs := []string{"objectClass", "groupOfNames", "cn", cn, "description", "fixture group " + cn}
		for _, m := range f.Groups[g] {
			attrs = append(attrs, "member", m)
		}
		parents := memberOfGroups[g]
		sort.Strings(parents)
		for _, p := range parents {
			attrs = append(attrs, "memberOf", p)
		}
		entry(g, attrs...)
	}
	return b.String()
}

// BulkLDIF renders n extra inetOrgPerson entries under ou=bulk, for
// benchmarks and large-result tests.
func BulkLDIF(n int) string {
	var b strings.Builder
	b.WriteString(ldifLine("dn", "ou=bulk,"+BaseDN))
	b.WriteString("objectClass: organizationalUnit\nou: bulk\n\n")
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("bulk%06d", i)
		fmt.Fprintf(&b, "dn: uid=%s,ou=bulk,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: Bulk User %d\ngivenName: Bulk\nsn: User%d\nmail: %s@bulk.example.com\ntelephoneNumber: +1 555 %07d\n\n",
			uid, BaseDN, uid, i, i, uid, i)
	}
	return b.String()
}

// ldifLine renders "attr: value", base64-encoding values LDIF cannot carry
// as plain text (non-ASCII, leading space, colon or '<').
func ldifLine(attr, value string) string {
	safe := true
	for i, r := range value {
		if r > 126 || r < 32 || (i == 0 && (r == ' ' || r == ':' || r == '<')) {
			safe = false
			break
		}
	}
	if strings.HasSuffix(value, " ") {
		safe = false
	}
	if safe {
		return attr + ": " + value + "\n"
	}
	return attr + ":: " + base64Std(value) + "\n"
}
