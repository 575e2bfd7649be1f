package bench

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
)

var oldFlag = flag.String("old", "", "BenchmarkSamePlans: the ldapwiz binary to compare the checkout's build (or -bin) with")

// samePlansModes are the modes BenchmarkSamePlans compares the two builds
// in.
var samePlansModes = []string{"import", "one-way", "two-way"}

// BenchmarkSamePlans checks that a change meant to leave plans alone does:
// for each mode, two directories of the same shape, each imported by the
// -old build and then changed alike on both sides (users' values changed,
// users renamed, moved and deleted, groups' members changed; store users
// added, deleted and disabled), are previewed and synced, one by each
// build. The previews (JSON and text), what a preview after the sync
// plans, the store after it (users, user links and their bases, groups,
// memberships, change rows and their details) and the directory after it
// must be the same byte for byte (but for the servers' URLs). It is a
// benchmark only so that it runs when asked:
//
//	go test ./bench -run '^$' -bench '^BenchmarkSamePlans$' -benchtime 1x -args -sizes 20000 -old OLD-BINARY
func BenchmarkSamePlans(b *testing.B) {
	if *oldFlag == "" {
		b.Fatal("-old: give the ldapwiz binary to compare with (e.g. a build of the commit before)")
	}
	ensureSQLite3(b)
	newBin := buildLdapwiz(b, b.TempDir())
	for _, n := range benchSizes(b) {
		for _, mode := range samePlansModes {
			var outs [2][]sameOutput
			for k, bin := range []string{*oldFlag, newBin} {
				outs[k] = samePlansRun(b, n, mode, bin)
			}
			same := 0
			for i := range outs[0] {
				o, nw := outs[0][i], outs[1][i]
				if bytes.Equal(o.data, nw.data) {
					same++
					continue
				}
				line, x, y := firstDiff(o.data, nw.data)
				b.Errorf("%d users, %s: %s differs (%d bytes with -old, %d with the build compared): first difference at line %d:\n-old: %s\nnew:  %s",
					n, mode, o.what, len(o.data), len(nw.data), line, x, y)
			}
			fmt.Printf("%d users, %s: %d of %d outputs the same\n", n, mode, same, len(outs[0]))
		}
	}
}

// sameOutput is one output BenchmarkSamePlans compares, and what it is.
type sameOutput struct {
	what string
	data []byte
}

// samePlansRun makes a directory of n users, imports it with -old,
// changes both sides (changeBothSides) and then previews and syncs it in
// mode with bin; it returns what it compares.
func samePlansRun(tb testing.TB, n int, mode, bin string) []sameOutput {
	tb.Helper()
	bd := newBed(tb, n, bin)
	defer bd.srv.Stop()
	storePath := filepath.Join(tb.TempDir(), "store.db")
	imp := bd.config("import", benchStore{path: storePath})
	runTool(tb, *oldFlag, "sync", "-c", imp)
	bd.changeBothSides(tb, imp)
	cfg := bd.config(mode, benchStore{path: storePath})
	outs := []sameOutput{
		{"preview --json", runTool(tb, bin, "preview", "--json", "-c", cfg)},
		{"preview", runTool(tb, bin, "preview", "-c", cfg)},
	}
	runTool(tb, bin, "sync", "-c", cfg)
	outs = append(outs,
		sameOutput{"what a preview after the sync plans (actions, conflicts)", plannedOnly(tb, runTool(tb, bin, "preview", "--json", "-c", cfg))},
		sameOutput{"the store after the sync", runTool(tb, "sqlite3", storePath, storeDumpSQL)},
		sameOutput{"the directory after the sync", runTool(tb, "ldapsearch", "-x", "-LLL", "-H", bd.srv.URL, "-D", bd.srv.AdminDN,
			"-w", bd.srv.AdminPassword, "-b", "dc=example,dc=com", "(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))",
			"uid", "mail", "sn", "givenName", "telephoneNumber", "member", "cn")})
	for i := range outs {
		outs[i].data = withoutURL(outs[i].data, bd.srv.URL)
	}
	return outs
}

// storeDumpSQL lists what a sync writes to the store, without what differs
// between two directories of the same shape (stable ids, which group
// links' bases hold) or between runs (times, row ids).
const storeDumpSQL = `SELECT username, email, first_name, last_name, phone, disabled, from_ldap, deleted_at IS NULL, missing_since IS NULL FROM users ORDER BY username;
SELECT kind, dn, CASE kind WHEN 'user' THEN base ELSE '' END FROM links ORDER BY kind, dn;
SELECT side, op, kind, name, dn, detail FROM changes ORDER BY id;
SELECT g.name, u.username FROM memberships m JOIN groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id ORDER BY 1, 2;
SELECT name, deleted_at IS NULL FROM groups ORDER BY name;`

// changeBothSides changes the directory and, through the store settings
// file imp, the store: values of 300 users, 20 users renamed, 10 moved up
// to the people OU, 5 deleted, a member swapped in every 40th group but
// the big one; 5 store users added, one deleted and one disabled.
func (b *bed) changeBothSides(tb testing.TB, imp string) {
	tb.Helper()
	n := b.shape.users
	conn := b.adminConn(tb)
	defer conn.Close()
	for i := range 300 {
		m := goldap.NewModifyRequest(userDN(i*(n/300)+1), nil)
		m.Replace("sn", []string{fmt.Sprintf("Changed%d", i)})
		if i%3 == 0 {
			m.Replace("mail", []string{fmt.Sprintf("changed%d@example.org", i)})
		}
		if err := conn.Modify(m); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range 20 {
		dn := userDN(i*(n/20) + 5)
		rdn, _, _ := strings.Cut(dn, ",")
		if err := conn.ModifyDN(goldap.NewModifyDNRequest(dn, rdn+"x", true, "")); err != nil {
			tb.Fatalf("rename %s: %v", dn, err)
		}
	}
	for i := range 10 {
		dn := userDN(i*(n/10) + 7)
		rdn, _, _ := strings.Cut(dn, ",")
		if err := conn.ModifyDN(goldap.NewModifyDNRequest(dn, rdn, true, peopleBase)); err != nil {
			tb.Fatalf("move %s: %v", dn, err)
		}
	}
	for i := range 5 {
		if err := conn.Del(goldap.NewDelRequest(userDN(i*(n/5)+11), nil)); err != nil {
			tb.Fatal(err)
		}
	}
	res, err := conn.Search(goldap.NewSearchRequest(groupBase, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=groupOfNames)", []string{"member"}, nil))
	if err != nil {
		tb.Fatal(err)
	}
	for i, e := range res.Entries {
		members := e.GetAttributeValues("member")
		if i%40 != 0 || len(members) < 3 || strings.HasPrefix(e.DN, "cn=big") {
			continue
		}
		m := goldap.NewModifyRequest(e.DN, nil)
		m.Delete("member", members[1:2])
		m.Add("member", []string{userDN(n - 1 - i)})
		if err := conn.Modify(m); err != nil {
			tb.Fatalf("members of %s: %v", e.DN, err)
		}
	}
	for i := range 5 {
		runTool(tb, *oldFlag, "users", "add", fmt.Sprintf("newstore%d", i), "--email", fmt.Sprintf("ns%d@example.com", i), "-c", imp)
	}
	runTool(tb, *oldFlag, "users", "delete", uidOf(3), "-c", imp)
	runTool(tb, *oldFlag, "users", "disable", uidOf(4), "-c", imp)
}

// ensureSQLite3 installs the sqlite3 command line tool when it is missing,
// as a fresh Debian machine has it.
func ensureSQLite3(tb testing.TB) {
	tb.Helper()
	harness.Apt{Who: "bench", Packages: []string{"sqlite3"}, Missing: func() []string {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return []string{"sqlite3"}
		}
		return nil
	}}.Ensure(tb)
}

// plannedOnly returns, of a preview's JSON, its actions and conflicts:
// whether the run was quiet (and so listed no skipped entries) is left
// out. slapd's refint overlay rewrites the groups' member values a moment
// after the renames changeBothSides makes, so whether the sync read the
// groups before or after that, and so whether the preview after it is
// quiet, is a race.
func plannedOnly(tb testing.TB, preview []byte) []byte {
	tb.Helper()
	var p struct {
		Plan struct {
			Actions   json.RawMessage `json:"actions"`
			Conflicts json.RawMessage `json:"conflicts"`
		} `json:"plan"`
	}
	if err := json.Unmarshal(preview, &p); err != nil {
		tb.Fatalf("preview --json: %v", err)
	}
	return append(append(append([]byte{}, p.Plan.Actions...), '\n'), p.Plan.Conflicts...)
}

// runTool runs a command and returns its standard output; an exit code
// above 1 (ldapwiz's "changes pending" or "errors found" is 1) fails.
func runTool(tb testing.TB, name string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errOut.Bytes())
		}
	}
	return out.Bytes()
}

// withoutURL returns b with the server's URL written as "URL": the two
// runs' servers listen on different ports.
func withoutURL(b []byte, url string) []byte {
	return bytes.ReplaceAll(b, []byte(url), []byte("URL"))
}

// firstDiff returns the first line (1-based) where a and b differ, and
// that line of each.
func firstDiff(a, b []byte) (int, string, string) {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}

// TestWithoutURL: a server's URL is left out of what is compared, and
// firstDiff finds the first differing line.
func TestWithoutURL(t *testing.T) {
	got := withoutURL([]byte(`{"server":"ldap://127.0.0.1:1234"} ldap://127.0.0.1:1234`), "ldap://127.0.0.1:1234")
	if string(got) != `{"server":"URL"} URL` {
		t.Errorf("withoutURL = %s", got)
	}
	if line, x, y := firstDiff([]byte("a\nb\nc"), []byte("a\nB\nc")); line != 2 || x != "b" || y != "B" {
		t.Errorf("firstDiff = %d, %q, %q", line, x, y)
	}
	if line, _, _ := firstDiff([]byte("a"), []byte("a")); line != 0 {
		t.Errorf("firstDiff of equal texts = %d", line)
	}
}
