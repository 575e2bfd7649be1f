package enroll

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
)

// sentToken invites a new pending user and returns it with its token.
func (e *TestEnv) sentToken(name string) (userID int64, token string) {
	e.t.Helper()
	u := e.user(name, name+"@example.com", "F", name)
	before := len(e.smtp.Messages())
	if rep := e.created(u); rep.Sent != 1 {
		e.t.Fatalf("report: %+v", rep)
	}
	return u.ID, e.Mails(before)[name+"@example.com"].Token
}

func TestDisabledUsersTokenRefused(t *testing.T) {
	e := NewTestEnv(t)
	id, token := e.sentToken("dis")
	if _, err := e.DB.SetUserDisabled(e.Ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrUserDisabled) {
		t.Fatalf("token of a disabled user: %v, want ErrUserDisabled", err)
	}
	ins, _ := e.DB.ListInvites(e.Ctx, id)
	if len(ins) != 1 || !ins[0].Revoked() || !ins[0].UsedAt.IsZero() {
		t.Fatalf("invitation after the disable: %+v", ins)
	}
	// Enabling the user again does not revive the link: it was revoked.
	if _, err := e.DB.SetUserDisabled(e.Ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrUserDisabled) {
		t.Fatalf("revoked token after enabling: %v, want ErrUserDisabled", err)
	}
	// A new invitation (what "enroll retrigger" does) works.
	if _, err := e.Enroller().Retrigger(e.Ctx, RetriggerSelection{Username: "dis"}, false); err != nil {
		t.Fatal(err)
	}
	fresh := e.Mails(1)["dis@example.com"].Token
	if u, err := VerifyToken(e.Ctx, e.DB, fresh); err != nil || u.ID != id {
		t.Fatalf("new token after enabling: %v", err)
	}
}

// A user created disabled (its invitation was never revoked, since no
// disable happened) is refused too: redeeming checks the user itself.
func TestTokenOfUserCreatedDisabledRefused(t *testing.T) {
	e := NewTestEnv(t)
	u, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: "born", Email: "born@example.com", Disabled: true, EnrollmentPending: true, FromLDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	token, hash, err := newToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.CreateInvite(e.Ctx, u.ID, hash, time.Now().Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrUserDisabled) {
		t.Fatalf("token of a user created disabled: %v, want ErrUserDisabled", err)
	}
	if ins, _ := e.DB.ListInvites(e.Ctx, u.ID); !ins[0].UsedAt.IsZero() {
		t.Fatal("a refused token was marked used")
	}
}

func TestTokenOfDeletedUserRefused(t *testing.T) {
	e := NewTestEnv(t)
	id, token := e.sentToken("bye")
	if _, err := e.DB.DeleteUser(e.Ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrTokenUnknown) {
		t.Fatalf("token of a deleted user: %v, want ErrTokenUnknown", err)
	}
}

func TestTokenOfEnrolledUserRefused(t *testing.T) {
	e := NewTestEnv(t)
	id, token := e.sentToken("done")
	if _, err := e.DB.SetEnrollmentPending(e.Ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyToken(e.Ctx, e.DB, token); !errors.Is(err, ErrNotPending) {
		t.Fatalf("token of a user no longer pending: %v, want ErrNotPending", err)
	}
	if ins, _ := e.DB.ListInvites(e.Ctx, id); !ins[0].UsedAt.IsZero() {
		t.Fatal("a refused token was marked used")
	}
}

// The refusals are distinct errors, each with advice.
func TestTokenRefusalsDistinct(t *testing.T) {
	errs := []error{ErrTokenUnknown, ErrTokenUsed, ErrTokenExpired, ErrUserDisabled, ErrNotPending}
	for i, a := range errs {
		if !strings.Contains(a.Error(), "administrator") {
			t.Errorf("%v: no advice", a)
		}
		for _, b := range errs[i+1:] {
			if errors.Is(a, b) || errors.Is(b, a) {
				t.Errorf("%v and %v are not distinct", a, b)
			}
		}
	}
}
