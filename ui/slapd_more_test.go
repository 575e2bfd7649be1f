package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestZeroMatchBaseFullOfOtherEntries: a base that holds entries, but no
// users (the groups branch), is blamed as the base, not as the object class.
func TestZeroMatchBaseFullOfOtherEntries(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.search_base", slapdtest.GroupsDN)
	d.contains("matches no users", "The base holds no users, but")
	if c := d.m.liveCount("users"); c.setting != "users.search_base" {
		t.Fatalf("diagnosis blames %q: %s", c.setting, c.diagnose)
	}
}

// TestBrowserReferralCollapseAndLoadingMark: a referral is marked in the
// tree and the entry pane, is neither expanded nor picked; a node shows
// "loading…" while its children are on their way; ← collapses.
func TestBrowserReferralCollapseAndLoadingMark(t *testing.T) {
	extra := "dn: ou=far," + slapdtest.BaseDN + "\nobjectClass: referral\nobjectClass: extensibleObject\nou: far\n" +
		"ref: ldap://far.example.net/ou=far,dc=example,dc=com\n\n"
	srv := slapdtest.StartWith(t, slapdtest.Options{ExtraLDIF: extra})
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenUsers)
	d.replace("users.search_base", "") // no base yet: the browser opens collapsed at the naming context
	d.keys("ctrl+b")
	// The expand is answered by a command: before it runs, the mark shows.
	_, cmd := d.m.Update(keyMsg("right"))
	d.contains("dc=example,dc=com (loading…)")
	d.run(cmd)
	d.lacks("loading…")
	d.contains("↪ ou=far", "referral → ldap://far.example.net/")
	for range 20 {
		if n := d.m.browser.current(); n != nil && n.RDN == "ou=far" {
			break
		}
		d.keys("j")
	}
	if n := d.m.browser.current(); n == nil || !n.Referral {
		t.Fatalf("cursor on %+v, want the referral", n)
	}
	d.contains("Referral: held by another server; not followed.")
	d.keys("right", "enter")
	if d.m.browser == nil {
		t.Fatal("enter on a referral picked it and closed the browser")
	}
	if n := d.m.browser.current(); n.expanded || len(n.children) != 0 {
		t.Fatal("a referral was expanded")
	}
	// ← from a child goes to its parent, ← again collapses it.
	d.keys("left", "left")
	if n := d.m.browser.current(); n == nil || n.DN != slapdtest.BaseDN || n.expanded {
		t.Fatalf("after ← ←: %+v", n)
	}
	d.lacks("ou=people")
}

// TestConnectionStepsAppearAsTheyComplete delivers the staged test's events
// one at a time, as the program does: each step is on screen with its mark
// while the rest still runs under the spinner.
func TestConnectionStepsAppearAsTheyComplete(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 40)
	d.keys("enter")
	_, cmd := d.m.Update(keyMsg("ctrl+t"))
	d.contains("Connection test", "testing…")
	var next tea.Cmd
	for _, c := range cmd().(tea.BatchMsg) {
		if c == nil {
			continue
		}
		if ev, ok := c().(streamMsg); ok {
			_, next = d.m.Update(ev)
		}
	}
	if next == nil {
		t.Fatal("the test sent no first event")
	}
	if !d.m.connS().test.running || len(d.m.connS().test.steps) != 1 {
		t.Fatalf("after one event: running=%v steps=%d", d.m.connS().test.running, len(d.m.connS().test.steps))
	}
	d.contains("✓ "+d.m.connS().test.steps[0].Title, "testing…")
	d.lacks("passed,")
	shown := 1
	for next != nil {
		msg := next()
		_, next = d.m.Update(msg)
		if ev, ok := msg.(streamMsg); ok {
			shown++
			if d.m.connS().test.running {
				d.contains(ev.evs[0].(ldap.Step).Title, "testing…")
			}
		}
		if _, ok := msg.(testDoneMsg); ok {
			// The result may start a rerun (a moved base); follow it like the program.
			d.run(next)
			break
		}
		if msg == nil {
			break
		}
	}
	if d.m.connS().test.running || d.m.connS().test.result == nil || shown < 5 {
		t.Fatalf("the test did not stream its steps: running=%v steps seen=%d", d.m.connS().test.running, shown)
	}
	d.contains("passed,")
	d.lacks("testing…")
}
