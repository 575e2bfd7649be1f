package store

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ldapwiz/internal/pgtest"
)

// TestBothBackendsHaveTheSameMigrations: every schema change has its
// PostgreSQL twin, so both backends stand at the same version.
func TestBothBackendsHaveTheSameMigrations(t *testing.T) {
	if len(pgMigrations()) != len(migrations()) {
		t.Fatalf("%d PostgreSQL migrations, %d SQLite ones: add the twin of each", len(pgMigrations()), len(migrations()))
	}
}

// TestPostgresOpenNamesTheSettingToFix opens a real PostgreSQL store with
// each setting wrong in turn: the error names the setting and never shows
// the password.
func TestPostgresOpenNamesTheSettingToFix(t *testing.T) {
	ctx := context.Background()
	good := pgTestConfig(t)
	withPW := strings.Replace(good.URL, "://", "://"+"u:"+good.Password+"@", 1)
	for _, c := range []struct {
		name string
		cfg  func(c Config) Config
		want string
	}{
		{"password in the URL", func(c Config) Config { c.URL = withPW; return c }, "store.password_file"},
		{"wrong password", func(c Config) Config { c.Password = "not-the-password"; return c }, "store.password_file or store.password_env"},
		{"no CA", func(c Config) Config { c.CAFile = ""; return c }, "store.ca_file"},
		{"no such database", func(c Config) Config { c.URL += "_nope"; return c }, "store.url"},
		{"not a URL", func(c Config) Config { c.URL = "mysql://x"; return c }, "store.url"},
		{"nobody listening", func(c Config) Config { c.URL = "postgres://u@127.0.0.1:1/db"; return c }, "host and port in store.url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.cfg(good).Open(ctx)
			if err == nil {
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error lacks %q: %v", c.want, err)
			}
			if strings.Contains(err.Error(), good.Password) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// TestPostgresReadOnlyNeverWrites: a read-only open of a database without
// the schema says so without creating it; of a migrated one, reads work
// and writes are refused by the server.
func TestPostgresReadOnlyNeverWrites(t *testing.T) {
	ctx := context.Background()
	c := pgTestConfig(t)
	if _, err := c.OpenReadOnly(ctx); !errors.Is(err, ErrNoSchema) || !errors.Is(err, ErrSchemaNotCurrent) {
		t.Fatalf("read-only open of an empty database: %v", err)
	}
	db, err := c.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustUser(t, db, "ronly")
	db.Close()
	ro, err := c.OpenReadOnly(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.GetUserByName(ctx, "RONLY"); err != nil {
		t.Fatalf("read (any case): %v", err)
	}
	if _, err := ro.CreateUser(ctx, NewUser{Username: "w"}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("write through a read-only open: %v", err)
	}
	if v, err := ro.SchemaVersion(ctx); err != nil || v != LatestSchemaVersion() {
		t.Fatalf("schema version %d %v", v, err)
	}
}

// TestRebindSkipsQuotedText: only placeholders outside quotes become $n.
func TestRebindSkipsQuotedText(t *testing.T) {
	got := postgresDialect.rebind(`SELECT '?', "a?b" FROM t WHERE a = ? AND b IN (?, ?)`)
	want := `SELECT '?', "a?b" FROM t WHERE a = $1 AND b IN ($2, $3)`
	if got != want {
		t.Fatalf("rebind = %s, want %s", got, want)
	}
	if s := sqliteDialect.rebind("a = ?"); s != "a = ?" {
		t.Fatalf("SQLite rebind changed the query: %s", s)
	}
}

// FuzzRedactURL: a password in a store URL never survives redaction.
func FuzzRedactURL(f *testing.F) {
	f.Add("postgres://u:secretpw@h/db", "secretpw")
	f.Add("postgres://u@h/db?password=secretpw", "secretpw")
	f.Fuzz(func(t *testing.T, raw, pw string) {
		if len(pw) < 6 || strings.ContainsAny(pw, "%@:/?#&=+ ;") || strings.Contains(raw, pw) {
			return
		}
		for _, u := range []string{"postgres://u:" + pw + "@h/db" + raw, "postgres://u@h/db?password=" + pw + "&" + raw} {
			// Read back as a URL, so that the password counts in any
			// encoding, and text that only looks like it across a
			// percent-escape (%21 then 00000 holding "100000") does not.
			out := RedactURL(u)
			back, err := url.Parse(out)
			if err != nil {
				if out != "(not a URL)" {
					t.Fatalf("RedactURL(%q) = %q, which does not parse: %v", u, out, err)
				}
				continue
			}
			leak := strings.Contains(back.User.String(), pw) || strings.Contains(back.Host, pw)
			if p, ok := back.User.Password(); ok && strings.Contains(p, pw) {
				leak = true
			}
			for k, vs := range back.Query() {
				for _, v := range vs {
					leak = leak || strings.Contains(k, pw) || strings.Contains(v, pw)
				}
			}
			if leak {
				t.Fatalf("RedactURL(%q) = %q", u, out)
			}
		}
	})
}

// TestPostgresKeyFileBesideStorePath: on PostgreSQL the key sealing pending
// passwords is the file beside store.path.
func TestPostgresKeyFileBesideStorePath(t *testing.T) {
	ctx := context.Background()
	db := openPGTest(t)
	u := mustUser(t, db, "kim")
	if _, err := db.SetPassword(ctx, u.ID, "kim's password"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(KeyPath(db.cfg.Path)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
}

// TestCheckConnectionReportsTheSchemaVersion: a fresh database has none
// yet, a migrated one the latest, one a version behind that version (the
// next sync migrates it); nothing is written.
func TestCheckConnectionReportsTheSchemaVersion(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		db := be.open(t)
		ch, err := CheckConnection(ctx, db.cfg)
		if err != nil || ch.Version != LatestSchemaVersion() || ch.Latest != LatestSchemaVersion() {
			t.Fatalf("migrated: %+v %v", ch, err)
		}
		if _, err := db.sql.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
			t.Fatal(err)
		}
		ch, err = CheckConnection(ctx, db.cfg)
		if err != nil || ch.Version != LatestSchemaVersion()-1 {
			t.Fatalf("a version behind: %+v %v", ch, err)
		}
		if v, _ := db.SchemaVersion(ctx); v != LatestSchemaVersion()-1 {
			t.Fatalf("the check migrated the database to %d", v)
		}
	})
	ch, err := CheckConnection(context.Background(), pgTestConfig(t))
	if err != nil || ch.Version != 0 || ch.Backend != "PostgreSQL" {
		t.Fatalf("fresh PostgreSQL database: %+v %v", ch, err)
	}
}

// TestPostgresOverTheUnixSocket: a URL naming the server's socket
// directory (host=/path) opens the store; TLS does not apply there.
func TestPostgresOverTheUnixSocket(t *testing.T) {
	d := pgtest.NewDB(t)
	u := "postgres://" + d.User + "@/" + d.Name + "?host=" + url.QueryEscape(d.Server.Dir) + "&port=" + strconv.Itoa(d.Port)
	db, err := Config{Path: filepath.Join(t.TempDir(), "x.db"), URL: u, Password: d.Password}.Open(context.Background())
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	db.Close()
}

// FuzzCheckURL: any store URL is checked without panicking, and a password
// given in it (user info or password=) is refused and never quoted back.
func FuzzCheckURL(f *testing.F) {
	f.Add("h:5432/db", "secretpw")
	f.Add("/db?host=/run/postgresql", "secretpw")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, rest, pw string) {
		_ = CheckURL(rest)
		if len(pw) < 6 || strings.ContainsAny(pw, "%@:/?#&=+ ;") || strings.ContainsAny(rest, "#@") ||
			strings.Contains(rest, pw) || strings.Contains(url.PathEscape(rest), pw) || strings.Contains(url.QueryEscape(rest), pw) {
			return
		}
		sep := "?"
		if strings.Contains(rest, "?") {
			sep = "&"
		}
		for _, raw := range []string{"postgres://u:" + pw + "@" + rest, "postgres://u@" + rest + sep + "password=" + pw} {
			err := CheckURL(raw)
			if err == nil {
				t.Fatalf("CheckURL(%q) accepted a password", raw)
			}
			if strings.Contains(err.Error(), pw) {
				t.Fatalf("CheckURL(%q) quotes the password: %v", raw, err)
			}
		}
	})
}

// TestPostgresWithoutStorePathRefusesToSealAPassword: with no store.path
// there is no place for the key file, and setting a password says so
// rather than writing ".key" in the working directory.
func TestPostgresWithoutStorePathRefusesToSealAPassword(t *testing.T) {
	ctx := context.Background()
	c := pgTestConfig(t)
	c.Path = ""
	db, err := c.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := mustUser(t, db, "nokey")
	if _, err := db.SetPassword(ctx, u.ID, "a fine password"); err == nil || !strings.Contains(err.Error(), "store.path") {
		t.Fatalf("SetPassword without store.path: %v", err)
	}
	if _, err := os.Stat(".key"); err == nil {
		t.Fatal("a key file was written in the working directory")
	}
}
