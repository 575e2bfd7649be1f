// Command gen writes the demo directory's data, assets/demo/openldap.ldif
// and assets/demo/ad.ldif, from one deterministic description of a small
// company. Run it with "go generate ./demodir" after changing it; its output
// is committed, so building ldapwiz never runs it.
package main

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"
)

// The demo passwords, kept equal to demodir's exported constants (a test in
// demodir binds with them).
const (
	adminPassword = "demo-admin"
	userPassword  = "demo-user"
)

func main() {
	out := flag.String("out", "assets/demo", "directory to write openldap.ldif and ad.ldif to")
	flag.Parse()
	c := newCompany()
	for name, text := range map[string]string{"openldap.ldif": c.openLDAP(), "ad.ldif": c.activeDirectory()} {
		if err := os.WriteFile(filepath.Join(*out, name), []byte(text), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

// unit is an organizational unit path below the people OU, outermost first.
type unit struct {
	path    []string // e.g. {"engineering", "platform"}
	size    int
	rdnByCN bool // users named cn=Full Name (else uid=...)
	dept    string
}

// person is one demo user.
type person struct {
	unit               *unit
	given, sn, cn, uid string
	rdnCN              bool
	mail               []string
	phone, title       string
	disabled           bool
	created            time.Time
	n                  int // index, for RIDs and GUIDs
}

type group struct {
	cn, ou, desc string // ou: "" or "teams"
	members      []string
	groupMembers []string // cn of nested groups
	adMembersRaw []string // dangling members, AD form
	ldapRaw      []string // dangling members, OpenLDAP form
}

type company struct {
	units  []*unit
	people []*person
	groups []*group
}

var units = []*unit{
	{path: []string{"engineering", "platform"}, size: 80, dept: "Platform"},
	{path: []string{"engineering", "frontend"}, size: 70, dept: "Frontend"},
	{path: []string{"engineering", "frontend", "contractors"}, size: 18, dept: "Frontend (contractors)"},
	{path: []string{"engineering", "data"}, size: 50, dept: "Data"},
	{path: []string{"sales", "emea"}, size: 60, rdnByCN: true, dept: "Sales EMEA"},
	{path: []string{"sales", "americas"}, size: 60, rdnByCN: true, dept: "Sales Americas"},
	{path: []string{"support"}, size: 75, dept: "Support"},
	{path: []string{"finance"}, size: 45, rdnByCN: true, dept: "Finance"},
	{path: []string{"hr"}, size: 30, rdnByCN: true, dept: "Human Resources"},
	{path: nil, size: 20, dept: "Office"},
}

var givenNames = []string{"Anna", "Ben", "Carla", "David", "Eva", "Felix", "Greta", "Hugo", "Ines", "Jonas",
	"Klara", "Lena", "Marco", "Nina", "Oskar", "Paula", "Quentin", "Rosa", "Simon", "Tara", "Ulla", "Victor",
	"Wanda", "Xavier", "Yara", "Zeno", "Amir", "Bea", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan",
	"Julia", "Kofi", "Lars", "Mia", "Noah", "Olga", "Pedro", "Rita", "Sven", "Tomás", "Uma", "Wei", "Yusuf"}

var surnames = []string{"Adams", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova",
	"Jensen", "Kowalski", "Larsen", "Meyer", "Novak", "Olsen", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
	"Urban", "Vogel", "Weber", "Xu", "Young", "Zimmermann", "Brown", "Clark", "Evans", "Foster", "Green", "Hughes",
	"King", "Lopez", "Moore", "Nguyen", "Owens", "Patel", "Reed", "Singh", "Turner", "Walker", "Wright"}

// specials are the untidy people every real directory has.
var specials = []struct {
	unit               int
	given, sn, cn, uid string
	rdnCN, noMail      bool
	mail               []string
}{
	{unit: 0, given: "User", sn: "One", cn: "user1", uid: "user1", rdnCN: true, mail: []string{"user1@example.com"}},
	{unit: 4, given: "User", sn: "One", cn: "user1", uid: "user1.emea", rdnCN: true, noMail: true},
	{unit: 5, given: "John", sn: "Doe", cn: "Doe, John", uid: "jdoe", rdnCN: true, mail: []string{"John.Doe@Example.com"}},
	{unit: 6, given: "John", sn: "Doe", cn: "John Doe", uid: "jdoe", noMail: true},
	{unit: 4, given: "Zoë", sn: "Ünal-Brontë", cn: "Zoë Ünal-Brontë", uid: "zunal", rdnCN: true, mail: []string{"zoe.unal@example.com"}},
	{unit: 0, given: "Łukasz", sn: "Wiśniewski", cn: "Łukasz Wiśniewski", uid: "lwisniewski", mail: []string{"lukasz.wisniewski@example.com", "l.wisniewski@example.com"}},
	{unit: 3, given: "太郎", sn: "山田", cn: "山田 太郎", uid: "tyamada", rdnCN: true, mail: []string{"taro.yamada@example.com"}},
	{unit: 7, given: "José", sn: "Núñez", cn: "José Núñez", uid: "jnunez", rdnCN: true, noMail: true},
	{unit: 1, given: "Søren", sn: "Ølund", cn: "Søren Ølund", uid: "soelund", mail: []string{"soren.olund@example.com"}},
	{unit: 9, given: "François", sn: "Lefèvre", cn: "François Lefèvre", uid: "flefevre", rdnCN: true, mail: []string{"francois.lefevre@example.com"}},
	{unit: 9, given: "", sn: "Backup", cn: "Backup Operator", uid: "backup", noMail: true},
	{unit: 6, given: "Ola", sn: "Nordmann", cn: "Ola Nordmann", uid: "Ola Nordmann", rdnCN: true, noMail: true},
}

func newCompany() *company {
	rng := rand.New(rand.NewPCG(2024, 4))
	c := &company{units: units}
	base := time.Date(2019, 3, 4, 9, 15, 0, 0, time.UTC)
	seen := map[string]bool{}
	seenCN := map[string]bool{}
	n := 0
	add := func(p *person) {
		n++
		p.n = n
		p.created = base.Add(time.Duration(n*37) * time.Hour)
		c.people = append(c.people, p)
	}
	for _, s := range specials {
		u := units[s.unit]
		p := &person{unit: u, given: s.given, sn: s.sn, cn: s.cn, uid: s.uid, rdnCN: s.rdnCN, mail: s.mail,
			title: "Specialist", phone: "+1 555 0100"}
		seen[s.uid] = true
		add(p)
	}
	titles := []string{"Engineer", "Senior Engineer", "Manager", "Analyst", "Consultant", "Director", "Associate"}
	phoneStyles := []string{"+1 555 %04d", "(555) 01%d", "+44 20 7946 %04d", "+49 30 %07d", ""}
	for _, u := range units {
		for i := 0; i < u.size; i++ {
			g := givenNames[rng.IntN(len(givenNames))]
			s := surnames[rng.IntN(len(surnames))]
			for seenCN[strings.Join(u.path, "/")+"/"+g+" "+s] { // AD needs unique CNs in an OU
				g = givenNames[rng.IntN(len(givenNames))]
			}
			seenCN[strings.Join(u.path, "/")+"/"+g+" "+s] = true
			uid := strings.ToLower(asciiFold(g[:1]) + asciiFold(s))
			for k := 2; seen[uid]; k++ {
				uid = strings.ToLower(asciiFold(g[:1])+asciiFold(s)) + fmt.Sprint(k)
			}
			seen[uid] = true
			p := &person{unit: u, given: g, sn: s, cn: g + " " + s, uid: uid, rdnCN: u.rdnByCN,
				title: titles[rng.IntN(len(titles))]}
			if st := phoneStyles[rng.IntN(len(phoneStyles))]; st != "" {
				p.phone = fmt.Sprintf(st, rng.IntN(10000))
			}
			switch {
			case rng.IntN(7) == 0: // no mail
			case rng.IntN(12) == 0:
				p.mail = []string{strings.ToUpper(uid[:1]) + uid[1:] + "@Example.COM"}
			default:
				p.mail = []string{uid + "@example.com"}
			}
			p.disabled = rng.IntN(40) == 0
			add(p)
		}
	}
	// A few more disabled accounts, deterministically.
	for _, i := range []int{20, 77, 150, 230, 401} {
		c.people[i].disabled = true
	}
	c.groups = c.makeGroups(rng)
	return c
}

func (c *company) makeGroups(rng *rand.Rand) []*group {
	byUnit := func(paths ...string) []string {
		var out []string
		for _, p := range c.people {
			for _, want := range paths {
				if strings.Join(p.unit.path, "/") == want {
					out = append(out, p.uid)
				}
			}
		}
		return out
	}
	everyone := &group{cn: "everyone", desc: "All staff, current and former (old entries are never cleaned up)"}
	inEveryone := map[string]bool{}
	for _, p := range c.people {
		if !inEveryone[p.uid] { // the second "jdoe" is missed, as happens
			inEveryone[p.uid] = true
			everyone.members = append(everyone.members, p.uid)
		}
	}
	for i := 1; len(everyone.members)+len(everyone.ldapRaw) < 2000; i++ {
		everyone.ldapRaw = append(everyone.ldapRaw, fmt.Sprintf("uid=former%04d,ou=people,dc=example,dc=com", i))
		everyone.adMembersRaw = append(everyone.adMembersRaw, fmt.Sprintf("CN=Former Employee %04d,OU=People,DC=example,DC=test", i))
	}
	vpn := &group{cn: "vpn-users", desc: "May use the VPN", groupMembers: []string{"admins"}}
	for _, p := range c.people {
		if rng.IntN(5) == 0 {
			vpn.members = append(vpn.members, p.uid)
		}
	}
	return []*group{
		everyone,
		{cn: "platform", ou: "teams", members: byUnit("engineering/platform"), desc: "Platform team"},
		{cn: "frontend", ou: "teams", members: byUnit("engineering/frontend", "engineering/frontend/contractors"), desc: "Frontend team"},
		{cn: "data", ou: "teams", members: byUnit("engineering/data"), desc: "Data team"},
		{cn: "engineering", groupMembers: []string{"platform", "frontend", "data"}, members: []string{"soelund"}, desc: "All of engineering (nested teams)"},
		{cn: "sales", members: byUnit("sales/emea", "sales/americas"), desc: "Sales"},
		{cn: "support", members: byUnit("support"), desc: "Customer support"},
		{cn: "finance", members: byUnit("finance"), desc: "Finance"},
		{cn: "admins", members: []string{"user1", "lwisniewski", "tyamada"}, desc: "Directory administrators"},
		vpn,
		{cn: "Équipe Paris", members: []string{"flefevre", "zunal", "jnunez"}, desc: "Bureau de Paris"},
		{cn: "legacy-app", desc: "Its last member left long ago",
			ldapRaw: []string{"uid=former9999,ou=people,dc=example,dc=com"}, adMembersRaw: []string{"CN=Former Employee 9999,OU=People,DC=example,DC=test"}},
	}
}

// asciiFold maps the non-ASCII letters of the name lists to ASCII for uids.
func asciiFold(s string) string {
	r := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "ü", "u", "ö", "o", "ä", "a", "ø", "o", "å", "a")
	return r.Replace(s)
}

// ldif accumulates LDIF text.
type ldif struct{ b strings.Builder }

func (l *ldif) entry(dn string, attrs ...string) {
	l.line("dn", dn)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" && attrs[i] != "" {
			continue
		}
		l.line(attrs[i], attrs[i+1])
	}
	l.b.WriteString("\n")
}

// line writes one attribute line, base64 when the value is not a SAFE-STRING.
func (l *ldif) line(name, v string) {
	safe := v == "" || (v[0] != ' ' && v[0] != ':' && v[0] != '<' && v[len(v)-1] != ' ')
	for i := 0; safe && i < len(v); i++ {
		if v[i] >= 0x80 || v[i] == '\n' || v[i] == '\r' || v[i] == 0 {
			safe = false
		}
	}
	if safe {
		fmt.Fprintf(&l.b, "%s: %s\n", name, v)
	} else {
		fmt.Fprintf(&l.b, "%s:: %s\n", name, base64.StdEncoding.EncodeToString([]byte(v)))
	}
}

// escapeRDN escapes a value for a DN string (RFC 4514).
func escapeRDN(v string) string {
	var b strings.Builder
	for i, r := range v {
		if strings.ContainsRune(",+\"\\<>;=", r) || (i == 0 && (r == ' ' || r == '#')) || (r == ' ' && i == len(v)-1) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// uuidFor derives a stable UUID from a name, so restarts keep entry ids.
func uuidFor(name string) []byte {
	h := sha1.Sum([]byte("ldapwiz-demo:" + name))
	u := h[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func uuidString(u []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

func ssha(password, saltSeed string) string {
	salt := sha1.Sum([]byte(saltSeed))
	h := sha1.Sum(append([]byte(password), salt[:8]...))
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h[:], salt[:8]...))
}

func unicodePwd(password string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(`"` + password + `"`)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func sid(rid uint32) string {
	out := []byte{1, 5, 0, 0, 0, 0, 0, 5}
	for _, s := range []uint32{21, 1004336348, 1177238915, 682003330, rid} {
		out = binary.LittleEndian.AppendUint32(out, s)
	}
	return string(out)
}
