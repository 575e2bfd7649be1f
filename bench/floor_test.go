package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"ldapwiz/store"
)

// caseFloor is the floor under a first import: the rows the import wrote,
// written again into an empty store of the same backend with the plainest
// multi-row prepared INSERTs in one transaction.
const caseFloor = "floor: the import's rows as plain multi-row inserts in one transaction"

// floorTables are the tables a first import writes, parents first.
var floorTables = []string{"sync_runs", "users", "groups", "links", "changes", "memberships", "sync_tokens"}

// floorRowsPerInsert bounds the rows of one INSERT (and its placeholders,
// under SQLite's and PostgreSQL's limits).
const floorRowsPerInsert = 500

// BenchmarkFloor measures, at each size of -sizes and in each round, the
// first import and then the floor under it: the same rows written by plain
// multi-row prepared inserts in one transaction into an empty store of the
// -store backend, each right after its own ldapsearch, so that both print
// as ratios to ldapsearch like the cases of BenchmarkEngine. The floor is
// timed inside the benchmark process (CPU from getrusage; it has no peak
// RSS or live heap of its own: the columns show "–"). The package
// documentation gives the command.
func BenchmarkFloor(b *testing.B) {
	bin := buildLdapwiz(b, b.TempDir())
	cases := []string{caseImport, caseFloor}
	for _, n := range benchSizes(b) {
		bd := newBed(b, n, bin)
		res := result{users: n, cases: map[string]*summary{caseImport: {}, caseFloor: {}}}
		for r := 0; r < *roundsFlag; r++ {
			imported := bd.newStore(b, r)
			base, err := bd.ldapsearch()
			if err != nil {
				b.Fatal(err)
			}
			u, err := bd.runCase(caseImport, imported)
			if err != nil {
				b.Fatal(err)
			}
			res.cases[caseImport].add(pair{wiz: u, base: base})
			res.storeMB = imported.sizeMB()
			rows, err := readFloorRows(imported)
			if err != nil {
				b.Fatal(err)
			}
			empty := bd.newStore(b, 1000+r)
			if err := migrateStore(empty); err != nil {
				b.Fatal(err)
			}
			if base, err = bd.ldapsearch(); err != nil {
				b.Fatal(err)
			}
			u, err = writeFloorRows(empty, rows)
			if err != nil {
				b.Fatal(err)
			}
			res.cases[caseFloor].add(pair{wiz: u, base: base})
			imported.remove()
			empty.remove()
		}
		report(os.Stdout, res, cases)
		bd.srv.Stop()
	}
}

// tableRows are one table's rows, as read back.
type tableRows struct {
	table string
	cols  []string
	rows  [][]any
}

// rawDB opens s with database/sql alone, not the store's queries: the
// SQLite file with the store's pragmas (store.SQLiteDSN), or the
// PostgreSQL database as the store reaches it (TCP, TLS verified, the
// store's role).
func rawDB(s benchStore) (*sql.DB, error) {
	if s.pg == nil {
		return sql.Open("sqlite", store.SQLiteDSN(s.path))
	}
	q := url.Values{"sslmode": {"verify-full"}, "sslrootcert": {s.pg.CAFile}}
	cfg, err := pgx.ParseConfig(s.pg.URL() + "?" + q.Encode())
	if err != nil {
		return nil, err
	}
	cfg.Password = s.pg.Password
	return stdlib.OpenDB(*cfg), nil
}

// migrateStore gives an empty store ldapwiz's schema.
func migrateStore(s benchStore) error {
	ctx := context.Background()
	cfg := store.Config{Path: s.path}
	if s.pg != nil {
		cfg = store.Config{Path: s.path, URL: s.pg.URL(), Password: s.pg.Password, CAFile: s.pg.CAFile}
	}
	db, err := cfg.Open(ctx)
	if err != nil {
		return err
	}
	return db.Close()
}

// readFloorRows reads every row of the tables a first import writes.
func readFloorRows(s benchStore) ([]tableRows, error) {
	db, err := rawDB(s)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []tableRows
	for _, t := range floorTables {
		rows, err := db.Query("SELECT * FROM " + t)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t, err)
		}
		tr := tableRows{table: t}
		if tr.cols, err = rows.Columns(); err != nil {
			rows.Close()
			return nil, err
		}
		for rows.Next() {
			vals := make([]any, len(tr.cols))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			tr.rows = append(tr.rows, vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
}

// writeFloorRows writes rows into s in one transaction, floorRowsPerInsert
// rows per INSERT, the full-size statement of each table prepared once,
// and returns the wall and CPU time it took.
func writeFloorRows(s benchStore, tables []tableRows) (usage, error) {
	db, err := rawDB(s)
	if err != nil {
		return usage{}, err
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		return usage{}, err
	}
	cpu0, wall0 := cpuSeconds(), time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return usage{}, err
	}
	defer tx.Rollback()
	for _, t := range tables {
		per := min(floorRowsPerInsert, 30000/len(t.cols))
		var full *sql.Stmt
		for start := 0; start < len(t.rows); start += per {
			chunk := t.rows[start:min(start+per, len(t.rows))]
			args := make([]any, 0, len(chunk)*len(t.cols))
			for _, r := range chunk {
				args = append(args, r...)
			}
			query := insertRows(t, len(chunk), s.pg != nil)
			if len(chunk) < per {
				_, err = tx.ExecContext(ctx, query, args...)
			} else {
				if full == nil {
					if full, err = tx.PrepareContext(ctx, query); err != nil {
						return usage{}, fmt.Errorf("prepare %s: %w", t.table, err)
					}
				}
				_, err = full.ExecContext(ctx, args...)
			}
			if err != nil {
				return usage{}, fmt.Errorf("write %s: %w", t.table, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return usage{}, err
	}
	return inProcessSince(cpu0, wall0), nil
}

// insertRows is a plain INSERT of n rows into t, with SQLite's ? or
// PostgreSQL's $N placeholders.
func insertRows(t tableRows, n int, pg bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.table + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	p := 0
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range t.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			if pg {
				b.WriteString("$" + strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// inProcessSince is the usage of work timed inside the benchmark process
// since cpu0 (cpuSeconds) and wall0: it has no peak RSS or live heap of
// its own.
func inProcessSince(cpu0 float64, wall0 time.Time) usage {
	return usage{wall: time.Since(wall0).Seconds(), cpu: cpuSeconds() - cpu0, rssMB: unmeasured, liveMB: unmeasured, gcCPU: unmeasured}
}

// cpuSeconds is the user and system CPU time this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
