package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ldapwiz/wizard"
)

// settingKeys lists every dotted key of wizard.Settings by reflection.
func settingKeys(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		k := strings.Split(f.Tag.Get("toml"), ",")[0]
		if k == "" || k == "-" {
			continue
		}
		if prefix != "" {
			k = prefix + "." + k
		}
		if f.Type.Kind() == reflect.Struct {
			out = append(out, settingKeys(f.Type, k)...)
		} else {
			out = append(out, k)
		}
	}
	return out
}

func TestEverySettingIsOnAScreen(t *testing.T) {
	m := New(Options{Path: "x.toml", Settings: wizard.Default()})
	for _, k := range settingKeys(reflect.TypeOf(wizard.Settings{}), "") {
		found := false
		for _, f := range m.forms() {
			if f.has(k) {
				found = true
			}
		}
		if !found {
			t.Errorf("setting %s is on no screen", k)
		}
	}
}

func TestWelcomePresetGoesToConnection(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.contains("New: OpenLDAP", "New: Active Directory", "New: 389 Directory Server")
	d.keys("down", "enter") // Active Directory
	if d.m.Screen() != wizard.ScreenConnection {
		t.Fatalf("screen = %s, want connection", d.m.Screen())
	}
	s := d.m.Settings()
	if !s.Connection.ActiveDirectory || s.Users.UsernameAttribute != "sAMAccountName" {
		t.Fatalf("AD preset not applied: %+v", s.Connection)
	}
	d.contains("ldaps://dc1.example.com")
}

func TestWelcomeOpenExistingKeepsSettings(t *testing.T) {
	s := wizard.Default()
	s.Connection.URL = "ldap://kept.example.com"
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.contains("Open ")
	d.keys("enter")
	if got := d.m.Settings().Connection.URL; got != "ldap://kept.example.com" {
		t.Fatalf("url = %q", got)
	}
	if d.m.Dirty() {
		t.Fatal("opening the file made it dirty")
	}
}

func TestTypingEditsSettings(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter") // OpenLDAP preset
	for range len("ldap://ldap.example.com") {
		d.keys("backspace")
	}
	d.keys("type:ldaps://dir.test:1636")
	if got := d.m.Settings().Connection.URL; got != "ldaps://dir.test:1636" {
		t.Fatalf("url = %q", got)
	}
	d.contains("ldaps://dir.test:1636", "Not used with ldaps://")
	if !d.m.Dirty() {
		t.Fatal("not dirty after an edit")
	}
}

func TestTabShiftTabAndToggles(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter", "tab") // StartTLS field
	if f := d.m.currentField(); f.Key != "connection.start_tls" {
		t.Fatalf("focus on %s", f.Key)
	}
	before := d.m.Settings().Connection.StartTLS
	d.keys("space")
	if d.m.Settings().Connection.StartTLS == before {
		t.Fatal("space did not toggle start_tls")
	}
	d.keys("shift+tab")
	if f := d.m.currentField(); f.Key != "connection.url" {
		t.Fatalf("focus on %s after shift+tab", f.Key)
	}
	d.keys("down", "down")
	if f := d.m.currentField(); f.Key != "connection.verify_tls" {
		t.Fatalf("focus on %s after down down", f.Key)
	}
	d.keys("space")
	d.contains("[ ] no")
	if d.m.Settings().Connection.VerifyTLS {
		t.Fatal("verify_tls still on")
	}
}

func TestPasswordSourceSwitch(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	f := d.m.formOf(wizard.ScreenConnection)
	if !f.focusKey("ui.password_source", d.m.Settings()) {
		t.Fatal("no password source field")
	}
	d.keys("tab", "type:/etc/ldapwiz/bind.pw", "shift+tab", "right")
	d.contains("Environment variable")
	d.keys("tab", "type:LDAP_PW")
	c := d.m.Settings().Connection
	if c.BindPasswordEnv != "LDAP_PW" || c.BindPasswordFile != "" {
		t.Fatalf("env source not applied: %+v", c)
	}
	d.keys("shift+tab", "left")
	c = d.m.Settings().Connection
	if c.BindPasswordFile != "/etc/ldapwiz/bind.pw" || c.BindPasswordEnv != "" {
		t.Fatalf("switching back to file lost its value: %+v", c)
	}
}

func TestSecretIsMasked(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.test_password", d.m.Settings())
	d.keys("type:s3cr?t")
	d.lacks("s3cr?t")
	d.contains("••••••")
	if d.m.showHelp {
		t.Fatal("? in a password field opened the help")
	}
	enc := string(d.m.encoded)
	if strings.Contains(enc, "s3cr?t") {
		t.Fatal("the test password reached the file")
	}
}

func TestEnrollmentGreysAndSMTPAppears(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenEnrollment)
	d.contains("Turn on enrollment first")
	d.lacks("Mail server")
	d.keys("tab", "space") // auto-invite is disabled: nothing happens
	if d.m.Settings().Enrollment.AutoInvite {
		t.Fatal("auto_invite toggled while enrollment is off")
	}
	d.keys("shift+tab", "space", "tab", "space")
	s := d.m.Settings()
	if !s.Enrollment.Enabled || !s.Enrollment.AutoInvite {
		t.Fatalf("enrollment = %+v", s.Enrollment)
	}
	d.contains("Mail server")
}

func TestIntFieldRejectsText(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.m.formOf(wizard.ScreenConnection).focusKey("connection.page_size", d.m.Settings())
	d.keys("type:x")
	d.contains("must be a whole number")
	if d.m.Settings().Connection.PageSize != 500 {
		t.Fatal("page size changed by bad input")
	}
}

func TestEnterWalksTheFlowAndEscGoesBack(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	for d.m.Screen() == wizard.ScreenConnection {
		f := d.m.currentField()
		if f != nil && f.Kind == kindButton {
			d.keys("tab", "ctrl+n")
			break
		}
		d.keys("enter")
	}
	if d.m.Screen() != wizard.ScreenUsers {
		t.Fatalf("screen = %s", d.m.Screen())
	}
	d.keys("esc")
	if d.m.Screen() != wizard.ScreenConnection {
		t.Fatalf("esc went to %s", d.m.Screen())
	}
}

func TestSaveWritesFileAndClearsDirty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	d := newDriver(t, Options{Path: path}, 80, 24)
	d.keys("enter", "ctrl+s")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "ldap://ldap.example.com") {
		t.Fatalf("saved file lacks the URL:\n%s", data)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	if d.m.Dirty() {
		t.Fatal("still dirty after save")
	}
	d.contains("Saved " + path)
}

func TestQuitAsksWhenDirty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	d := newDriver(t, Options{Path: path}, 80, 24)
	d.keys("enter", "ctrl+c")
	if d.quit {
		t.Fatal("quit without asking")
	}
	d.contains("Unsaved changes", "save and quit", "discard and quit")
	d.keys("esc")
	d.lacks("Unsaved changes")
	d.keys("ctrl+c", "s")
	if !d.quit {
		t.Fatal("s did not save and quit")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("not saved: %v", err)
	}

	d2 := newDriver(t, Options{}, 80, 24)
	d2.keys("enter", "ctrl+c", "d")
	if !d2.quit {
		t.Fatal("d did not quit")
	}
}

func TestQuitAtOnceWhenClean(t *testing.T) {
	s := wizard.Default()
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("ctrl+c")
	if !d.quit {
		t.Fatal("clean wizard did not quit on ctrl+c")
	}
}

func TestHelpToggles(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("?")
	d.contains("Keys", "ctrl+s", "save")
	d.keys("esc")
	d.lacks("Press esc or ? to close")
}

func TestTooSmall(t *testing.T) {
	d := newDriver(t, Options{}, 50, 15)
	d.contains("50x15", "at least 60x20")
}

func TestReviewJumpsToProblemField(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	// Empty the URL: an error on the Connection screen.
	for range 40 {
		d.keys("backspace")
	}
	d.gotoScreen(wizard.ScreenReview)
	d.contains("Problems", "connection.url")
	var idx int
	for i, p := range d.m.Problems() {
		if p.Setting == "connection.url" {
			idx = i
		}
	}
	for range idx {
		d.keys("down")
	}
	d.keys("enter")
	if d.m.Screen() != wizard.ScreenConnection || d.m.currentField().Key != "connection.url" {
		t.Fatalf("enter went to %s / %v", d.m.Screen(), d.m.currentField().Key)
	}
}

func TestReviewShowsDiffAgainstDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ldapwiz.toml")
	s := wizard.Default()
	old, err := encodeSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Path: path, Settings: s, Exists: true, OnDisk: old}, 120, 40)
	d.keys("enter")
	d.m.formOf(wizard.ScreenConnection).focusKey("connection.bind_dn", d.m.Settings())
	d.keys("type:cn=svc,dc=example,dc=com")
	d.gotoScreen(wizard.ScreenReview)
	d.contains("+1 −1 against the file on disk", `+ bind_dn = "cn=svc,dc=example,dc=com"`, `- bind_dn = ""`)
}

func TestLineDiff(t *testing.T) {
	d := lineDiff("a\nb\nc\n", "a\nx\nc\nd\n")
	var got []string
	for _, l := range d {
		got = append(got, string(l.Op)+l.Text)
	}
	want := []string{" a", "-b", "+x", " c", "+d"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("diff = %q, want %q", got, want)
	}
}

func TestNoColorAndProfile(t *testing.T) {
	d := newDriver(t, Options{Color: true}, 80, 24)
	if !strings.Contains(d.m.Render(), "\x1b[") {
		t.Fatal("colour styles drew no escape codes")
	}
	// The terminal reports no colour (NO_COLOR, TERM=dumb): styles drop colour.
	d.send(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	if out := d.m.Render(); strings.Contains(out, "\x1b[3") || strings.Contains(out, "\x1b[9") {
		t.Fatalf("colour codes drawn without colour:\n%q", out)
	}
	// Focus is still visible without colour.
	if !strings.Contains(d.m.Render(), "\x1b[") {
		t.Fatal("no decoration at all without colour: focus would be invisible")
	}
	d.send(tea.ColorProfileMsg{Profile: colorprofile.ANSI})
	if !d.m.c.Styles.Color {
		t.Fatal("a 16-colour terminal did not get colour")
	}
}
