package ui

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// previewDriver opens the wizard on settings pointing at srv with a store
// file that does not exist yet, at w x h, and goes to the Preview screen,
// which reads the plan on arrival.
func previewDriver(t *testing.T, srv *slapdtest.Server, w, h int) (*driver, string) {
	t.Helper()
	s := slapdSettings(srv)
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true}, w, h)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenPreview)
	return d, s.Store.Path
}

func TestPreviewAgainstSlapd(t *testing.T) {
	srv := slapdtest.Start(t)
	d, storePath := previewDriver(t, srv, 80, 24)
	p := d.m.previewS()
	if p.running || p.plan == nil {
		t.Fatalf("no plan: err %v, blocked %v\n%s", p.err, p.blocked, d.screen())
	}
	if _, err := os.Stat(storePath); !os.IsNotExist(err) {
		t.Fatalf("the preview created the store %s: %v", storePath, err)
	}
	d.contains("Plan: two-way sync, authority ldap", "Create", "Member", "Skip", "Store: 307 creates")
	d.golden("preview_plan_80x24")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.golden("preview_plan_120x40")

	// Tabs: the skipped entries say why.
	for range 5 {
		d.keys("right")
	}
	if got := p.tabs[p.tab].title; got != "Skipped" {
		t.Fatalf("tab %q after five rights", got)
	}
	if p.tabs[p.tab].count() > 0 {
		d.contains(p.tabs[p.tab].rows[0].what)
	}

	// The filter narrows the rows of the tab on show.
	d.keys("left", "left", "left", "left", "left") // back to Creates
	all := len(p.tabs[p.tab].rows)
	d.keys("/", "type:doe", "enter")
	rows := p.tabs[p.tab].filtered(p.filter.Value())
	if len(rows) == 0 || len(rows) >= all {
		t.Fatalf("filter doe kept %d of %d rows", len(rows), all)
	}
	// jdoe, and the group project-x whose new members (listed on its row) include jdoe.
	d.contains("jdoe", `cn=Doe\, John`, "/ doe", "2 of 307", "members (3): jdoe")
	d.keys("esc") // clears the filter
	if p.filter.Value() != "" {
		t.Fatal("esc did not clear the filter")
	}
	d.keys("j", "j", "pgdown", "k")
	if p.scroll == 0 {
		t.Fatal("the rows do not scroll")
	}

	// A changed setting marks the plan stale; r reads again.
	d.m.settings.Users.Filter = "(uid=nobody-at-all)"
	d.m.reencode()
	d.contains("The settings changed since this preview")
	d.keys("r")
	if p.plan == nil || p.plan.DirectoryUsers != 0 {
		t.Fatalf("r did not read again: %+v", p.plan)
	}
	d.lacks("The settings changed since this preview")
}

func TestPreviewShowsValidationErrorsAndCancels(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("enter") // the OpenLDAP preset: no bind password source
	d.gotoScreen(wizard.ScreenPreview)
	d.contains("The settings have 1 error", "connection.bind_password_file")
	if d.m.previewS().plan != nil {
		t.Fatal("a plan despite the errors")
	}
	// A running preview is cancelled by esc; its late answer is dropped.
	p := d.m.previewS()
	p.running, p.req.seq = true, 41
	d.m.Update(streamMsg{owner: ownerPreview, seq: 41, evs: []any{syncer.Event{Phase: syncer.PhaseReadDirectory, Done: 1234, Total: 2000, Estimated: true, Message: "reading users and groups"}}})
	d.contains("reading directory — reading users and groups", "1,234 of about 2,000 entries read", "esc cancels")
	d.keys("esc")
	if d.m.Screen() != wizard.ScreenPreview {
		t.Fatal("esc left the screen instead of cancelling")
	}
	d.send(previewDoneMsg{seq: 40, plan: &syncer.Plan{}})
	if p.plan != nil {
		t.Fatal("a stale answer was taken")
	}
}

// previewRunning opens the Preview screen with preview 7 on its way, and
// returns a plan of one user, ann, for its answer.
func previewRunning(t *testing.T) (*driver, *previewScreen, *syncer.Plan) {
	t.Helper()
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.gotoScreen(wizard.ScreenPreview)
	p := d.m.previewS()
	p.running, p.req.seq = true, 7
	return d, p, &syncer.Plan{Actions: []syncer.Action{{Side: syncer.SideStore, Op: syncer.OpCreate, Kind: "user", Name: "ann"}}}
}

// The plan's tabs come built with the answer (computePreview, off the
// update loop): the screen takes them as they are.
func TestPreviewTakesTheTabsBuiltOffTheUpdateLoop(t *testing.T) {
	d, p, plan := previewRunning(t)
	tabs := planTabs(plan)
	d.send(previewDoneMsg{seq: 7, plan: plan, tabs: tabs})
	if p.plan != plan || len(p.tabs) != len(tabs) || &p.tabs[0] != &tabs[0] {
		t.Fatal("the screen built its tabs again instead of taking the answer's")
	}
	d.contains("ann")
}
