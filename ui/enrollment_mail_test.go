package ui

import (
	"strings"
	"testing"

	"ldapwiz/internal/smtptest"
	"ldapwiz/wizard"
)

// mailSettings turns invitations on and points [smtp] at a test server.
func mailSettings(srv *smtptest.Server) wizard.Settings {
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	s.Enrollment.Enabled, s.Enrollment.AutoInvite = true, true
	s.Enrollment.InviteURL = "https://app.example.com/enroll"
	s.SMTP.Host, s.SMTP.Port, s.SMTP.TLS = srv.Host, srv.Port, wizard.SMTPNone
	s.SMTP.From = "ldapwiz@example.com"
	return s
}

func TestEnrollmentSendsTestEmail(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{RejectRcpt: []string{"nobody@example.com"}})
	d := newDriver(t, Options{Settings: mailSettings(srv), Exists: true}, 100, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenEnrollment)
	d.contains("Send a test email")
	d.keys("ctrl+t")
	d.contains("Send a test email to: ldapwiz@example.com", "enter sends")
	d.keys("ctrl+u", "type:admin@example.com", "?") // ? types here, no help
	if d.m.showHelp {
		t.Fatal("? opened the help while typing the recipient")
	}
	d.keys("backspace", "enter")
	d.contains("✓ The mail server 127.0.0.1:", "accepted the test message for admin@example.com")
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "admin@example.com" || !strings.Contains(string(msgs[0].Data), "test message from ldapwiz") {
		t.Fatalf("messages received: %+v", msgs)
	}

	// A refused recipient is reported in plain words; esc gives up typing.
	d.keys("ctrl+t", "esc")
	if d.m.enrollS().mail.asking {
		t.Fatal("esc did not close the recipient line")
	}
	d.keys("ctrl+t", "ctrl+u", "type:nobody@example.com", "enter")
	d.contains("✗ Not sent to nobody@example.com")
	if len(srv.Messages()) != 1 {
		t.Fatal("a refused message was counted as delivered")
	}

	// The button does the same as ctrl+t.
	f := d.m.formOf(wizard.ScreenEnrollment)
	if !f.focusKey("ui.test_mail", d.m.Settings()) {
		t.Fatal("no test email button")
	}
	d.keys("enter")
	if !d.m.enrollS().mail.asking {
		t.Fatal("the button did not ask for a recipient")
	}
}

func TestEnrollmentTestEmailNeedsAServer(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenEnrollment)
	d.keys("ctrl+t")
	if d.m.enrollS().mail.asking {
		t.Fatal("asked for a recipient without a mail server")
	}
	d.contains("Set the mail server (smtp.host) first")
}

// TestTestEmailFromDisplayForm: with smtp.from in its display form
// ("IT <it@example.com>") the recipient line offers the bare address, and
// enter sends to it instead of refusing its own suggestion.
func TestTestEmailFromDisplayForm(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := mailSettings(srv)
	s.SMTP.From = "IT <it@example.com>"
	d := newDriver(t, Options{Settings: s, Exists: true}, 100, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenEnrollment)
	d.keys("ctrl+t")
	d.contains("Send a test email to: it@example.com")
	d.keys("enter")
	d.contains("accepted the test message for it@example.com")
	// A display form typed by hand is taken too.
	d.keys("ctrl+t", "ctrl+u", "type:Admin <admin@example.com>", "enter")
	d.contains("accepted the test message for admin@example.com")
	if msgs := srv.Messages(); len(msgs) != 2 || msgs[1].To[0] != "admin@example.com" {
		t.Fatalf("messages received: %+v", msgs)
	}
}
