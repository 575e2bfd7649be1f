package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// twinLDIF is the same uid in two OUs: an ambiguous login name.
const twinLDIF = `dn: uid=twin,ou=ou1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: twin
cn: Twin One
sn: One
userPassword: Passw0rd!

dn: uid=twin,ou=ou2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: twin
cn: Twin Two
sn: Two
userPassword: Passw0rd!
`

// openLoginPanel goes to the Users screen and presses enter on "Try a
// user's login…".
func openLoginPanel(t *testing.T, d *driver) {
	t.Helper()
	d.gotoScreen(wizard.ScreenUsers)
	if !d.m.formOf(wizard.ScreenUsers).focusKey("ui.login", d.m.Settings()) {
		t.Fatal("the Users screen has no \"Try a user's login…\" button")
	}
	d.contains("Try a user's login…")
	d.keys("enter")
	d.contains("Try a user's login", "Username:", "Password:", "repeated failures may lock the account")
}

// TestLoginPanelAgainstSlapd drives "Try a user's login…" with real keys
// against a real slapd with ppolicy: a good password, a wrong one, a
// locked account, an ambiguous username; the password is never drawn.
func TestLoginPanelAgainstSlapd(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{PPolicy: true, ExtraLDIF: twinLDIF})
	s := slapdSettings(srv)
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 110, 40)
	openLoginPanel(t, d)

	// Enter on the username goes to the password; enter there checks.
	d.keys("type:zsimkova", "enter", "type:"+slapdtest.UserPassword)
	d.lacks(slapdtest.UserPassword)
	d.contains("Password: •••••••••")
	d.keys("enter")
	d.contains("✓ Connect as the bind account", "✓ Find the user: found uid=zsimkova,ou=engineering,ou=people,dc=example,dc=com",
		"✓ Bind as the user with the password: the directory accepted the password",
		"✗ The store user: no store user is linked", "would fail at: the store user")
	d.lacks(slapdtest.UserPassword)
	if d.m.login.password.Value() != "" {
		t.Error("the panel kept the password after the check")
	}

	// e: another try, the username kept; a wrong password is decoded.
	d.keys("e", "enter", "type:Not-the-Passw0rd", "enter")
	d.contains("✗ Bind as the user with the password: refused: the password is wrong")
	d.lacks("Not-the-Passw0rd")

	// A locked account (ppolicy pwdAccountLockedTime).
	srv.Lock(t, "uid=lzolw,ou=platform,ou=engineering,ou=people,dc=example,dc=com")
	d.keys("e", "ctrl+u", "type:lzolw", "enter", "type:"+slapdtest.UserPassword, "enter")
	d.contains("✗ Bind as the user with the password: refused: the account is locked", "pwdAccountLockedTime")

	// An ambiguous username names both entries and tries no password.
	d.keys("e", "ctrl+u", "type:twin", "enter", "type:"+slapdtest.UserPassword, "enter")
	d.contains("the username is ambiguous", "uid=twin,ou=ou1,ou=people,dc=example,dc=com", "uid=twin,ou=ou2,ou=people,dc=example,dc=com",
		"· Bind as the user with the password: not run")

	// esc closes the panel; the Users screen is back.
	d.keys("esc")
	d.lacks("Try a user's login —")
	d.contains("Where the users are and which attributes feed the store.")
}

// TestLoginPanelLines: tab moves between the lines, an empty password is
// refused before anything is sent, and esc closes from the lines.
func TestLoginPanelLines(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 100, 30)
	openLoginPanel(t, d)
	d.keys("enter")
	d.contains("type the username first")
	d.keys("type:jdoe", "tab", "enter")
	d.contains("type the password")
	if !d.m.login.onPassword || d.m.login.running {
		t.Fatalf("an empty password started a check: %+v", d.m.login)
	}
	d.keys("tab", "type:x")
	if got := d.m.login.user.Value(); got != "jdoex" {
		t.Errorf("tab back to the username line: it holds %q", got)
	}
	d.keys("esc")
	if d.m.login != nil || !strings.Contains(d.screen(), "Where the users are and which attributes feed the store.") {
		t.Errorf("esc did not close the panel:\n%s", d.screen())
	}
}

// TestLoginPanelCancel: esc while a login is checked cancels it, and the
// late answer of the cancelled check changes nothing on the panel.
func TestLoginPanelCancel(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Store.Path = filepath.Join(t.TempDir(), "store.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 110, 40)
	openLoginPanel(t, d)
	d.keys("type:jdoe", "enter", "type:wrong-password")
	_, cmd := d.m.Update(keyMsg("enter")) // the check starts; its answer is held back
	if !d.m.login.running {
		t.Fatal("enter on the password did not start a check")
	}
	d.keys("esc")
	d.contains("cancelled")
	d.run(cmd) // the late answer
	if p := d.m.login; p == nil || p.running || p.res != nil || p.err != "cancelled" {
		t.Fatalf("the cancelled check's answer was taken: %+v", p)
	}
	d.lacks("would fail at")
}
