package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/enroll"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestEnrollmentRetriggerInTheWizard (issue 17, defect 11): what "ldapwiz
// enroll retrigger" does is on the Enrollment screen too. After an import
// from the demo directory, "Enroll users again" lists the store's users;
// typing narrows them (? types, it opens no help), space marks one, enter
// asks, y enrolls it again: it must enroll and its new invitation is
// queued (no mail server is set).
func TestEnrollmentRetriggerInTheWizard(t *testing.T) {
	s := startDemo(t, false)
	s.Store.Path = filepath.Join(t.TempDir(), "app.db")
	d := newDriver(t, Options{Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenRun)
	d.keys("enter", "y")
	if r := d.m.runS(); r.rep == nil || r.err != nil {
		t.Fatalf("the import did not run: %v\n%s", r.err, d.screen())
	}

	d.gotoScreen(wizard.ScreenEnrollment)
	if !d.m.formOf(wizard.ScreenEnrollment).focusKey("ui.retrigger", d.m.Settings()) {
		t.Fatalf("no Enroll users again button:\n%s", d.screen())
	}
	d.contains("Enroll users again")
	d.keys("enter")
	d.contains("Enroll users again", "[ ] ")
	d.keys("type:?")
	if d.m.showHelp {
		t.Fatal("? opened the help instead of typing into the filter")
	}
	d.keys("backspace", "type:lwisniewski", "space")
	d.contains("[x] lwisniewski", "1 marked")
	d.keys("enter")
	d.contains("Enroll 1 user again (lwisniewski)?")
	d.keys("y")
	d.contains("Enrollment retriggered for 1 user (lwisniewski)", "1 queued")
	if d.m.enrollS().retrig.open {
		t.Fatal("the panel stayed open")
	}

	ctx := context.Background()
	db, err := store.Open(ctx, s.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.GetUserByName(ctx, "lwisniewski")
	if err != nil || !u.EnrollmentPending {
		t.Fatalf("lwisniewski must enroll again: %+v %v", u, err)
	}
	q, err := enroll.InviteQueue(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var queued []string
	for _, in := range q {
		queued = append(queued, in.Username)
	}
	if strings.Join(queued, ",") != "lwisniewski" {
		t.Fatalf("the invitation queue holds %v, want lwisniewski's new invitation", queued)
	}

	// esc leaves the list without changing anything.
	d.keys("enter")
	d.contains("[ ] ")
	d.keys("esc")
	if d.m.enrollS().retrig.open {
		t.Fatal("esc did not close the list")
	}
}
