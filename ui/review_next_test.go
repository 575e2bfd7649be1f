package ui

import (
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// TestReviewJumpsToTheNextChange: n scrolls the diff to the next changed
// line, even one far below the first screenful.
func TestReviewJumpsToTheNextChange(t *testing.T) {
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	disk, err := encodeSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true, OnDisk: disk}, 80, 24)
	d.keys("enter")
	d.replace("connection.url", "ldap://first.example.com")
	d.gotoScreen(wizard.ScreenSync)
	d.replace("store.path", "/var/lib/far-below.db")
	d.gotoScreen(wizard.ScreenReview)
	d.contains("+ url = \"ldap://first.example.com\"")
	d.lacks("far-below.db")
	for range 3 {
		d.keys("n")
		if strings.Contains(d.screen(), "far-below.db") {
			return
		}
	}
	t.Fatalf("n did not reach the change below:\n%s", d.screen())
}
