package ui

import (
	"testing"

	"ldapwiz/wizard"
)

// TestQuestionMarkTypesInTextFields: ? is typed into any text field (it
// used to open the help and vanish from a URL); F1 opens the help there.
func TestQuestionMarkTypesInTextFields(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.keys("enter") // the OpenLDAP preset
	d.gotoScreen(wizard.ScreenEnrollment)
	d.keys("space", "tab", "space", "tab") // enrollment on, invitations on, to the URL
	if f := d.m.currentField(); f == nil || f.Key != "enrollment.invite_url" {
		t.Fatalf("focus on %v", f)
	}
	d.keys("ctrl+u", "type:https://x/enroll?lang=en")
	if got := d.m.Settings().Enrollment.InviteURL; got != "https://x/enroll?lang=en" {
		t.Fatalf("invite_url = %q", got)
	}
	if d.m.showHelp {
		t.Fatal("? opened the help while typing a URL")
	}
	d.keys("f1")
	if !d.m.showHelp {
		t.Fatal("F1 did not open the help from a text field")
	}
	d.keys("esc")
	// Where no text field has the keyboard, ? still opens the help.
	d.gotoScreen(wizard.ScreenReview)
	d.keys("?")
	if !d.m.showHelp {
		t.Fatal("? did not open the help on Review")
	}
}
