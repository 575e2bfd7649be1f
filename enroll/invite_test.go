package enroll

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/smtptest"
	"ldapwiz/store"
)

func TestInvitationsSentToNewUsers(t *testing.T) {
	e := NewTestEnv(t)
	e.S.Enrollment.InviteURL = "https://app.example.com/enroll?lang=en#start"
	a := e.user("jdoe", "jdoe@example.com", "John", "Doe")
	b := e.user("zoe", "zoe@example.com", "Zoë", "Łukasiewicz")
	c := e.user("ann", "ann@example.com", "", "")
	rep := e.created(a, b, c)
	if rep.Sent != 3 || rep.Queued != 0 || len(rep.Failures) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	got := e.Mails(0)
	if len(got) != 3 {
		t.Fatalf("want one message per user, got %d", len(got))
	}
	for _, u := range []*store.User{a, b, c} {
		m, ok := got[u.Email]
		if !ok {
			t.Fatalf("no message for %s", u.Email)
		}
		if m.to.Address != u.Email || m.to.Name != u.FullName() {
			t.Errorf("To: %+v, want %q <%s>", m.to, u.FullName(), u.Email)
		}
		if m.subject != "Set up your account on app.example.com" {
			t.Errorf("subject %q", m.subject)
		}
		if !strings.HasPrefix(m.link, "https://app.example.com/enroll?lang=en&token=") || !strings.HasSuffix(m.link, "#start") {
			t.Errorf("link %q", m.link)
		}
		if !strings.Contains(m.body, "user name: "+u.Username) || !strings.Contains(m.body, "48 hours") {
			t.Errorf("body:\n%s", m.body)
		}
		if len(m.Token) != 43 {
			t.Fatalf("token %q: want 43 base64url characters (256 bits)", m.Token)
		}
		// The store keeps only the hash.
		ins, err := e.DB.ListInvites(e.Ctx, u.ID)
		if err != nil || len(ins) != 1 || ins[0].TokenHash != store.TokenHash(m.Token) || ins[0].SentAt.IsZero() || ins[0].QueuedReason != "" {
			t.Fatalf("stored invite: %+v %v", ins, err)
		}
		if ttl := time.Until(ins[0].ExpiresAt); ttl < 47*time.Hour || ttl > 48*time.Hour {
			t.Errorf("expires in %s, want 48h", ttl)
		}
		v, err := VerifyToken(e.Ctx, e.DB, m.Token)
		if err != nil || v.ID != u.ID {
			t.Fatalf("VerifyToken(%s): %v %v", u.Username, v, err)
		}
		if _, err := VerifyToken(e.Ctx, e.DB, m.Token); !errors.Is(err, ErrTokenUsed) {
			t.Fatalf("second use: %v, want ErrTokenUsed", err)
		}
		if !e.get(u.Username).EnrollmentPending {
			t.Errorf("%s not pending", u.Username)
		}
	}
	if greeting := got["ann@example.com"].body; !strings.HasPrefix(greeting, "Hello,\r\n") {
		t.Errorf("nameless greeting: %q", greeting)
	}
	if q := e.Queue(); len(q) != 0 {
		t.Fatalf("queue not empty: %+v", q)
	}
}

func TestEnrollmentOffDoesNothing(t *testing.T) {
	e := NewTestEnv(t)
	e.S.Enrollment.Enabled = false
	u, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "plain", Email: "plain@example.com", FromLDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep := e.created(u); rep.Sent+rep.Queued != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if ins, _ := e.DB.ListInvites(e.Ctx, u.ID); len(ins) != 0 || e.get("plain").EnrollmentPending || len(e.smtp.Messages()) != 0 {
		t.Fatalf("enrollment off still invited: %+v", ins)
	}
}

func TestWithoutAutoInviteTheInvitationIsQueued(t *testing.T) {
	e := NewTestEnv(t)
	e.S.Enrollment.AutoInvite = false
	u, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "quiet", Email: "quiet@example.com", FromLDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	rep := e.created(u)
	if rep.Queued != 1 || rep.Sent != 0 || len(e.smtp.Messages()) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if !e.get("quiet").EnrollmentPending {
		t.Fatal("the hook did not mark the user pending")
	}
	ins, _ := e.DB.ListInvites(e.Ctx, u.ID)
	if len(ins) != 1 || ins[0].ExpiresAt.IsZero() || !strings.Contains(ins[0].QueuedReason, "auto_invite is off") {
		t.Fatalf("invite: %+v", ins)
	}
	// "enroll send" is explicit: it sends even with auto_invite off.
	rep, err = e.Enroller().SendQueued(e.Ctx)
	if err != nil || rep.Sent != 1 {
		t.Fatalf("SendQueued: %+v %v", rep, err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, e.Mails(0)["quiet@example.com"].Token); err != nil {
		t.Fatal(err)
	}
}

func TestUserWithoutEmailIsQueued(t *testing.T) {
	e := NewTestEnv(t)
	nomail := e.user("nomail", "", "No", "Mail")
	ok := e.user("withmail", "withmail@example.com", "With", "Mail")
	rep := e.created(nomail, ok)
	if rep.Sent != 1 || rep.Queued != 1 || rep.Failures[0].Username != "nomail" {
		t.Fatalf("report: %+v", rep)
	}
	q := e.Queue()
	if len(q) != 1 || q[0].Username != "nomail" || !strings.Contains(q[0].Reason, "no e-mail address") ||
		!strings.Contains(q[0].Reason, "ldapwiz users set nomail --email") || q[0].Created.IsZero() {
		t.Fatalf("queue: %+v", q)
	}
	if len(e.smtp.Messages()) != 1 {
		t.Fatalf("messages: %d", len(e.smtp.Messages()))
	}
	// Still no address: enroll send keeps it queued. With one: it goes.
	en := e.Enroller()
	if rep, err := en.SendQueued(e.Ctx); err != nil || rep.Queued != 1 || rep.Sent != 0 {
		t.Fatalf("SendQueued without address: %+v %v", rep, err)
	}
	addr := "nomail@example.com"
	if _, err := e.DB.UpdateUser(e.Ctx, nomail.ID, store.UserUpdate{Email: &addr}); err != nil {
		t.Fatal(err)
	}
	if rep, err := en.SendQueued(e.Ctx); err != nil || rep.Sent != 1 {
		t.Fatalf("SendQueued: %+v %v", rep, err)
	}
	m := e.Mails(1)[addr]
	if v, err := VerifyToken(e.Ctx, e.DB, m.Token); err != nil || v.Username != "nomail" {
		t.Fatalf("VerifyToken: %v %v", v, err)
	}
}

func TestNoSMTPHostQueues(t *testing.T) {
	e := NewTestEnv(t)
	e.S.SMTP.Host = ""
	rep := e.created(e.user("a1", "a1@example.com", "A", "One"))
	if rep.Queued != 1 || !strings.Contains(rep.Failures[0].Reason, "smtp.host is empty") {
		t.Fatalf("report: %+v", rep)
	}
	if q := e.Queue(); len(q) != 1 || !strings.Contains(q[0].Reason, "smtp.host") {
		t.Fatalf("queue: %+v", q)
	}
}

func TestSMTPDownQueuesThenSendDelivers(t *testing.T) {
	e := NewTestEnv(t)
	live := e.S.SMTP.Port
	e.S.SMTP.Port = smtptest.ClosedPort(t)
	var users []*store.User
	for _, n := range []string{"d1", "d2", "d3"} {
		users = append(users, e.user(n, n+"@example.com", "D", n))
	}
	start := time.Now()
	rep := e.created(users...)
	if rep.Queued != 3 || rep.Sent != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("a dead server took %s", time.Since(start))
	}
	for _, f := range rep.Failures {
		if !strings.Contains(f.Reason, "connection refused") || !strings.Contains(f.Reason, "smtp.port") {
			t.Fatalf("reason: %q", f.Reason)
		}
	}
	q := e.Queue()
	if len(q) != 3 {
		t.Fatalf("queue: %+v", q)
	}
	for _, u := range users {
		if !e.get(u.Username).EnrollmentPending {
			t.Fatalf("%s not pending", u.Username)
		}
	}
	// The server is back.
	e.S.SMTP.Port = live
	rep, err := e.Enroller().SendQueued(e.Ctx)
	if err != nil || rep.Sent != 3 || rep.Queued != 0 {
		t.Fatalf("SendQueued: %+v %v", rep, err)
	}
	got := e.Mails(0)
	for _, u := range users {
		v, err := VerifyToken(e.Ctx, e.DB, got[u.Email].Token)
		if err != nil || v.ID != u.ID {
			t.Fatalf("VerifyToken(%s): %v", u.Username, err)
		}
	}
	// Nothing is sent twice.
	rep, err = e.Enroller().SendQueued(e.Ctx)
	if err != nil || rep.Sent != 0 || len(e.smtp.Messages()) != 3 || len(e.Queue()) != 0 {
		t.Fatalf("second SendQueued: %+v %v, %d messages", rep, err, len(e.smtp.Messages()))
	}
}

func TestInterruptedSendIsNotResent(t *testing.T) {
	e := NewTestEnv(t)
	u := e.user("crash", "crash@example.com", "C", "Rash")
	// A run that stopped between the SMTP transaction and recording it.
	_, hash, _ := newToken()
	if _, err := e.DB.ReplaceUserInvites(e.Ctx, u.ID, hash, time.Now().Add(time.Hour), store.InviteSending); err != nil {
		t.Fatal(err)
	}
	rep, err := e.Enroller().SendQueued(e.Ctx)
	if err != nil || rep.Sent != 0 || rep.Skipped != 1 || len(e.smtp.Messages()) != 0 {
		t.Fatalf("SendQueued: %+v %v", rep, err)
	}
	q := e.Queue()
	if len(q) != 1 || !q[0].Sending || !strings.Contains(q[0].Reason, "retrigger --user crash") {
		t.Fatalf("queue: %+v", q)
	}
}

func TestRejectedRecipientIsQueuedOthersSent(t *testing.T) {
	e := NewTestEnv(t)
	e.smtp = smtptest.Start(t, smtptest.Options{RejectRcpt: []string{"gone@example.com"}})
	e.S.SMTP.Port = e.smtp.Port
	rep := e.created(
		e.user("r1", "r1@example.com", "R", "One"),
		e.user("gone", "gone@example.com", "G", "One"),
		e.user("r2", "r2@example.com", "R", "Two"))
	if rep.Sent != 2 || rep.Queued != 1 || rep.Failures[0].Username != "gone" || !strings.Contains(rep.Failures[0].Reason, "550 5.1.1") {
		t.Fatalf("report: %+v", rep)
	}
	if len(e.Mails(0)) != 2 {
		t.Fatal("the others were not sent")
	}
}

func TestDisabledUserIsQueued(t *testing.T) {
	e := NewTestEnv(t)
	u, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "off", Email: "off@example.com", Disabled: true, FromLDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	rep := e.created(u)
	if rep.Queued != 1 || !strings.Contains(rep.Failures[0].Reason, "disabled") || len(e.smtp.Messages()) != 0 {
		t.Fatalf("report: %+v", rep)
	}
}

func TestDroppedConnectionIsReopenedOnce(t *testing.T) {
	e := NewTestEnv(t)
	e.smtp = smtptest.Start(t, smtptest.Options{DropAfter: 2})
	e.S.SMTP.Port = e.smtp.Port
	var users []*store.User
	for _, n := range []string{"m1", "m2", "m3", "m4", "m5", "m6"} {
		users = append(users, e.user(n, n+"@example.com", "M", n))
	}
	// Connection 1 takes m1, m2 and drops at m3 (queued); connection 2
	// takes m4, m5 and drops at m6: a second drop is not retried.
	rep := e.created(users...)
	if rep.Sent != 4 || rep.Queued != 2 || rep.Failures[0].Username != "m3" || rep.Failures[1].Username != "m6" {
		t.Fatalf("report: %+v", rep)
	}
	if !strings.Contains(rep.Failures[0].Reason, "connection to the mail server") {
		t.Fatalf("reason: %q", rep.Failures[0].Reason)
	}
	// enroll send gets the rest through.
	if rep, err := e.Enroller().SendQueued(e.Ctx); err != nil || rep.Sent != 2 {
		t.Fatalf("SendQueued: %+v %v", rep, err)
	}
	if len(e.Mails(0)) != 6 {
		t.Fatal("not one message per user")
	}
}

func TestInvitePendingCatchesUninvitedUsers(t *testing.T) {
	e := NewTestEnv(t)
	// A sync created these, then stopped before inviting them.
	a := e.user("p1", "p1@example.com", "P", "One")
	e.user("p2", "p2@example.com", "P", "Two")
	if _, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "localp", Email: "localp@example.com", EnrollmentPending: true}); err != nil {
		t.Fatal(err)
	}
	e.created(a)
	rep, err := e.Enroller().InvitePending(e.Ctx)
	if err != nil || rep.Sent != 1 {
		t.Fatalf("InvitePending: %+v %v", rep, err)
	}
	if rep, err := e.Enroller().InvitePending(e.Ctx); err != nil || rep.Sent+rep.Queued != 0 {
		t.Fatalf("second InvitePending: %+v %v", rep, err)
	}
	got := e.Mails(0)
	if len(got) != 2 || got["p2@example.com"].Token == "" {
		t.Fatalf("mails: %v", got)
	}
}

func TestConcurrentSendsMailEachInvitationOnce(t *testing.T) {
	e := NewTestEnv(t)
	e.S.SMTP.Host = ""
	var users []*store.User
	for i := range 20 {
		n := "c" + string(rune('a'+i))
		users = append(users, e.user(n, n+"@example.com", "C", n))
	}
	if rep := e.created(users...); rep.Queued != 20 {
		t.Fatalf("report: %+v", rep)
	}
	e.S.SMTP.Host = e.smtp.Host
	results := make(chan InviteReport, 3)
	for range 3 {
		go func() {
			rep, err := e.Enroller().SendQueued(e.Ctx)
			if err != nil {
				t.Error(err)
			}
			results <- rep
		}()
	}
	sent := 0
	for range 3 {
		sent += (<-results).Sent
	}
	if sent != 20 || len(e.Mails(0)) != 20 {
		t.Fatalf("sent %d, %d messages; want 20 each", sent, len(e.smtp.Messages()))
	}
}
