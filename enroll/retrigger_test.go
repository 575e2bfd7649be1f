package enroll

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"ldapwiz/store"
)

// enrolled makes u look like a user who finished enrolling.
func (e *TestEnv) enrolled(u *store.User) {
	e.t.Helper()
	if _, err := e.DB.SetEnrollmentPending(e.Ctx, u.ID, false); err != nil {
		e.t.Fatal(err)
	}
}

func TestRetriggerOneUser(t *testing.T) {
	e := NewTestEnv(t)
	u := e.user("again", "again@example.com", "A", "Gain")
	other := e.user("other", "other@example.com", "O", "Ther")
	e.created(u, other)
	first := e.Mails(0)
	if _, err := VerifyToken(e.Ctx, e.DB, first[u.Email].Token); err != nil {
		t.Fatal(err)
	}
	e.enrolled(u)
	e.enrolled(other)

	en := e.Enroller()
	dry, err := en.Retrigger(e.Ctx, RetriggerSelection{Username: "AGAIN"}, true)
	if err != nil || !dry.DryRun || !slices.Equal(dry.Users, []string{"again"}) || e.get("again").EnrollmentPending || len(e.smtp.Messages()) != 2 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	res, err := en.Retrigger(e.Ctx, RetriggerSelection{Username: "again"}, false)
	if err != nil || !slices.Equal(res.Users, []string{"again"}) || res.Invites.Sent != 1 {
		t.Fatalf("Retrigger: %+v %v", res, err)
	}
	if !e.get("again").EnrollmentPending || e.get("other").EnrollmentPending {
		t.Fatal("pending flags wrong after retrigger")
	}
	second := e.Mails(2)
	if len(second) != 1 {
		t.Fatalf("want one new message, got %d", len(second))
	}
	m := second[u.Email]
	if m.Token == first[u.Email].Token {
		t.Fatal("retrigger reused the token")
	}
	if v, err := VerifyToken(e.Ctx, e.DB, m.Token); err != nil || v.ID != u.ID {
		t.Fatalf("new token: %v", err)
	}
	// Retriggering again replaces the unused token: the replaced one is dead.
	if _, err := en.Retrigger(e.Ctx, RetriggerSelection{Username: "other"}, false); err != nil {
		t.Fatal(err)
	}
	old := first[other.Email].Token
	if _, err := en.Retrigger(e.Ctx, RetriggerSelection{Username: "other"}, false); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.Messages()
	replaced := decode(t, msgs[len(msgs)-2]).Token
	latest := decode(t, msgs[len(msgs)-1]).Token
	for _, dead := range []string{old, replaced} {
		if _, err := VerifyToken(e.Ctx, e.DB, dead); !errors.Is(err, ErrTokenUnknown) {
			t.Fatalf("replaced token: %v, want ErrTokenUnknown", err)
		}
	}
	if _, err := VerifyToken(e.Ctx, e.DB, latest); err != nil {
		t.Fatal(err)
	}
}

func TestRetriggerAllLDAPUsers(t *testing.T) {
	e := NewTestEnv(t)
	var dir []*store.User
	for _, n := range []string{"l1", "l2", "l3"} {
		u := e.user(n, n+"@example.com", "L", n)
		e.enrolled(u)
		dir = append(dir, u)
	}
	local, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "local", Email: "local@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	off, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "off", Email: "off@example.com", FromLDAP: true, Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	en := e.Enroller()
	dry, err := en.Retrigger(e.Ctx, RetriggerSelection{AllLDAP: true}, true)
	if err != nil || !slices.Equal(dry.Users, []string{"l1", "l2", "l3"}) || dry.SkippedDisabled != 1 || len(e.smtp.Messages()) != 0 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	for _, u := range dir {
		if e.get(u.Username).EnrollmentPending {
			t.Fatal("dry run changed a user")
		}
	}
	res, err := en.Retrigger(e.Ctx, RetriggerSelection{AllLDAP: true}, false)
	if err != nil || len(res.Users) != 3 || res.Invites.Sent != 3 {
		t.Fatalf("Retrigger: %+v %v", res, err)
	}
	got := e.Mails(0)
	for _, u := range dir {
		if !e.get(u.Username).EnrollmentPending {
			t.Fatalf("%s not pending", u.Username)
		}
		if v, err := VerifyToken(e.Ctx, e.DB, got[u.Email].Token); err != nil || v.ID != u.ID {
			t.Fatalf("%s: %v", u.Username, err)
		}
	}
	if len(got) != 3 || e.get(local.Username).EnrollmentPending || e.get(off.Username).EnrollmentPending {
		t.Fatalf("local or disabled user touched: %d messages", len(got))
	}
}

func TestRetriggerByEmailAndQueuesWithoutAutoInvite(t *testing.T) {
	e := NewTestEnv(t)
	e.S.Enrollment.AutoInvite = false
	a := e.user("shared1", "Team@Example.com", "S", "One")
	b := e.user("shared2", "team@example.com", "S", "Two")
	e.user("teammate", "teammate@example.com", "T", "M")
	e.enrolled(a)
	e.enrolled(b)
	res, err := e.Enroller().Retrigger(e.Ctx, RetriggerSelection{Email: "team@example.com"}, false)
	if err != nil || !slices.Equal(res.Users, []string{"shared1", "shared2"}) || res.Invites.Queued != 2 || len(e.smtp.Messages()) != 0 {
		t.Fatalf("Retrigger: %+v %v", res, err)
	}
	if q := e.Queue(); len(q) != 2 || !strings.Contains(q[0].Reason, "auto_invite is off") {
		t.Fatalf("queue: %+v", q)
	}
}

func TestRetriggerSelectionErrors(t *testing.T) {
	e := NewTestEnv(t)
	en := e.Enroller()
	for _, c := range []struct {
		sel  RetriggerSelection
		want string
	}{
		{RetriggerSelection{}, "exactly one of"},
		{RetriggerSelection{Username: "a", AllLDAP: true}, "exactly one of"},
		{RetriggerSelection{Username: "nobody"}, "no user named \"nobody\""},
		{RetriggerSelection{Email: "nobody@example.com"}, "no user has the e-mail address"},
	} {
		if _, err := en.Retrigger(e.Ctx, c.sel, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.sel, err, c.want)
		}
	}
	// No directory users is not an error: nothing to change.
	if res, err := en.Retrigger(e.Ctx, RetriggerSelection{AllLDAP: true}, false); err != nil || len(res.Users) != 0 {
		t.Fatalf("empty --all-ldap: %+v %v", res, err)
	}
}
