package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// slapdSettings points the settings at a private slapd, with the admin
// password inline (the test's only secret, public fixture data).
func slapdSettings(srv *slapdtest.Server) wizard.Settings {
	s, _ := wizard.Preset(wizard.PresetOpenLDAP)
	s.Connection.URL = srv.URL
	s.Connection.StartTLS = true
	s.Connection.CAFile = srv.CAFile
	s.Connection.BindDN = srv.AdminDN
	s.Connection.BindPassword = srv.AdminPassword
	s.Users.SearchBase = slapdtest.PeopleDN
	s.Groups.SearchBase = slapdtest.GroupsDN
	return s
}

func TestConnectionTestAgainstSlapd(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter", "ctrl+t")
	if d.m.connS().test.running || d.m.connS().test.result == nil {
		t.Fatal("the test did not finish")
	}
	for _, s := range d.m.connS().test.steps {
		if s.Status == ldap.StepFailed {
			t.Fatalf("step %s failed: %s / %s", s.ID, s.Detail, s.Hint)
		}
	}
	d.contains("Connection test", "✓ Resolve the host name", "✓ Bind")
	d.lacks("settings changed since")
	d.replace("connection.timeout", "20s")
	d.contains("settings changed since: ctrl+t tests again")
}

func TestWrongPasswordShowsBindHint(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Connection.BindPassword = ""
	s.Connection.BindPasswordFile = "/nonexistent/pw"
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.m.formOf(wizard.ScreenConnection).focusKey("ui.test_password", d.m.Settings())
	d.keys("type:wrong-password", "ctrl+t")
	bind := d.m.connS().test.result.Step(ldap.StepBind)
	if bind.Status != ldap.StepFailed || bind.Hint == "" {
		t.Fatalf("bind step = %+v", bind)
	}
	// The typed password was wrong: ctrl+g goes back to it, not to the
	// configured source the step names.
	d.contains("✗ Bind", "ctrl+g goes to Password for the test")
	d.lacks("wrong-password")
	d.keys("tab", "ctrl+g")
	if f := d.m.currentField(); f == nil || f.Key != "ui.test_password" {
		t.Fatalf("ctrl+g focused %v, want ui.test_password", f)
	}
	// Without a typed password, the configured source is blamed.
	d.keys("ctrl+u", "ctrl+t", "ctrl+g")
	if f := d.m.currentField(); f == nil || f.Key != bind.Setting {
		t.Fatalf("ctrl+g focused %v, want %s", f, bind.Setting)
	}
}

func TestFindingsApplyNamingContext(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Users.SearchBase = "ou=people,dc=elsewhere,dc=org"
	s.Groups.SearchBase = "ou=groups,dc=elsewhere,dc=org"
	d := newDriver(t, Options{Settings: s, Exists: true}, 120, 40)
	d.keys("enter", "ctrl+t")
	d.contains("outside the directory's naming context dc=example,dc=com", "ctrl+a")
	d.keys("ctrl+a")
	got := d.m.Settings()
	if got.Users.SearchBase != "ou=people,dc=example,dc=com" || got.Groups.SearchBase != "ou=groups,dc=example,dc=com" {
		t.Fatalf("bases = %q, %q", got.Users.SearchBase, got.Groups.SearchBase)
	}
}

func TestBrowserPicksUserBase(t *testing.T) {
	srv := slapdtest.Start(t)
	s := slapdSettings(srv)
	s.Users.SearchBase = ""
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.keys("ctrl+b")
	if d.m.browser == nil {
		t.Fatal("no browser")
	}
	d.contains("dc=example,dc=com")
	d.keys("right") // expand the naming context
	d.contains("ou=people", "ou=groups", "ou=empty")
	// Walk down to ou=people and pick it.
	for range 20 {
		if n := d.m.browser.current(); n != nil && n.RDN == "ou=people" {
			break
		}
		d.keys("j")
	}
	d.keys("right")
	d.contains("ou=engineering", "ou=sales")
	d.keys("enter")
	if d.m.browser != nil {
		t.Fatal("browser still open after enter")
	}
	if got := d.m.Settings().Users.SearchBase; !ldap.DNEqual(got, slapdtest.PeopleDN) {
		t.Fatalf("users.search_base = %q", got)
	}
}

func TestBrowserFilterAndEntryPane(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenGroups)
	d.keys("ctrl+b", "left", "right", "j") // it opens on the field's base, ou=groups: ← goes up to the naming context
	d.keys("/", "type:peo", "enter")
	d.contains("ou=people", "filter under dc=example,dc=com: peo")
	d.lacks("ou=groups")
	n := d.m.browser.current()
	if n == nil || n.RDN != "ou=people" {
		t.Fatalf("cursor on %+v", n)
	}
	// The entry pane shows the entry's attributes after the debounce.
	d.contains("objectClass: organizationalUnit")
	d.keys("esc") // clears the filter
	d.contains("ou=groups")
	d.keys("esc") // closes
	if d.m.browser != nil {
		t.Fatal("esc did not close the browser")
	}
}

func TestBrowserTenThousandChildren(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{BulkUsers: 10000})
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.keys("ctrl+b", "left", "right") // it opens on the field's base: ← goes up to the naming context
	for range 20 {
		if n := d.m.browser.current(); n != nil && n.RDN == "ou=bulk" {
			break
		}
		d.keys("down")
	}
	start := time.Now()
	d.keys("right") // the driver follows every page
	if n := d.m.browser.current(); !n.loaded || len(n.children) != 10000 {
		t.Fatalf("ou=bulk loaded=%v children=%d", n.loaded, len(n.children))
	}
	t.Logf("10,000 children listed in %v", time.Since(start))
	d.contains("ou=bulk (10000)")
	// Moving and drawing stay fast: only the visible rows are rendered.
	render := time.Now()
	for range 100 {
		d.m.Update(keyMsg("pgdown")) // the entry reads it schedules are not awaited
		_ = d.m.Render()
	}
	if el := time.Since(render); el > 2*time.Second {
		t.Fatalf("100 page-downs with redraws over 10,000 rows took %v", el)
	}
	t.Logf("100 page-downs with redraws: %v", time.Since(render))
	if !strings.Contains(d.screen(), "uid=bulk") {
		t.Fatalf("no bulk rows on screen:\n%s", d.screen())
	}
}

func TestLiveCountsAndZeroMatchDiagnosis(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	c := d.m.liveCount("users")
	if !c.done || c.err != "" || c.n < 100 {
		t.Fatalf("user count = %+v", c)
	}
	d.contains("✓ matches " + thousands(c.n) + " users")

	// A base with no users: the diagnosis names the base.
	d.replace("users.search_base", "ou=empty,dc=example,dc=com")
	d.contains("matches no users", "users.search_base")
	if d.m.liveCount("users").setting != "users.search_base" {
		t.Fatalf("diagnosis blames %q: %s", d.m.liveCount("users").setting, d.m.liveCount("users").diagnose)
	}

	// A filter that removes everyone: the diagnosis names the filter.
	d.replace("users.search_base", slapdtest.PeopleDN)
	d.replace("users.filter", "(uid=nobody-has-this)")
	d.contains("matches no users", "users.filter")
	if d.m.liveCount("users").setting != "users.filter" {
		t.Fatalf("diagnosis blames %q: %s", d.m.liveCount("users").setting, d.m.liveCount("users").diagnose)
	}

	// A wrong object class.
	d.replace("users.filter", "")
	d.replace("users.object_class", "inetOrgPersonX")
	if d.m.liveCount("users").setting != "users.object_class" {
		t.Fatalf("diagnosis blames %q: %s", d.m.liveCount("users").setting, d.m.liveCount("users").diagnose)
	}
	t.Logf("\n%s", d.screen())
}

func TestStaleCountIsDropped(t *testing.T) {
	m := New(Options{Path: "x.toml", Settings: wizard.Default(), Exists: true})
	m.screen = 2 // Users
	users := m.cur().(*searchScreen)
	users.liveCountCmd()
	old := users.count.req.seq
	m.settings.Users.Filter = "(mail=*)"
	users.liveCountCmd()
	m.Update(countMsg{what: "users", seq: old, n: 42})
	if users.count.done {
		t.Fatal("an answer to an older question was shown")
	}
	m.Update(countMsg{what: "users", seq: users.count.req.seq, n: 7})
	if !users.count.done || users.count.n != 7 {
		t.Fatalf("current answer not shown: %+v", users.count)
	}
}

func TestAttributePickerShowsStatsAndWarns(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.username_attribute", "")
	d.keys("ctrl+o")
	if d.m.picker == nil || d.m.picker.loading {
		t.Fatal("picker not loaded")
	}
	d.contains("uid", "unique", "e.g.")
	d.keys("type:cn")
	d.contains("values repeat: not unique") // cn=user1 sits in two OUs
	d.keys("enter")                         // picks cn: the field warns that it is not unique
	d.contains("! cn: values repeat on")    // the directory check's answer (attrcheck.go)
	d.keys("ctrl+o", "type:uid")
	d.keys("enter")
	d.lacks("in the directory: values repeat")
	if got := d.m.Settings().Users.UsernameAttribute; got != "uid" {
		t.Fatalf("username_attribute = %q", got)
	}
	// Free typing: a name no entry carries is still accepted.
	d.keys("ctrl+o", "type:myCustomAttr", "enter")
	if got := d.m.Settings().Users.UsernameAttribute; got != "myCustomAttr" {
		t.Fatalf("username_attribute = %q after free typing", got)
	}
}

func TestObjectClassPicker(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.object_class", "")
	d.keys("ctrl+o")
	d.contains("inetOrgPerson", "entries under the base")
	d.keys("type:inetorg", "enter")
	if got := d.m.Settings().Users.ObjectClass; got != "inetOrgPerson" {
		t.Fatalf("object_class = %q", got)
	}
}

func TestGroupMultiSelect(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenGroups)
	d.m.formOf(wizard.ScreenGroups).focusKey("groups.sync_only", d.m.Settings())
	d.keys("ctrl+o")
	d.contains("archive-all", "2,000 members")
	d.keys("type:engineering", "space", "ctrl+u", "type:staff", "space", "enter")
	got := d.m.Settings().Groups.SyncOnly
	if strings.Join(got, ",") != "engineering,staff" {
		t.Fatalf("sync_only = %q", got)
	}
	d.contains("engineering, staff")
}

func TestBrowseApp(t *testing.T) {
	srv := slapdtest.Start(t)
	bm := NewBrowse("ldapwiz.toml", slapdSettings(srv), nil, false)
	d := &driver{t: t}
	run := func(msg tea.Msg) {
		_, cmd := bm.Update(msg)
		d.runWith(cmd, func(m tea.Msg) { run2(bm, d, m) })
	}
	run(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.runWith(bm.Init(), func(m tea.Msg) { run2(bm, d, m) })
	run(keyMsg("enter")) // expands the naming context in plain browsing
	s := ansi.Strip(bm.Render())
	for _, want := range []string{"ldapwiz browse", "dc=example,dc=com", "ou=people", "esc/q quit"} {
		if !strings.Contains(s, want) {
			t.Fatalf("browse view lacks %q:\n%s", want, s)
		}
	}
	run(keyMsg("q"))
	if !d.quit {
		t.Fatal("q did not quit")
	}
}

// run2 feeds a message to the browse model and follows its commands.
func run2(bm *BrowseModel, d *driver, msg tea.Msg) {
	_, cmd := bm.Update(msg)
	d.runWith(cmd, func(m tea.Msg) { run2(bm, d, m) })
}
