package enroll_test

import (
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/enroll"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestSyncedUsersAreInvited runs a real import from the slapd fixture with
// enrollment on, then the enrollment hook the sync engine calls: every
// created user is pending, users with an address get exactly one
// invitation whose token verifies, users without one are queued.
func TestSyncedUsersAreInvited(t *testing.T) {
	e := enroll.NewTestEnv(t)
	srv := slapdtest.Start(t)
	s := e.S
	s.Connection.URL = srv.URL
	s.Connection.BindDN = srv.AdminDN
	s.Connection.BindPassword = srv.AdminPassword
	s.Users.SearchBase = slapdtest.PeopleDN
	s.Groups.SearchBase = slapdtest.GroupsDN
	s.Sync.Mode = wizard.ModeImport
	s.Store.Path = filepath.Join(t.TempDir(), "unused.db")
	e.S = s
	syncRep, err := syncer.Run(e.Ctx, s, e.DB, syncer.Options{Enroller: e.Enroller()})
	if err != nil || syncRep.Invites == nil {
		t.Fatalf("sync: %v", err)
	}
	users, err := e.DB.ListUsers(e.Ctx, store.UserFilter{})
	if err != nil || len(users) < 100 {
		t.Fatalf("sync created %d users: %v", len(users), err)
	}
	rep := *syncRep.Invites // the sync engine invites after the run
	if again, err := e.Enroller().InvitePending(e.Ctx); err != nil || again.Sent+again.Queued != 0 {
		t.Fatalf("a second InvitePending found more to do: %+v %v", again, err)
	}
	withMail, without := 0, 0
	for _, u := range users {
		if !u.EnrollmentPending {
			t.Fatalf("%s: not enrollment_pending after the sync", u.Username)
		}
		switch {
		case u.Disabled:
		case u.Email == "":
			without++
		default:
			withMail++
		}
	}
	if without == 0 {
		t.Fatal("the fixture has no users without mail; the test would prove nothing")
	}
	if rep.Sent != withMail || rep.Queued != len(users)-withMail {
		t.Fatalf("sent %d queued %d; want %d sent of %d users", rep.Sent, rep.Queued, withMail, len(users))
	}
	got := e.Mails(0)
	if len(got) != withMail {
		t.Fatalf("%d messages for %d users with an address", len(got), withMail)
	}
	for _, u := range users {
		if u.Email == "" || u.Disabled {
			continue
		}
		m, ok := got[u.Email]
		if !ok {
			t.Fatalf("no message to %s", u.Email)
		}
		if v, err := enroll.VerifyToken(e.Ctx, e.DB, m.Token); err != nil || v.ID != u.ID {
			t.Fatalf("%s: %v", u.Username, err)
		}
	}
	noMail := 0
	for _, q := range e.Queue() {
		if strings.Contains(q.Reason, "no e-mail address") {
			noMail++
		}
	}
	if noMail != without {
		t.Fatalf("%d queued for no address, want %d", noMail, without)
	}
}
