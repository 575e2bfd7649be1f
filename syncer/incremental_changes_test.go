package syncer

import (
	"fmt"
	"strings"
)

// changeDirectoryForIncremental makes, through e's admin connection, the
// directory changes the incremental tests read back: the sn of the users
// at dns[20:30] changes, three users are added, those at dns[40:42] are
// deleted and the one at dns[50] moves under ou (an existing OU). It
// returns the added users' DNs and the moved user's new DN.
func (e *syncEnv) changeDirectoryForIncremental(dns []string, ou string) (added []string, movedTo string) {
	e.t.Helper()
	for i := 20; i < 30; i++ {
		e.modify(dns[i], "sn", "Changed"+fmt.Sprint(i))
	}
	added = []string{e.addDirUser("inc.new1", "n1@example.com"), e.addDirUser("inc.new2", "n2@example.com"), e.addDirUser("inc.new3", "n3@example.com")}
	for _, dn := range dns[40:42] {
		if err := e.conn.Delete(e.ctx, dn); err != nil {
			e.t.Fatal(err)
		}
	}
	rdn := strings.SplitN(dns[50], ",", 2)[0]
	if _, err := e.conn.Rename(e.ctx, dns[50], rdn, ou); err != nil {
		e.t.Fatal(err)
	}
	return added, rdn + "," + ou
}
