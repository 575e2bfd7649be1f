package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateStorePostgres: store.url's form, its password source and
// store.ca_file are checked without connecting, each problem on its
// setting, and a password never appears in a message.
func TestValidateStorePostgres(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pg.pw")
	if err := os.WriteFile(pwFile, []byte("pgsecret1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := func() Settings {
		s := Default()
		s.Store.Path = filepath.Join(dir, "ldapwiz.db")
		s.Store.URL = "postgres://ldapwiz@db.example.com:5432/app"
		s.Store.PasswordFile = pwFile
		return s
	}
	opts := ValidateOptions{Getenv: func(string) string { return "" }}
	for _, p := range Validate(good(), opts) {
		if strings.HasPrefix(p.Setting, "store.") {
			t.Errorf("good PostgreSQL store: %s: %s", p.Setting, p.Message)
		}
	}
	for _, c := range []struct {
		name, setting, text string
		edit                func(s *Settings)
	}{
		{"password in the URL", "store.url", "holds a password", func(s *Settings) { s.Store.URL = "postgres://u:pgsecret1@h/db" }},
		{"not a URL", "store.url", "not a PostgreSQL URL", func(s *Settings) { s.Store.URL = "mysql://h/db" }},
		{"no password source", "store.password_file", "no password source", func(s *Settings) { s.Store.PasswordFile = "" }},
		{"missing password file", "store.password_file", "Cannot read the password file", func(s *Settings) { s.Store.PasswordFile = filepath.Join(dir, "nope.pw") }},
		{"missing CA file", "store.ca_file", "Cannot read the CA file", func(s *Settings) { s.Store.CAFile = filepath.Join(dir, "nope.pem") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := good()
			c.edit(&s)
			ps := Validate(s, opts)
			if len(problemsFor(ps, c.setting, c.text)) == 0 {
				t.Errorf("no problem on %s with %q: %+v", c.setting, c.text, ps)
			}
			for _, p := range ps {
				if strings.Contains(p.Message, "pgsecret1") {
					t.Errorf("message shows the password: %s", p.Message)
				}
				if strings.HasPrefix(p.Setting, "store.") && ScreenFor(p.Setting) != ScreenSync {
					t.Errorf("%s is not edited on the sync screen", p.Setting)
				}
			}
		})
	}
	// The store config carries the password from its file.
	cfg, err := good().Store.Config(nil, nil)
	if err != nil || cfg.Password != "pgsecret1" || cfg.URL == "" {
		t.Fatalf("Config: %+v %v", cfg.URL, err)
	}
}
