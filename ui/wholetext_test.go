package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"ldapwiz/wizard"
)

// At 80x24 the screens of fields cut no text: the intro under the header,
// every label and every explanation show whole (walking the fields so
// each scrolls into view).
func TestFormScreensShowWholeTextAt80x24(t *testing.T) {
	for _, sc := range []wizard.Screen{wizard.ScreenConnection, wizard.ScreenUsers, wizard.ScreenGroups, wizard.ScreenSync, wizard.ScreenEnrollment} {
		t.Run(string(sc), func(t *testing.T) {
			d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
			d.keys("enter")
			d.gotoScreen(sc)
			if !strings.Contains(squeeze(d.screen()), squeeze(d.m.cur().intro())) {
				t.Fatalf("the intro %q is cut:\n%s", d.m.cur().intro(), d.screen())
			}
			f := d.m.formOf(sc)
			for range len(f.fields) {
				fl := f.current(d.m.Settings())
				scr := d.screen()
				for _, l := range strings.Split(scr, "\n") {
					if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
						t.Fatalf("a line is cut at field %s: %q\n%s", fl.Key, l, scr)
					}
				}
				if !strings.Contains(squeeze(scr), squeeze(fl.Label)) {
					t.Fatalf("label %q is cut:\n%s", fl.Label, scr)
				}
				if fl.Help != "" && fl.disabledReason(d.m.Settings()) == "" && !strings.Contains(squeeze(ansi.Strip(scr)), squeeze(fl.Help)) {
					t.Fatalf("the help of %s is cut:\n%s", fl.Key, scr)
				}
				d.keys("tab")
			}
		})
	}
}

// wrap breaks at spaces only: --force and e-mail stay whole.
func TestWrapKeepsHyphenatedWords(t *testing.T) {
	got := wrap("A run deleting more stops unless --force: a number, e.g. an e-mail", 34)
	for _, w := range []string{"--force:", "e-mail"} {
		if !strings.Contains(got, w) {
			t.Fatalf("wrap broke %q:\n%s", w, got)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if ansi.StringWidth(l) > 34 {
			t.Fatalf("line too long: %q", l)
		}
	}
}
