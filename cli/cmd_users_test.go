package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"ldapwiz/store"
)

// usersFixture is a config file whose store.path points into a temp dir.
type usersFixture struct {
	dir, config, db string
}

func newUsersFixture(t *testing.T, mode string) usersFixture {
	t.Helper()
	dir := t.TempDir()
	f := usersFixture{dir: dir, config: filepath.Join(dir, "ldapwiz.toml"), db: filepath.Join(dir, "users.db")}
	toml := "[sync]\nmode = \"" + mode + "\"\n\n[store]\npath = \"" + f.db + "\"\n"
	if err := os.WriteFile(f.config, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// newImportFixtureWithLinkedUser is an import-mode fixture whose store holds
// user "imp", linked to uid=imp,dc=example,dc=com.
func newImportFixtureWithLinkedUser(t *testing.T) usersFixture {
	t.Helper()
	f := newUsersFixture(t, "import")
	ctx := context.Background()
	db, err := store.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, store.NewUser{Username: "imp", FromLDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpsertLink(ctx, store.Link{Kind: store.KindUser, LocalID: u.ID, StableID: "uuid-imp", DN: "uid=imp,dc=example,dc=com"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// cli runs ldapwiz with args and stdin, returning the exit code and outputs.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(env, args)
	return code, out.String(), errb.String()
}

// expect runs a command and checks its exit code and that stdout+stderr
// contain every wanted string.
func expect(t *testing.T, wantCode int, want []string, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, stdin, args...)
	all := out + errs
	if code != wantCode {
		t.Fatalf("ldapwiz %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out, errs)
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("ldapwiz %s: output lacks %q\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), w, out, errs)
		}
	}
	return out
}

func TestUsersCommandLifecycle(t *testing.T) {
	f := newUsersFixture(t, "two-way")
	c := []string{"-c", f.config}
	users := func(args ...string) []string { return append(append([]string{"users"}, args...), c...) }

	// Before any user: no database yet.
	expect(t, 1, []string{"no user database at " + f.db, "users add"}, "", users("list")...)

	expect(t, 0, []string{"user jdoe created", "next sync creates this user in the directory"}, "",
		users("add", "jdoe", "--email", "jdoe@example.com", "--first", "Jöhn", "--last", "Doe", "--phone", "+1 555 0100")...)
	expect(t, 0, []string{"user ann created"}, "s3cret-pass\n", users("add", "ann", "--first=Ann", "--password-stdin")...)
	expect(t, 1, []string{`a user named "jdoe" already exists`}, "", users("add", "JDOE")...)
	expect(t, 1, []string{`username "bad name" contains ' '`}, "", users("add", "bad name")...)
	expect(t, 1, []string{"too short"}, "short\n", users("add", "bob", "--password-stdin")...)
	expect(t, 1, []string{`no user named "bob"`}, "", users("show", "bob")...) // the failed add left nothing

	out := expect(t, 0, []string{"USERNAME", "EMAIL", "STATUS", "ann", "jdoe", "Jöhn Doe", "jdoe@example.com", "2 user(s)"}, "", users("list")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	col := func(line, sub string) int { return utf8.RuneCountInString(line[:strings.Index(line, sub)]) }
	if len(lines) != 4 || col(lines[0], "EMAIL") != col(lines[2], "jdoe@example.com") || col(lines[0], "STATUS") != col(lines[1], "active") {
		t.Errorf("table not aligned:\n%s", out)
	}
	expect(t, 0, []string{"jdoe", "1 user(s)"}, "", users("list", "--search", "DOE")...)

	expect(t, 0, []string{"username:", "jdoe", "+1 555 0100", "password:", "not set", "not linked", "active"}, "", users("show", "jdoe")...)

	expect(t, 0, []string{`email "jdoe@example.com" -> "john@example.com"`, `phone "+1 555 0100" -> ""`}, "",
		users("set", "jdoe", "--email", "john@example.com", "--phone", "")...)
	expect(t, 0, []string{"unchanged"}, "", users("set", "jdoe", "--email", "john@example.com")...)
	expect(t, 2, []string{"nothing to change"}, "", users("set", "jdoe")...)
	expect(t, 1, []string{"not of the form name@domain"}, "", users("set", "jdoe", "--email", "nope")...)
	expect(t, 0, []string{`username "jdoe" -> "john.doe"`}, "", users("set", "jdoe", "--username", "john.doe")...)

	// Passwords: from stdin, never printed.
	out = expect(t, 0, []string{"password of john.doe changed"}, "correct horse battery\n", users("passwd", "john.doe")...)
	if strings.Contains(out, "correct horse") {
		t.Fatal("password echoed")
	}
	expect(t, 1, []string{"no password on stdin"}, "", users("passwd", "john.doe")...)
	show := expect(t, 0, []string{"password:", "not yet written to the directory"}, "", users("show", "john.doe")...)
	js := expect(t, 0, nil, "", users("show", "john.doe", "--json")...)
	if strings.Contains(show+js, "$2") || strings.Contains(js, "correct horse") {
		t.Fatal("hash or password printed")
	}
	var shown userJSON
	if err := json.Unmarshal([]byte(js), &shown); err != nil || !shown.PasswordSet || shown.Username != "john.doe" || shown.Email != "john@example.com" {
		t.Fatalf("show --json: %v %+v", err, shown)
	}
	db, err := store.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := db.GetUserByName(context.Background(), "john.doe")
	if ok, _ := db.VerifyPassword(context.Background(), u.ID, "correct horse battery"); !ok {
		t.Fatal("the password set by the CLI does not verify")
	}
	db.Close()

	expect(t, 0, []string{"user ann disabled"}, "", users("disable", "ann")...)
	expect(t, 0, []string{"already disabled"}, "", users("disable", "ann")...)
	expect(t, 0, []string{"disabled"}, "", users("list", "--search", "ann")...)
	expect(t, 0, []string{"user ann enabled"}, "", users("enable", "ann")...)
	expect(t, 1, []string{`no user named "zed"`}, "", users("enable", "zed")...)

	expect(t, 0, []string{"user ann deleted (it was never synchronized to the directory)"}, "", users("delete", "ann")...)
	expect(t, 1, []string{`no user named "ann"`}, "", users("show", "ann")...)

	var list []userJSON
	js = expect(t, 0, nil, "", users("list", "--json")...)
	if err := json.Unmarshal([]byte(js), &list); err != nil || len(list) != 1 || list[0].Username != "john.doe" {
		t.Fatalf("list --json: %v %s", err, js)
	}
}

func TestUsersCommandLinkedDelete(t *testing.T) {
	f := newUsersFixture(t, "two-way")
	ctx := context.Background()
	db, err := store.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := db.CreateUser(ctx, store.NewUser{Username: "linked", FromLDAP: true})
	dn := `cn=Doe\, John,ou=people,dc=example,dc=com`
	if _, err := db.UpsertLink(ctx, store.Link{Kind: store.KindUser, LocalID: u.ID, StableID: "uuid-1", DN: dn}); err != nil {
		t.Fatal(err)
	}
	g, _ := db.CreateGroup(ctx, "staff", "", true)
	db.AddMember(ctx, u.ID, g.ID)
	db.Close()

	expect(t, 0, []string{"ldap, linked", "staff"}, "", "users", "list", "-c", f.config)
	expect(t, 0, []string{"directory:", dn, "created by a sync"}, "", "users", "show", "linked", "-c", f.config)
	expect(t, 0, []string{"the next sync locks " + dn + " if the directory marks locked accounts"}, "", "users", "disable", "linked", "-c", f.config)
	expect(t, 0, []string{"user linked deleted", "the next sync deletes " + dn}, "", "users", "delete", "linked", "-c", f.config)
	expect(t, 0, []string{"no users"}, "", "users", "list", "-c", f.config)
	expect(t, 0, []string{"deleted*", "next sync deletes the directory entry"}, "", "users", "list", "--deleted", "-c", f.config)
	expect(t, 0, []string{"waiting for the next sync"}, "", "users", "show", "linked", "-c", f.config)
	expect(t, 1, []string{"is deleted"}, "", "users", "set", "linked", "--email", "a@b.c", "-c", f.config)
	expect(t, 1, []string{"ldapwiz sync", "--purge"}, "", "users", "add", "linked", "-c", f.config)
	expect(t, 0, []string{"purged"}, "", "users", "delete", "linked", "--purge", "-c", f.config)
	expect(t, 0, []string{"user linked created"}, "", "users", "add", "linked", "-c", f.config)
}

func TestUsersCommandImportModeNotes(t *testing.T) {
	f := newImportFixtureWithLinkedUser(t)
	expect(t, 0, []string{`sync.mode is "import"`, "overwrites"}, "", "users", "set", "imp", "--last", "X", "-c", f.config)
}

func TestUsersCommandUsageAndConfig(t *testing.T) {
	f := newUsersFixture(t, "two-way")
	expect(t, 2, []string{"Usage: ldapwiz users"}, "", "users")
	expect(t, 0, []string{"passwd", "disable", "delete"}, "", "users", "--help")
	expect(t, 2, []string{`unknown subcommand "frob"`}, "", "users", "frob", "-c", f.config)
	expect(t, 0, []string{"--email", "--password-stdin"}, "", "users", "add", "--help")
	expect(t, 2, []string{"unknown flag: --colour"}, "", "users", "list", "--colour", "-c", f.config)
	expect(t, 2, []string{"exactly one user name"}, "", "users", "show", "-c", f.config)
	expect(t, 2, []string{"exactly one user name"}, "", "users", "disable", "a", "b", "-c", f.config)
	expect(t, 2, []string{"unexpected argument"}, "", "users", "list", "x", "-c", f.config)

	missing := filepath.Join(f.dir, "nope.toml")
	expect(t, 2, []string{"config file " + missing + " not found", "--db PATH"}, "", "users", "list", "-c", missing)

	// --db works without any config file.
	other := filepath.Join(f.dir, "other.db")
	expect(t, 0, []string{"user solo created"}, "", "users", "add", "solo", "--db", other, "-c", missing)
	expect(t, 0, []string{"solo"}, "", "users", "list", "--db="+other, "-c", missing)

	// An empty store.path is explained.
	empty := filepath.Join(f.dir, "empty.toml")
	os.WriteFile(empty, []byte("[store]\npath = \"\"\n"), 0o600)
	expect(t, 2, []string{"store.path is empty"}, "", "users", "list", "-c", empty)

	// A TOML syntax error is reported as such.
	broken := filepath.Join(f.dir, "broken.toml")
	os.WriteFile(broken, []byte("[store\n"), 0o600)
	code, _, errs := cli(t, "", "users", "list", "-c", broken)
	if code != 2 || errs == "" {
		t.Fatalf("broken config: exit %d, %q", code, errs)
	}
}
