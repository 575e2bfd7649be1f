package ui

import (
	"fmt"
	"testing"

	"ldapwiz/wizard"
)

// TestGoldenScreens draws every screen of a new OpenLDAP configuration at
// 80x24 and 120x40 and compares it with testdata/*.golden.
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range flow {
			t.Run(fmt.Sprintf("%s_%dx%d", sc, size[0], size[1]), func(t *testing.T) {
				d := newDriver(t, Options{Path: "ldapwiz.toml"}, size[0], size[1])
				if sc != wizard.ScreenWelcome {
					d.keys("enter") // the OpenLDAP preset
				}
				d.gotoScreen(sc)
				d.golden(fmt.Sprintf("%s_%dx%d", sc, size[0], size[1]))
			})
		}
	}
}

// TestGoldenDialogs draws the quit dialog, the full help and the too-small message.
func TestGoldenDialogs(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("enter", "ctrl+c")
	d.golden("quit_80x24")
	d = newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("?")
	d.golden("help_80x24")
	d = newDriver(t, Options{Path: "ldapwiz.toml"}, 59, 19)
	d.golden("toosmall_59x19")
	d = newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenEnrollment)
	d.keys("space", "tab", "space")
	d.golden("enrollment_invites_80x24")
}
