package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/config"
	"ldapwiz/enroll"
	"ldapwiz/internal/smtptest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// enrollFixture is a config file with enrollment and auto_invite on, a
// store, and an SMTP test server.
type enrollFixture struct {
	t      *testing.T
	dir    string
	config string
	dbPath string
	smtp   *smtptest.Server
}

func newEnrollFixture(t *testing.T) *enrollFixture {
	t.Helper()
	dir := t.TempDir()
	f := &enrollFixture{t: t, dir: dir, config: filepath.Join(dir, "ldapwiz.toml"), dbPath: filepath.Join(dir, "users.db"),
		smtp: smtptest.Start(t, smtptest.Options{})}
	f.writeConfig(f.smtp.Port, true)
	db, err := store.Open(context.Background(), f.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return f
}

// writeConfig points the config at an SMTP port.
func (f *enrollFixture) writeConfig(port int, autoInvite bool) {
	f.t.Helper()
	body := fmt.Sprintf(`[enrollment]
enabled = true
auto_invite = %t
invite_url = "https://app.example.com/enroll"
token_ttl = "24h"

[smtp]
host = "127.0.0.1"
port = %d
from = "IT <it@example.com>"
tls = "none"

[store]
path = %q
`, autoInvite, port, f.dbPath)
	if err := os.WriteFile(f.config, []byte(body), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

// withDB runs fn on the store.
func (f *enrollFixture) withDB(fn func(ctx context.Context, db *store.DB)) {
	f.t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, f.dbPath)
	if err != nil {
		f.t.Fatal(err)
	}
	defer db.Close()
	fn(ctx, db)
}

// syncUsers creates users as a sync does and runs the enrollment hook with
// the SMTP port given.
func (f *enrollFixture) syncUsers(port int, users ...store.NewUser) enroll.InviteReport {
	f.t.Helper()
	var rep enroll.InviteReport
	f.withDB(func(ctx context.Context, db *store.DB) {
		var ids []int64
		for _, nu := range users {
			nu.FromLDAP, nu.EnrollmentPending = true, true
			u, err := db.CreateUser(ctx, nu)
			if err != nil {
				f.t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		s := wizard.Default()
		if err := config.LoadTOML(f.config, &s); err != nil {
			f.t.Fatal(err)
		}
		s.SMTP.Port = port
		var err error
		rep, err = enroll.NewEnroller(s, db, nil).OnUsersCreated(ctx, ids)
		if err != nil {
			f.t.Fatal(err)
		}
	})
	return rep
}

// verify redeems the token of the last message to addr.
func (f *enrollFixture) verify(addr string) (*store.User, error) {
	f.t.Helper()
	token := f.tokenOf(addr)
	var u *store.User
	var err error
	f.withDB(func(ctx context.Context, db *store.DB) { u, err = enroll.VerifyToken(ctx, db, token) })
	return u, err
}

func (f *enrollFixture) pending(name string) bool {
	var p bool
	f.withDB(func(ctx context.Context, db *store.DB) {
		u, err := db.GetUserByName(ctx, name)
		if err != nil {
			f.t.Fatal(err)
		}
		p = u.EnrollmentPending
	})
	return p
}

func TestEnrollCommandQueueAndSend(t *testing.T) {
	f := newEnrollFixture(t)
	c := []string{"-c", f.config}
	expect(t, 0, []string{"no invitations are waiting"}, "", append([]string{"enroll", "invites"}, c...)...)

	// A sync while the mail server is down queues every invitation.
	down := smtptest.ClosedPort(t)
	rep := f.syncUsers(down,
		store.NewUser{Username: "alice", Email: "alice@example.com", FirstName: "Alice"},
		store.NewUser{Username: "bob", Email: "bob@example.com"},
		store.NewUser{Username: "carol"})
	if rep.Queued != 3 {
		t.Fatalf("report: %+v", rep)
	}
	out := expect(t, 0, []string{"USER", "EMAIL", "REASON", "CREATED", "EXPIRES", "alice", "alice@example.com", "connection refused",
		"no e-mail address", "24h after sending", "3 invitation(s) waiting"}, "", append([]string{"enroll", "invites"}, c...)...)
	if strings.Contains(out, "token") {
		t.Fatalf("the queue shows a token:\n%s", out)
	}
	out = expect(t, 0, nil, "", append([]string{"enroll", "invites", "--json"}, c...)...)
	var list []inviteJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 3 || list[0].Username != "alice" || list[0].Created.IsZero() {
		t.Fatalf("json: %v\n%s", err, out)
	}

	// The server is up: send delivers what can be delivered; carol has no address.
	expect(t, 1, []string{"sent 2, failed 1", "not sent: carol", "no e-mail address", "ldapwiz users set carol --email"}, "", append([]string{"enroll", "send"}, c...)...)
	if n := len(f.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	for _, who := range []string{"alice", "bob"} {
		if u, err := f.verify(who + "@example.com"); err != nil || u.Username != who {
			t.Fatalf("token of %s: %v", who, err)
		}
	}
	expect(t, 0, []string{"carol", "1 invitation(s) waiting"}, "", append([]string{"enroll", "invites"}, c...)...)
	// Nothing is sent twice.
	expect(t, 1, []string{"sent 0, failed 1"}, "", append([]string{"enroll", "send"}, c...)...)
	if n := len(f.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages after a second send, want 2", n)
	}
	expect(t, 0, nil, "", "users", "set", "carol", "--email", "carol@example.com", "-c", f.config)
	expect(t, 0, []string{"sent 1, failed 0"}, "", append([]string{"enroll", "send"}, c...)...)
	if u, err := f.verify("carol@example.com"); err != nil || u.Username != "carol" {
		t.Fatalf("token of carol: %v", err)
	}
	expect(t, 0, []string{"no invitations are waiting"}, "", append([]string{"enroll", "invites"}, c...)...)
}

func TestEnrollCommandRetrigger(t *testing.T) {
	f := newEnrollFixture(t)
	c := []string{"-c", f.config}
	f.syncUsers(f.smtp.Port,
		store.NewUser{Username: "dave", Email: "dave@example.com"},
		store.NewUser{Username: "erin", Email: "erin@example.com"})
	expect(t, 0, []string{"local"}, "", "users", "add", "local", "--email", "local@example.com", "-c", f.config)
	f.withDB(func(ctx context.Context, db *store.DB) {
		users, _ := db.ListUsers(ctx, store.UserFilter{})
		for _, u := range users {
			db.SetEnrollmentPending(ctx, u.ID, false)
		}
	})
	sent := len(f.smtp.Messages())

	expect(t, 0, []string{"would retrigger enrollment for 1 user(s): dave"}, "", append([]string{"enroll", "retrigger", "--user", "dave", "--dry-run"}, c...)...)
	if f.pending("dave") || len(f.smtp.Messages()) != sent {
		t.Fatal("dry run changed something")
	}
	expect(t, 0, []string{"retriggered enrollment for 1 user(s): dave", "invitations: 1 sent, 0 queued"}, "", append([]string{"enroll", "retrigger", "--user", "dave"}, c...)...)
	if !f.pending("dave") || f.pending("erin") || len(f.smtp.Messages()) != sent+1 {
		t.Fatal("retrigger --user changed the wrong users")
	}
	if u, err := f.verify("dave@example.com"); err != nil || u.Username != "dave" {
		t.Fatalf("new token: %v", err)
	}

	expect(t, 0, []string{"would retrigger enrollment for 2 user(s): dave, erin"}, "", append([]string{"enroll", "retrigger", "--all-ldap", "--dry-run"}, c...)...)
	expect(t, 0, []string{"retriggered enrollment for 2 user(s)", "invitations: 2 sent"}, "", append([]string{"enroll", "retrigger", "--all-ldap"}, c...)...)
	if f.pending("local") || !f.pending("erin") {
		t.Fatal("--all-ldap changed the wrong users")
	}
	expect(t, 0, []string{"retriggered enrollment for 1 user(s): local"}, "", append([]string{"enroll", "retrigger", "--email", "LOCAL@example.com"}, c...)...)

	// With the mail server down, the retrigger still happens and the
	// invitation waits in the queue; the exit code says it was not sent.
	f.writeConfig(smtptest.ClosedPort(t), true)
	expect(t, 1, []string{"retriggered enrollment for 1 user(s): erin", "not sent: erin", "connection refused", "1 queued"}, "", append([]string{"enroll", "retrigger", "--user", "erin"}, c...)...)
	// Without auto_invite it is queued on purpose: success.
	f.writeConfig(f.smtp.Port, false)
	expect(t, 0, []string{"retriggered enrollment for 1 user(s): erin", "auto_invite is off"}, "", append([]string{"enroll", "retrigger", "--user", "erin"}, c...)...)
	expect(t, 0, []string{"sent 1, failed 0"}, "", append([]string{"enroll", "send"}, c...)...)
}

func TestEnrollCommandUsage(t *testing.T) {
	f := newEnrollFixture(t)
	c := []string{"-c", f.config}
	expect(t, 2, []string{"Usage: ldapwiz enroll"}, "", "enroll")
	expect(t, 0, []string{"retrigger", "--all-ldap", "--dry-run"}, "", "enroll", "--help")
	expect(t, 2, []string{"unknown subcommand \"bogus\""}, "", append([]string{"enroll", "bogus"}, c...)...)
	expect(t, 2, []string{"exactly one of --user NAME, --email ADDRESS or --all-ldap"}, "", append([]string{"enroll", "retrigger"}, c...)...)
	expect(t, 2, []string{"exactly one of"}, "", append([]string{"enroll", "retrigger", "--user", "a", "--all-ldap"}, c...)...)
	expect(t, 2, []string{"unexpected argument \"extra\""}, "", append([]string{"enroll", "send", "extra"}, c...)...)
	expect(t, 1, []string{"no user named \"ghost\""}, "", append([]string{"enroll", "retrigger", "--user", "ghost"}, c...)...)
	expect(t, 2, []string{"not found"}, "", "enroll", "invites", "-c", filepath.Join(f.dir, "missing.toml"))

	// A config whose enrollment settings are wrong is refused with the fix.
	bad := filepath.Join(f.dir, "bad.toml")
	os.WriteFile(bad, []byte("[enrollment]\nenabled = true\nauto_invite = true\n\n[store]\npath = \""+f.dbPath+"\"\n"), 0o600)
	expect(t, 2, []string{"enrollment.invite_url"}, "", "enroll", "send", "-c", bad)
	// No database yet.
	nodb := filepath.Join(f.dir, "nodb.toml")
	os.WriteFile(nodb, []byte("[store]\npath = \""+filepath.Join(f.dir, "none.db")+"\"\n"), 0o600)
	expect(t, 2, []string{"no user database", "first sync"}, "", "enroll", "invites", "-c", nodb)
	if _, err := os.Stat(filepath.Join(f.dir, "none.db")); err == nil {
		t.Fatal("enroll invites created a database")
	}
	expect(t, 0, []string{"enroll"}, "", "--help")
}
