package bench

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
)

var (
	sizesFlag  = flag.String("sizes", "10000,50000,100000", "comma-separated directory sizes (users) to measure")
	roundsFlag = flag.Int("rounds", 3, "rounds per size; each runs every case once, after its own ldapsearch")
	binFlag    = flag.String("bin", "", "measure this ldapwiz binary instead of building the checkout (e.g. an older version, for a before/after)")
	storeFlag  = flag.String("store", "sqlite", "the store to sync into: sqlite (a file) or postgres (a database on a private PostgreSQL)")
)

// The cases, in the order a round runs them.
const (
	casePreview = "preview of a first import (preview --json)"
	caseText    = "the same preview as text, for a person (preview)"
	caseImport  = "first import into an empty store"
	caseResync  = "no-change resync after the import, import mode (quiet: the import certified its end state)"
	caseRepeat  = "the same resync again (quiet: the directory read, not kept; the store not read)"
	caseOneWay  = "no-change resync, one-way"
	caseTwoWay  = "no-change resync, two-way"
)

var allCases = []string{casePreview, caseText, caseImport, caseResync, caseRepeat, caseOneWay, caseTwoWay}

// bed is one generated directory served by a private slapd, and a built
// ldapwiz binary.
type bed struct {
	dir   string
	bin   string
	srv   *slapdtest.Server
	shape dirShape
}

// newBed starts slapd with a directory of n users.
func newBed(tb testing.TB, n int, bin string) *bed {
	tb.Helper()
	return startBed(tb, n, bin, slapdtest.Options{})
}

// newSyncprovBed is newBed with slapd's syncprov overlay, for incremental
// runs.
func newSyncprovBed(tb testing.TB, n int, bin string) *bed {
	tb.Helper()
	return startBed(tb, n, bin, slapdtest.Options{SyncProv: true})
}

// startBed starts slapd with options o and a directory of n users.
func startBed(tb testing.TB, n int, bin string, o slapdtest.Options) *bed {
	tb.Helper()
	ensureGNUTime(tb)
	shape := shapeFor(n)
	o.NoFixture, o.ExtraLDIF = true, shape.ldif()
	return &bed{dir: tb.TempDir(), bin: bin, srv: slapdtest.StartWith(tb, o), shape: shape}
}

// ensureGNUTime installs GNU time (timed runs every command under it)
// when it is missing, as a fresh Debian machine has it.
func ensureGNUTime(tb testing.TB) {
	tb.Helper()
	harness.Apt{Who: "bench", Packages: []string{"time"}, Missing: func() []string {
		if _, err := os.Stat(gnuTime); err != nil {
			return []string{gnuTime}
		}
		return nil
	}}.Ensure(tb)
}

// buildLdapwiz builds the ldapwiz binary into dir, or returns -bin.
func buildLdapwiz(tb testing.TB, dir string) string {
	tb.Helper()
	if *binFlag != "" {
		return *binFlag
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(dir, "ldapwiz")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as README builds it
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}

// config writes a settings file for mode with the store st.
func (b *bed) config(mode string, st benchStore) string {
	path := filepath.Join(b.dir, "ldapwiz-"+mode+".toml")
	text := fmt.Sprintf(`[connection]
url = %q
bind_dn = %q
bind_password = %q
timeout = "60s"
page_size = 1000

[users]
search_base = %q
object_class = "inetOrgPerson"
username_attribute = "uid"
member_attribute = "memberOf"
filter = ""

[users.attributes]
email = "mail"
first_name = "givenName"
last_name = "sn"
phone = "telephoneNumber"

[groups]
search_base = %q
object_class = "groupOfNames"
name_attribute = "cn"
member_attribute = "member"

[sync]
mode = %q
authority = "ldap"
max_delete = "10%%"

[store]
%s
`, b.srv.URL, b.srv.AdminDN, b.srv.AdminPassword, peopleBase, groupBase, mode, st.toml())
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		panic(err)
	}
	return path
}

// ldapsearch reads what ldapwiz reads, the way the issue measures it: the
// groups (name, stable ids, members) and the users (stable ids and the
// mapped attributes), paged by 1,000, output discarded.
func (b *bed) ldapsearch() (usage, error) {
	conn := strings.Join(b.srv.LdapsearchArgs(), " ")
	ids := "entryUUID objectGUID nsUniqueId"
	script := fmt.Sprintf(
		"ldapsearch %s -E pr=1000/noprompt -b %s '(objectClass=groupOfNames)' cn %s member >/dev/null && "+
			"ldapsearch %s -E pr=1000/noprompt -b %s '(objectClass=inetOrgPerson)' %s uid mail givenName sn telephoneNumber >/dev/null",
		conn, groupBase, ids, conn, peopleBase, ids)
	return timed(b.dir, "sh", "-c", script)
}

// syncReport is the part of the report "ldapwiz sync --report FILE" saves
// that the benchmark checks (every version with a report writes these).
type syncReport struct {
	Outcome string `json:"outcome"`
	Error   string `json:"error"`
	Applied int    `json:"applied"`
	Plan    struct {
		Actions []json.RawMessage `json:"actions"`
		Read    struct {
			Unchanged bool `json:"unchanged"`
		} `json:"read"`
	} `json:"plan"`
}

// runCase runs one case of a round into the round's store.
func (b *bed) runCase(c string, store benchStore) (usage, error) {
	switch c {
	case casePreview:
		return timedGo(b.dir, b.bin, "preview", "--json", "-c", b.config("import", store))
	case caseText:
		return timedGo(b.dir, b.bin, "preview", "-c", b.config("import", store))
	}
	mode := map[string]string{caseImport: "import", caseResync: "import", caseRepeat: "import", caseOneWay: "one-way", caseTwoWay: "two-way"}[c]
	report := filepath.Join(b.dir, "report.json")
	os.Remove(report)
	u, err := timedGo(b.dir, b.bin, "sync", "-c", b.config(mode, store), "--report", report)
	if err != nil {
		return u, err
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return u, fmt.Errorf("%s: no report: %v", c, err)
	}
	var s syncReport
	if err := json.Unmarshal(data, &s); err != nil {
		return u, fmt.Errorf("%s: unreadable report: %v", c, err)
	}
	if s.Outcome != "success" {
		return u, fmt.Errorf("%s: outcome %s: %s", c, s.Outcome, s.Error)
	}
	want := b.shape.users - b.shape.duplicates() + b.shape.groups // a group create adds its members
	switch {
	case c == caseImport && s.Applied != want:
		return u, fmt.Errorf("%s: applied %d changes, want %d", c, s.Applied, want)
	case c != caseImport && len(s.Plan.Actions) != 0:
		return u, fmt.Errorf("%s: planned %d changes, want none", c, len(s.Plan.Actions))
	case c != caseRepeat && c != caseResync && s.Plan.Read.Unchanged:
		return u, fmt.Errorf("%s: quiet, want the store read and a plan made", c)
	case quietCase(c) && !s.Plan.Read.Unchanged && *binFlag == "":
		return u, fmt.Errorf("%s: the store was read; want a quiet run, the directory and store as the run before left them", c)
	case quietCase(c) && !s.Plan.Read.Unchanged:
		// An older build given with -bin may have no quiet runs: its row
		// times a run that read the store, which the reader must know.
		fmt.Fprintf(os.Stderr, "%s: %s was not quiet (it read the store)\n", *binFlag, c)
	}
	return u, nil
}

// quietCase reports whether case c must be quiet: the first resync after
// the import (the import certified its end state, on either store) and
// the same resync again.
func quietCase(c string) bool { return c == caseRepeat || c == caseResync }

// result is what one size measured.
type result struct {
	users   int
	cases   map[string]*summary
	storeMB float64
}

// measure runs rounds rounds of cases on b, each case right after an
// ldapsearch, and returns the summaries.
func (b *bed) measure(tb testing.TB, rounds int, cases []string) result {
	tb.Helper()
	res := result{users: b.shape.users, cases: map[string]*summary{}}
	for _, c := range cases {
		res.cases[c] = &summary{}
	}
	for r := 0; r < rounds; r++ {
		store := b.newStore(tb, r)
		for _, c := range cases {
			base, err := b.ldapsearch()
			if err != nil {
				tb.Fatal(err)
			}
			u, err := b.runCase(c, store)
			if err != nil {
				tb.Fatal(err)
			}
			res.cases[c].add(pair{wiz: u, base: base})
			if c == caseImport {
				res.storeMB = store.sizeMB()
			}
		}
		store.remove()
	}
	return res
}

// report prints one size's table: ratios and times as medians with
// min–max, peak RSS and live heap as the largest of the rounds ("–" for a
// case timed inside the benchmark process, which has neither).
func report(w io.Writer, res result, cases []string) {
	fmt.Fprintf(w, "\n%d users (+ groups and memberships as in the issue); %s store after import: %.1f MB\n", res.users, *storeFlag, res.storeMB)
	fmt.Fprintf(w, "| case %s ldapsearch RSS MB |\n|---|---|---|---|---|---|---|---|---|\n", rowHeader)
	for _, c := range cases {
		s := res.cases[c]
		fmt.Fprintf(w, "%s %.1f |\n", s.row(c), s.baseRSS)
	}
}

// BenchmarkEngine measures every case at each size of -sizes. The numbers
// are the table it prints; b.N is ignored (use -benchtime 1x).
func BenchmarkEngine(b *testing.B) {
	bin := buildLdapwiz(b, b.TempDir())
	for _, n := range benchSizes(b) {
		bd := newBed(b, n, bin)
		res := bd.measure(b, *roundsFlag, allCases)
		report(os.Stdout, res, allCases)
		bd.srv.Stop()
	}
}

// benchSizes are the directory sizes of -sizes.
func benchSizes(tb testing.TB) []int {
	tb.Helper()
	var sizes []int
	for _, f := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1000 {
			tb.Fatalf("-sizes: %q is not a size of at least 1000", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}
