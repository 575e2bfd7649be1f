package ui

import (
	"testing"

	"ldapwiz/wizard"
)

// TestGoldenBrowserAndPicker keeps the directory browser and the attribute
// picker, opened from the Users screen against the demo directory, at 80x24
// and 120x40.
func TestGoldenBrowserAndPicker(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		t.Run(size.name, func(t *testing.T) {
			s := startDemo(t, false)
			d := newDriver(t, Options{Settings: s, Exists: true, Path: "ldapwiz.toml"}, size.w, size.h) // a fixed path keeps the header stable
			d.keys("enter", "ctrl+t")
			d.gotoScreen(wizard.ScreenUsers)
			d.keys("ctrl+b", "right")
			for range 10 {
				if n := d.m.browser.current(); n != nil && n.RDN == "ou=people" {
					break
				}
				d.keys("j")
			}
			d.keys("right")
			d.contains("ou=people")
			d.golden("browser_" + size.name)
			d.keys("esc")
			for range 5 { // down to the username attribute field
				if f := d.m.formOf(wizard.ScreenUsers).current(d.m.settings); f != nil && f.Key == "users.username_attribute" {
					break
				}
				d.keys("tab")
			}
			d.keys("ctrl+o")
			d.contains("uid")
			d.golden("picker_" + size.name)
		})
	}
}
