package bench

import (
	"fmt"
	"strings"

	"ldapwiz/internal/slapdtest"
)

// dirShape is the generated directory: users spread over nested OUs, a few
// uids used twice (in different OUs), groups of groupSize members and one
// big group.
type dirShape struct {
	users     int
	groups    int // including the big one
	bigGroup  int // members of big-group
	groupSize int // members of every other group
}

// shapeFor scales the directory (100,000 users, 1,000 groups, one
// of 20,000 members, the others of 100) to n users.
func shapeFor(n int) dirShape {
	return dirShape{users: n, groups: max(10, n/100), bigGroup: min(20000, n/5), groupSize: min(100, n)}
}

const (
	peopleBase = "ou=people," + slapdtest.BaseDN
	groupBase  = "ou=groups," + slapdtest.BaseDN
	depts      = 10 // ou=dNN under ou=people
	teams      = 5  // ou=tN under each department
)

// userDN is the DN of user i: users go round-robin over the leaf OUs.
func userDN(i int) string {
	leaf := i % (depts * teams)
	return fmt.Sprintf("uid=%s,ou=t%d,ou=d%02d,%s", uidOf(i), leaf%teams, leaf/teams, peopleBase)
}

// uidOf is user i's uid: every 1,000th user reuses its predecessor's uid
// (which sits in another OU), so both are skipped as duplicates.
func uidOf(i int) string {
	if i%1000 == 999 {
		i--
	}
	return fmt.Sprintf("user%07d", i)
}

// duplicates is how many users carry a duplicate uid.
func (s dirShape) duplicates() int { return 2 * (s.users / 1000) }

// memberships counts the member values of all groups.
func (s dirShape) memberships() int { return s.bigGroup + (s.groups-1)*s.groupSize }

// ldif renders the directory below the base entry (slapdtest's NoFixture
// already has ou=people and ou=groups).
func (s dirShape) ldif() string {
	var b strings.Builder
	b.Grow(s.users*330 + s.memberships()*70)
	for d := 0; d < depts; d++ {
		fmt.Fprintf(&b, "dn: ou=d%02d,%s\nobjectClass: organizationalUnit\nou: d%02d\n\n", d, peopleBase, d)
		for t := 0; t < teams; t++ {
			fmt.Fprintf(&b, "dn: ou=t%d,ou=d%02d,%s\nobjectClass: organizationalUnit\nou: t%d\n\n", t, d, peopleBase, t)
		}
	}
	for i := 0; i < s.users; i++ {
		uid := uidOf(i)
		fmt.Fprintf(&b, "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: User %d\ngivenName: Given%d\nsn: Family%d\nmail: %s@example.com\ntelephoneNumber: +1 555 %07d\n\n",
			userDN(i), uid, i, i%5000, i, uid, i)
	}
	for g := 0; g < s.groups; g++ {
		name, size := fmt.Sprintf("group%04d", g), s.groupSize
		if g == 0 {
			name, size = "big-group", s.bigGroup
		}
		fmt.Fprintf(&b, "dn: cn=%s,%s\nobjectClass: groupOfNames\ncn: %s\n", name, groupBase, name)
		for k := 0; k < size; k++ {
			fmt.Fprintf(&b, "member: %s\n", userDN((g*7919+k*13)%s.users))
		}
		b.WriteString("\n")
	}
	return b.String()
}
