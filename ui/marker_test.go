package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"ldapwiz/ldap"
)

// TestSelectionsHaveACharacterMarker: on a terminal without colour or
// reverse video (TERM=dumb) the browser's cursor and the Preview's active
// tab must still show, by a character and not only by a style.
func TestSelectionsHaveACharacterMarker(t *testing.T) {
	m := New(Options{Path: "x.toml"})
	b, _ := newBrowser(1, m.c, "users.search_base", m.settings.TimeoutDuration(), nil)
	n := &treeNode{Node: ldap.Node{DN: "ou=people,dc=example,dc=com", RDN: "ou=people", NumChildren: -1}}
	on, off := ansi.Strip(b.rowLine(n, true, 60)), ansi.Strip(b.rowLine(n, false, 60))
	if on == off {
		t.Fatalf("the browser's cursor row reads the same as any row without its style: %q", on)
	}
	p := m.previewS()
	p.tabs = []planTab{{title: "Creates", medium: "Create", short: "Cre"}, {title: "Updates", medium: "Update", short: "Upd"}}
	p.tab = 1
	line := ansi.Strip(p.tabsLine(80))
	p.tab = 0
	if other := ansi.Strip(p.tabsLine(80)); other == line || !strings.Contains(line, "Updates") {
		t.Fatalf("the active tab is not marked by a character: %q vs %q", line, other)
	}
}
