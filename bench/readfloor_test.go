package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"ldapwiz/ldap"
)

// The floors under reading both sides, which preview and every resync do.
const (
	caseReadFloorLDAP  = "floor: ldapwiz's LDAP reader, ldapsearch's two searches, every entry decoded and dropped"
	caseReadFloorStore = "floor: the store's users, groups, links and memberships, every row by a plain SELECT"
)

// floorStoreTables are the tables a resync reads back from the store.
var floorStoreTables = []string{"users", "groups", "links", "memberships"}

// BenchmarkReadFloor measures, at each size of -sizes, a no-change resync
// that reads the store (one-way, after an import) next to the two reads
// under it, each right after its own ldapsearch: the
// directory read by ldapwiz's own LDAP reader (ldap.Conn.Search, which
// decodes every entry) with the searches and attributes ldapsearch uses,
// keeping nothing; and the store's rows read by plain SELECTs into
// database/sql's raw bytes, keeping nothing. A resync cannot cost less
// than the two together; what it costs above them is holding, pairing
// and comparing. The floors are timed inside the benchmark process (CPU
// from getrusage; no peak RSS or live heap of their own: the columns show
// "–"). The
// package documentation gives the command.
func BenchmarkReadFloor(b *testing.B) {
	bin := buildLdapwiz(b, b.TempDir())
	cases := []string{caseOneWay, caseReadFloorLDAP, caseReadFloorStore}
	for _, n := range benchSizes(b) {
		bd := newBed(b, n, bin)
		res := result{users: n, cases: map[string]*summary{}}
		for _, c := range cases {
			res.cases[c] = &summary{}
		}
		for r := 0; r < *roundsFlag; r++ {
			// A store of its own per round: a one-way resync after an import
			// (other settings) reads the store; a second one in a row would be
			// quiet.
			st := bd.newStore(b, r)
			if _, err := bd.runCase(caseImport, st); err != nil {
				b.Fatal(err)
			}
			res.storeMB = st.sizeMB()
			for _, c := range cases {
				base, err := bd.ldapsearch()
				if err != nil {
					b.Fatal(err)
				}
				var u usage
				switch c {
				case caseReadFloorLDAP:
					u, err = bd.readDirectoryFloor()
				case caseReadFloorStore:
					u, err = readStoreFloor(st)
				default:
					u, err = bd.runCase(c, st)
				}
				if err != nil {
					b.Fatal(err)
				}
				res.cases[c].add(pair{wiz: u, base: base})
			}
			st.remove()
		}
		report(os.Stdout, res, cases)
		bd.srv.Stop()
	}
}

// readDirectoryFloor reads what ldapsearch reads (see bed.ldapsearch)
// through ldapwiz's LDAP reader, dropping every entry, and checks that
// every user and group came back.
func (b *bed) readDirectoryFloor() (usage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cpu0, wall0 := cpuSeconds(), time.Now()
	conn, err := ldap.Dial(ctx, ldap.Config{URL: b.srv.URL, BindDN: b.srv.AdminDN, BindPassword: b.srv.AdminPassword,
		Timeout: time.Minute, PageSize: 1000})
	if err != nil {
		return usage{}, err
	}
	defer conn.Close()
	ids := []string{"entryUUID", "objectGUID", "nsUniqueId"}
	count := func(base, class string, attrs ...string) (int, error) {
		n := 0
		err := conn.Search(ctx, ldap.SearchRequest{Base: base, Filter: "(objectClass=" + class + ")", Attributes: append(attrs, ids...)},
			func(*ldap.Entry) error { n++; return nil })
		return n, err
	}
	groups, err := count(groupBase, "groupOfNames", "cn", "member")
	if err != nil {
		return usage{}, err
	}
	users, err := count(peopleBase, "inetOrgPerson", "uid", "mail", "givenName", "sn", "telephoneNumber")
	if err != nil {
		return usage{}, err
	}
	u := inProcessSince(cpu0, wall0)
	if users != b.shape.users || groups != b.shape.groups {
		return u, fmt.Errorf("the LDAP reader read %d users and %d groups, want %d and %d", users, groups, b.shape.users, b.shape.groups)
	}
	return u, nil
}

// readStoreFloor reads every row of the tables a resync reads back from s
// into raw bytes, keeping nothing.
func readStoreFloor(s benchStore) (usage, error) {
	db, err := rawDB(s)
	if err != nil {
		return usage{}, err
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		return usage{}, err
	}
	cpu0, wall0 := cpuSeconds(), time.Now()
	for _, t := range floorStoreTables {
		if err := drainTable(db, t); err != nil {
			return usage{}, err
		}
	}
	return inProcessSince(cpu0, wall0), nil
}

// drainTable reads every row of table into reused raw byte buffers.
func drainTable(db *sql.DB, table string) error {
	rows, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
	}
	return rows.Err()
}
