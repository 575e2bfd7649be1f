package enroll

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"ldapwiz/internal/smtptest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestEnv is a store database, an SMTP test server and settings that
// point at both. It is exported for the external test package (sync_test.go),
// which runs a real sync and so cannot sit inside package enroll: syncer
// imports enroll.
type TestEnv struct {
	t    *testing.T
	Ctx  context.Context
	DB   *store.DB
	smtp *smtptest.Server
	S    wizard.Settings
}

// NewTestEnv opens a fresh store and starts an SMTP server (plain, no
// login); enrollment and auto_invite are on.
func NewTestEnv(t *testing.T) *TestEnv {
	t.Helper()
	e := &TestEnv{t: t, Ctx: context.Background()}
	db, err := store.Open(e.Ctx, filepath.Join(t.TempDir(), "ldapwiz.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.DB = db
	e.smtp = smtptest.Start(t, smtptest.Options{})
	e.S = wizard.Default()
	e.S.Enrollment = wizard.Enrollment{Enabled: true, AutoInvite: true, InviteURL: "https://app.example.com/enroll", TokenTTL: "48h"}
	e.S.SMTP = wizard.SMTP{Host: e.smtp.Host, Port: e.smtp.Port, From: "Example IT <it@example.com>", TLS: wizard.SMTPNone, VerifyTLS: true}
	return e
}

func (e *TestEnv) Enroller() *Enroller {
	en := NewEnroller(e.S, e.DB, func(string) string { return "" })
	en.RootCAs = e.smtp.CAPool
	return en
}

// user creates a store user as a sync would (from_ldap, pending).
func (e *TestEnv) user(name, email, first, last string) *store.User {
	e.t.Helper()
	u, err := e.DB.CreateUser(e.Ctx, store.NewUser{Username: name, Email: email, FirstName: first, LastName: last, FromLDAP: true, EnrollmentPending: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// created runs the sync hook for users.
func (e *TestEnv) created(users ...*store.User) InviteReport {
	e.t.Helper()
	var ids []int64
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	rep, err := e.Enroller().OnUsersCreated(e.Ctx, ids)
	if err != nil {
		e.t.Fatalf("OnUsersCreated: %v", err)
	}
	return rep
}

func (e *TestEnv) get(name string) *store.User {
	e.t.Helper()
	u, err := e.DB.GetUserByName(e.Ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *TestEnv) Queue() []QueuedInvitation {
	e.t.Helper()
	q, err := InviteQueue(e.Ctx, e.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

// gotMail is a received invitation, decoded.
type gotMail struct {
	rcpt    string // envelope recipient
	to      *mail.Address
	subject string
	body    string
	link    string
	Token   string
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// decode parses a received message and finds the link in its body.
func decode(t *testing.T, m smtptest.Message) gotMail {
	t.Helper()
	if len(m.To) != 1 {
		t.Fatalf("message to %d recipients: %v", len(m.To), m.To)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, m.Data)
	}
	var g gotMail
	g.rcpt = m.To[0]
	g.to, err = mail.ParseAddress(msg.Header.Get("To"))
	if err != nil {
		t.Fatalf("To header: %v", err)
	}
	g.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	g.body = string(body)
	g.link = linkRE.FindString(g.body)
	if u, err := url.Parse(g.link); err == nil {
		g.Token = u.Query().Get("token")
	}
	return g
}

// Mails decodes the messages the server received after the first skip,
// keyed by recipient, failing on a second message to the same recipient.
func (e *TestEnv) Mails(skip int) map[string]gotMail {
	e.t.Helper()
	out := map[string]gotMail{}
	for _, m := range e.smtp.Messages()[skip:] {
		g := decode(e.t, m)
		if _, dup := out[g.rcpt]; dup {
			e.t.Fatalf("two messages to %s", g.rcpt)
		}
		out[g.rcpt] = g
	}
	return out
}

func timeNowForTest() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
