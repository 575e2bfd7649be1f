package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/syncer"
)

// explainConfig writes a config file reaching srv as its admin, with a
// store.path that does not exist yet, and extra TOML in [users].
func explainConfig(t *testing.T, srv *slapdtest.Server, extra string) (cfg, db string) {
	t.Helper()
	dir := t.TempDir()
	cfg, db = filepath.Join(dir, "ldapwiz.toml"), filepath.Join(dir, "users.db")
	toml := fmt.Sprintf(`[connection]
url = %q
bind_dn = %q
bind_password_env = "LDAPWIZ_TEST_PW"

[users]
search_base = %q
%s
[groups]
search_base = %q

[store]
path = %q
`, srv.URL, srv.AdminDN, slapdtest.PeopleDN, extra, slapdtest.GroupsDN, db)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, db
}

func runExplainCLI(t *testing.T, srv *slapdtest.Server, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "LDAPWIZ_TEST_PW" {
			return srv.AdminPassword
		}
		return ""
	}}
	code := run(env, append([]string{"explain"}, args...))
	return code, out.String(), errb.String()
}

// "ldapwiz explain" prints each step with the settings deciding it and the
// next sync's verdict, as text and as JSON, and never creates the store.
func TestExplainCommand(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg, db := explainConfig(t, srv, "filter = \"(mail=*)\"\n")

	code, out, errs := runExplainCLI(t, srv, "-c", cfg, "jdoe")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		`Explaining user "jdoe" (two-way sync, authority ldap; directory server ` + srv.URL,
		"[ok]   found: found cn=Doe", // the comma escaped as the server writes it
		"ou=sales,ou=people,dc=example,dc=com by its uid",
		"[ok]   users.filter: matches (mail=*)",
		"decided by users.search_base",
		`create user jdoe on the store (new in the directory)`,
		"Outcome: changed:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("explain created the store: %v", err)
	}

	// A user without mail: the filter clause that removes him.
	nomail := ""
	for _, u := range srv.Fixture.Users {
		if u.Mail == "" && strings.HasSuffix(u.DN, ","+slapdtest.PeopleDN) {
			nomail = u.UID
			break
		}
	}
	code, out, _ = runExplainCLI(t, srv, "-c", cfg, nomail)
	if code != 0 || !strings.Contains(out, "[FAIL] users.filter: (mail=*) removes it: (mail=*) does not hold: the entry has no mail") ||
		!strings.Contains(out, "Outcome: not in scope") {
		t.Errorf("%s without mail (exit %d):\n%s", nomail, code, out)
	}

	code, out, errs = runExplainCLI(t, srv, "-c", cfg, "--json", "john.doe@example.com")
	var x syncer.Explanation
	if code != 0 || json.Unmarshal([]byte(out), &x) != nil {
		t.Fatalf("--json exit %d: %s %s", code, out, errs)
	}
	if x.Entry == nil || x.Entry.Name != "jdoe" || x.Entry.StableIDAttr != "entryUUID" || x.Outcome != syncer.OutcomeChanged || len(x.Actions) == 0 {
		t.Errorf("--json: %+v", x)
	}

	code, out, _ = runExplainCLI(t, srv, "-c", cfg, "--group", "engineering")
	if code != 0 || !strings.Contains(out, `Explaining group "engineering"`) || !strings.Contains(out, "1 nested group (platform)") {
		t.Errorf("--group (exit %d):\n%s", code, out)
	}

	for _, args := range [][]string{{}, {"a", "b"}, {"--group", "g", "u"}} {
		if code, _, errs := runExplainCLI(t, srv, append([]string{"-c", cfg}, args...)...); code != 2 || errs == "" {
			t.Errorf("explain %v: exit %d, want 2 with a reason: %s", args, code, errs)
		}
	}
}
