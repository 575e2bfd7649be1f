package ui

import (
	"os"
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// A page size that is not a number is a problem of the settings: the
// Review screen lists it and saving refuses, rather than keeping the old
// number silently.
func TestUnparseableNumberIsAProblem(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter")
	d.replace("connection.page_size", "5o0")
	found := false
	for _, p := range d.m.Problems() {
		if p.Setting == "connection.page_size" && p.Severity == wizard.Error {
			found = true
		}
	}
	if !found {
		t.Fatalf("no problem for the bad page size: %v", d.m.Problems())
	}
	d.keys("ctrl+s")
	if _, err := os.Stat(d.m.opts.Path); err == nil {
		t.Fatal("saved with a page size that is not a number")
	}
	d.contains("Cannot save")
	d.gotoScreen(wizard.ScreenReview)
	if !strings.Contains(d.screen(), "page_size") {
		t.Fatalf("Review does not list the bad page size:\n%s", d.screen())
	}
}
