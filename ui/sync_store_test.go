package ui

import (
	"strings"
	"testing"

	"ldapwiz/internal/pgtest"
	"ldapwiz/wizard"
)

// TestSyncScreenChecksAPostgresStore: on the Sync screen, the user database
// switches to PostgreSQL with space, which shows its URL, password and CA
// fields; the check button connects (read only) and says what it found, or
// what failed, never showing the password.
func TestSyncScreenChecksAPostgresStore(t *testing.T) {
	pg := pgtest.NewDB(t)
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	s.Store.Path = t.TempDir() + "/ldapwiz.db"
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 60)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenSync)
	d.contains("User database", "(•) SQLite file")
	d.lacks("PostgreSQL URL", "Check the store")

	f := d.m.formOf(wizard.ScreenSync)
	if !f.focusKey("ui.store_backend", d.m.Settings()) {
		t.Fatal("no user database choice")
	}
	d.keys("space")
	if got := d.m.Settings().Store.Backend(); got != wizard.StorePostgres {
		t.Fatalf("backend after space: %s", got)
	}
	d.contains("(•) PostgreSQL", "PostgreSQL URL", "Password file", "CA file", "Check the store")
	d.replace("store.url", pg.URL())
	d.replace("store.password_file", pg.PasswordFile)
	d.replace("store.ca_file", pg.CAFile)
	if !f.focusKey("ui.check_store", d.m.Settings()) {
		t.Fatal("no check button")
	}
	d.keys("enter")
	d.contains("✓ PostgreSQL at "+pg.URL(), "connected; no schema yet")

	// A wrong password: the failure names the setting, not the password.
	d.replace("store.password_file", "")
	d.replace("store.password_env", "LDAPWIZ_NO_SUCH_PG_PW")
	f.focusKey("ui.check_store", d.m.Settings())
	d.keys("enter")
	d.contains("✗ store.password_env")
	if strings.Contains(d.screen(), pg.Password) {
		t.Fatal("the screen shows the password")
	}

	// Back to SQLite: the PostgreSQL fields go away and the URL is cleared.
	f.focusKey("ui.store_backend", d.m.Settings())
	d.keys("space")
	if u := d.m.Settings().Store.URL; u != "" {
		t.Fatalf("store.url after switching back to SQLite: %q", u)
	}
	d.lacks("PostgreSQL URL")
}
