package ds389test

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

// Fixture facts tests can rely on. The base DN and the OU layout are those
// of internal/slapdtest, so that tables written against slapd's DNs run
// here unchanged.
const (
	BaseDN = "dc=example,dc=com"
	// AdminDN is the Directory Manager: no limits, no access control.
	AdminDN = "cn=Directory Manager"
	// AdminPassword is the Directory Manager's password (a test-only secret;
	// 389 DS wants at least 8 characters).
	AdminPassword = "admin-secret-389"
	// ReaderDN is a read-only service account, subject to SizeLimit.
	ReaderDN = "cn=reader,ou=service,dc=example,dc=com"
	// ReaderPassword is ReaderDN's password.
	ReaderPassword = "reader-secret"
	// UserPassword is every fixture user's password.
	UserPassword = "Passw0rd!"
	// PeopleDN holds the users, in OUs up to three deep.
	PeopleDN = "ou=people,dc=example,dc=com"
	// GroupsDN holds the groups.
	GroupsDN = "ou=groups,dc=example,dc=com"
	// BigGroupDN has BigGroupSize member values, most of them dangling.
	BigGroupDN = "cn=archive-all,ou=groups,dc=example,dc=com"
	// BigGroupSize is the number of member values of BigGroupDN.
	BigGroupSize = 2000
	// SizeLimit is the server's limit for unpaged searches by anyone but
	// the Directory Manager (nsslapd-sizelimit); paged searches have none
	// (nsslapd-pagedsizelimit -1).
	SizeLimit = 200
	// FixtureUsers is the number of users of the standard fixture.
	FixtureUsers = 300
)

// Well-known fixture entries.
const (
	// User1OU1DN and User1OU2DN share the RDN cn=user1 (uids differ).
	User1OU1DN = "cn=user1,ou=ou1,ou=people,dc=example,dc=com"
	User1OU2DN = "cn=user1,ou=ou2,ou=people,dc=example,dc=com"
	// DuplicateUID is the uid of two users in different OUs,
	// DupUIDOU1DN and DupUIDOU2DN.
	DuplicateUID = "tdupont"
	DupUIDOU1DN  = "uid=tdupont,ou=ou1,ou=people,dc=example,dc=com"
	DupUIDOU2DN  = "uid=tdupont,ou=ou2,ou=people,dc=example,dc=com"
	// JohnDoeDN has an escaped comma in its RDN.
	JohnDoeDN = `cn=Doe\, John,ou=sales,ou=people,dc=example,dc=com`
	// LockedUserDN is locked with nsAccountLock: true (a bind gets 53).
	LockedUserDN = "uid=locked.user,ou=sales,ou=people,dc=example,dc=com"
	// PlatformOU is three levels below the base.
	PlatformOU         = "ou=platform,ou=engineering,ou=people,dc=example,dc=com"
	EngineeringGroupDN = "cn=engineering,ou=groups,dc=example,dc=com"
	PlatformGroupDN    = "cn=platform,ou=groups,dc=example,dc=com"
	StaffGroupDN       = "cn=staff,ou=groups,dc=example,dc=com"
	ProjectXGroupDN    = "cn=project-x,ou=projects,ou=groups,dc=example,dc=com"
)

// FixtureUser is one user entry of the fixture.
type FixtureUser struct {
	DN        string
	UID       string
	CN        string
	GivenName string
	SN        string
	Mail      string   // empty: the entry has no mail
	Locked    bool     // nsAccountLock: true
	Groups    []string // groups the user is a direct member of, sorted
}

// Fixture is the realistic directory the harness loads: OUs three deep,
// the same RDN in two OUs, the same uid in two OUs, an escaped comma,
// non-ASCII names, users without mail, locked accounts, nested groups and
// a group with 2,000 member values (most of them dangling references to
// former employees, as real directories have).
type Fixture struct {
	Users  []FixtureUser
	Groups map[string][]string // group DN -> member DNs
	OUs    []string
}

var firstNames = []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yusuf"}
var lastNames = []string{"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hall", "Green", "Baker", "Hughes", "Clarke"}

// NewFixture builds the standard fixture: FixtureUsers users, of which
// every 25th generated one and LockedUserDN are locked.
func NewFixture() *Fixture {
	f := &Fixture{Groups: map[string][]string{}}
	f.OUs = []string{
		PeopleDN,
		"ou=engineering," + PeopleDN,
		PlatformOU,
		"ou=sales," + PeopleDN,
		"ou=ou1," + PeopleDN,
		"ou=ou2," + PeopleDN,
		GroupsDN,
		"ou=projects," + GroupsDN,
		"ou=service," + BaseDN,
		"ou=empty," + BaseDN,
	}
	add := func(u FixtureUser) { f.Users = append(f.Users, u) }
	add(FixtureUser{DN: User1OU1DN, UID: "user1", CN: "user1", GivenName: "User", SN: "One", Mail: "user1@example.com"})
	add(FixtureUser{DN: User1OU2DN, UID: "user1.ou2", CN: "user1", GivenName: "User", SN: "One-Two", Mail: "user1.ou2@example.com"})
	add(FixtureUser{DN: JohnDoeDN, UID: "jdoe", CN: "Doe, John", GivenName: "John", SN: "Doe", Mail: "john.doe@example.com"})
	add(FixtureUser{DN: "uid=zsimkova,ou=engineering," + PeopleDN, UID: "zsimkova", CN: "Zoë Šimková", GivenName: "Zoë", SN: "Šimková", Mail: "zoe.simkova@example.com"})
	add(FixtureUser{DN: "uid=lzolw," + PlatformOU, UID: "lzolw", CN: "Łukasz Żółw", GivenName: "Łukasz", SN: "Żółw"})
	add(FixtureUser{DN: "uid=tyamada,ou=sales," + PeopleDN, UID: "tyamada", CN: "山田太郎", GivenName: "太郎", SN: "山田", Mail: "yamada@example.com"})
	add(FixtureUser{DN: DupUIDOU1DN, UID: DuplicateUID, CN: "Thomas Dupont", GivenName: "Thomas", SN: "Dupont", Mail: "thomas.dupont@example.com"})
	add(FixtureUser{DN: DupUIDOU2DN, UID: DuplicateUID, CN: "Théo Dupont", GivenName: "Théo", SN: "Dupont", Mail: "theo.dupont@example.com"})
	add(FixtureUser{DN: LockedUserDN, UID: "locked.user", CN: "Locked User", GivenName: "Locked", SN: "User", Mail: "locked.user@example.com", Locked: true})
	ous := []string{PeopleDN, "ou=engineering," + PeopleDN, PlatformOU, "ou=sales," + PeopleDN}
	for i := 0; len(f.Users) < FixtureUsers; i++ {
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		uid := fmt.Sprintf("%s.%s%d", strings.ToLower(first), strings.ToLower(last), i)
		u := FixtureUser{DN: "uid=" + uid + "," + ous[i%len(ous)], UID: uid, CN: first + " " + last, GivenName: first, SN: last, Locked: i%25 == 24}
		if i%7 != 3 {
			u.Mail = uid + "@example.com"
		}
		add(u)
	}
	var eng, plat, sales, all []string
	for _, u := range f.Users {
		all = append(all, u.DN)
		switch {
		case strings.HasSuffix(u.DN, ","+PlatformOU):
			plat = append(plat, u.DN)
		case strings.HasSuffix(u.DN, ",ou=engineering,"+PeopleDN):
			eng = append(eng, u.DN)
		case strings.HasSuffix(u.DN, ",ou=sales,"+PeopleDN):
			sales = append(sales, u.DN)
		}
	}
	f.Groups[PlatformGroupDN] = plat
	f.Groups[EngineeringGroupDN] = append(append([]string{}, eng...), PlatformGroupDN) // nested
	f.Groups["cn=sales,"+GroupsDN] = sales
	f.Groups[StaffGroupDN] = []string{EngineeringGroupDN, "cn=sales," + GroupsDN, f.Users[6].DN} // nested two deep
	f.Groups["cn=admins,"+GroupsDN] = []string{f.Users[3].DN, f.Users[4].DN, f.Users[5].DN}
	f.Groups[ProjectXGroupDN] = []string{User1OU1DN, User1OU2DN, JohnDoeDN}
	big := append([]string{}, all...)
	for i := 0; len(big) < BigGroupSize; i++ {
		big = append(big, fmt.Sprintf("uid=former%04d,ou=former,%s", i, PeopleDN))
	}
	f.Groups[BigGroupDN] = big
	direct := map[string][]string{}
	for g, members := range f.Groups {
		for _, m := range members {
			direct[m] = append(direct[m], g)
		}
	}
	for i := range f.Users {
		gs := direct[f.Users[i].DN]
		sort.Strings(gs)
		f.Users[i].Groups = gs
	}
	return f
}

// MemberOf returns the groups dn is a member of directly or through nested
// groups, sorted: what the MemberOf plug-in writes into memberOf (unlike
// slapd's overlay, which lists direct groups only).
func (f *Fixture) MemberOf(dn string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(m string) {
		for g, members := range f.Groups {
			if seen[g] {
				continue
			}
			for _, x := range members {
				if strings.EqualFold(x, m) {
					seen[g] = true
					walk(g)
					break
				}
			}
		}
	}
	walk(dn)
	out := make([]string, 0, len(seen))
	for g := range seen {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// Locked returns the locked users.
func (f *Fixture) Locked() []FixtureUser {
	var out []FixtureUser
	for _, u := range f.Users {
		if u.Locked {
			out = append(out, u)
		}
	}
	return out
}

// WithoutMail returns how many users have no mail.
func (f *Fixture) WithoutMail() int {
	n := 0
	for _, u := range f.Users {
		if u.Mail == "" {
			n++
		}
	}
	return n
}

// LDIF renders the fixture for an offline import, after BaseLDIF. memberOf
// is not written: the harness runs the MemberOf plug-in's fix-up task.
func (f *Fixture) LDIF() string {
	var b strings.Builder
	for _, ou := range f.OUs[1:] { // PeopleDN comes with BaseLDIF
		if strings.EqualFold(ou, GroupsDN) {
			continue
		}
		name := strings.TrimPrefix(strings.SplitN(ou, ",", 2)[0], "ou=")
		writeEntry(&b, ou, "objectClass", "top", "objectClass", "organizationalUnit", "ou", name)
	}
	writeEntry(&b, ReaderDN, "objectClass", "top", "objectClass", "organizationalRole", "objectClass", "simpleSecurityObject",
		"cn", "reader", "userPassword", ReaderPassword, "description", "read-only service account for ldapwiz")
	for _, u := range f.Users {
		attrs := []string{"objectClass", "top", "objectClass", "person", "objectClass", "organizationalPerson", "objectClass", "inetOrgPerson",
			"uid", u.UID, "cn", u.CN, "givenName", u.GivenName, "sn", u.SN, "mail", u.Mail, "userPassword", UserPassword}
		if u.Locked {
			attrs = append(attrs, "nsAccountLock", "true")
		}
		writeEntry(&b, u.DN, attrs...)
	}
	groups := make([]string, 0, len(f.Groups))
	for g := range f.Groups {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		cn := strings.TrimPrefix(strings.SplitN(g, ",", 2)[0], "cn=")
		attrs := []string{"objectClass", "top", "objectClass", "groupOfNames", "cn", cn, "description", "fixture group " + cn}
		for _, m := range f.Groups[g] {
			attrs = append(attrs, "member", m)
		}
		writeEntry(&b, g, attrs...)
	}
	return b.String()
}

// BaseLDIF is what every data set starts with: the suffix entry with the
// access rules (authenticated users read everything but passwords, users
// change their own password, anonymous users read nothing), ou=people and
// ou=groups.
func BaseLDIF() string {
	var b strings.Builder
	writeEntry(&b, BaseDN, "objectClass", "top", "objectClass", "domain", "dc", "example",
		"aci", `(targetattr != "userPassword || aci")(version 3.0; acl "authenticated users read"; allow (read, search, compare) userdn = "ldap:///all";)`,
		"aci", `(targetattr = "userPassword")(version 3.0; acl "users change their password"; allow (write) userdn = "ldap:///self";)`)
	writeEntry(&b, PeopleDN, "objectClass", "top", "objectClass", "organizationalUnit", "ou", "people")
	writeEntry(&b, GroupsDN, "objectClass", "top", "objectClass", "organizationalUnit", "ou", "groups")
	return b.String()
}

// writeEntry renders one entry; empty values are left out.
func writeEntry(b *strings.Builder, dn string, attrs ...string) {
	b.WriteString(ldifLine("dn", dn))
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			b.WriteString(ldifLine(attrs[i], attrs[i+1]))
		}
	}
	b.WriteString("\n")
}

// ldifLine renders "attr: value", base64-encoding values LDIF cannot carry
// as plain text (non-ASCII, leading space, colon or '<', trailing space).
func ldifLine(attr, value string) string {
	safe := !strings.HasSuffix(value, " ")
	for i, r := range value {
		if r > 126 || r < 32 || (i == 0 && (r == ' ' || r == ':' || r == '<')) {
			safe = false
			break
		}
	}
	if safe {
		return attr + ": " + value + "\n"
	}
	return attr + ":: " + base64.StdEncoding.EncodeToString([]byte(value)) + "\n"
}
