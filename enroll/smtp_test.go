package enroll

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/internal/smtptest"
	"ldapwiz/wizard"
)

// tlsEnv is an enrollEnv whose server speaks TLS (STARTTLS or implicit)
// and requires the login it-bot / s3cret-pw, read from $SMTP_PW.
func tlsEnv(t *testing.T, mode smtptest.Mode) *TestEnv {
	e := NewTestEnv(t)
	e.smtp = smtptest.Start(t, smtptest.Options{Mode: mode, Username: "it-bot", Password: "s3cret-pw"})
	e.S.SMTP.Port = e.smtp.Port
	e.S.SMTP.TLS = wizard.SMTPStartTLS
	if mode == smtptest.Implicit {
		e.S.SMTP.TLS = wizard.SMTPTLS
	}
	e.S.SMTP.Username = "it-bot"
	e.S.SMTP.PasswordEnv = "SMTP_PW"
	return e
}

func (e *TestEnv) enrollerWithEnv(env map[string]string) *Enroller {
	en := NewEnroller(e.S, e.DB, func(k string) string { return env[k] })
	en.RootCAs = e.smtp.CAPool
	return en
}

func TestInvitationOverSTARTTLSWithLogin(t *testing.T) {
	for _, mode := range []smtptest.Mode{smtptest.StartTLS, smtptest.Implicit} {
		e := tlsEnv(t, mode)
		u := e.user("secure", "secure@example.com", "Se", "Cure")
		rep, err := e.enrollerWithEnv(map[string]string{"SMTP_PW": "s3cret-pw"}).OnUsersCreated(e.Ctx, []int64{u.ID})
		if err != nil || rep.Sent != 1 {
			t.Fatalf("mode %d: %+v %v", mode, rep, err)
		}
		msgs := e.smtp.Messages()
		if len(msgs) != 1 || msgs[0].User != "it-bot" {
			t.Fatalf("mode %d: messages %+v", mode, msgs)
		}
		if v, err := VerifyToken(e.Ctx, e.DB, decode(t, msgs[0]).Token); err != nil || v.ID != u.ID {
			t.Fatalf("mode %d: VerifyToken: %v", mode, err)
		}
	}
}

func TestSMTPFailuresExplained(t *testing.T) {
	e := tlsEnv(t, smtptest.StartTLS)
	good := map[string]string{"SMTP_PW": "s3cret-pw"}
	cases := []struct {
		name   string
		edit   func(s *wizard.SMTP)
		env    map[string]string
		noCA   bool
		want   []string
		absent string
	}{
		{"untrusted CA", nil, good, true, []string{"unknown authority", "smtp.verify_tls"}, ""},
		{"wrong password", nil, map[string]string{"SMTP_PW": "wrong-pw"}, false, []string{"refused the login of \"it-bot\"", "535", "smtp.password_env"}, "wrong-pw"},
		{"no password", nil, map[string]string{}, false, []string{"SMTP_PW is not set"}, ""},
		{"implicit TLS on a STARTTLS port", func(s *wizard.SMTP) { s.TLS = wizard.SMTPTLS }, good, false, []string{"did not answer with TLS", "starttls"}, ""},
		{"plain with password to a remote host", func(s *wizard.SMTP) { s.TLS = wizard.SMTPNone; s.Host = "smtp.example.invalid" }, good, false, []string{"unencrypted"}, ""},
		{"unresolvable host", func(s *wizard.SMTP) { s.Host = "no-such-host.invalid" }, good, false, []string{"does not resolve", "smtp.host"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := e.S.SMTP
			if c.edit != nil {
				c.edit(&cfg)
			}
			ca := e.smtp.CAPool
			if c.noCA {
				ca = nil
			}
			_, err := sendTestEmail(context.Background(), cfg, "admin@example.com", func(k string) string { return c.env[k] }, ca)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if c.absent != "" && strings.Contains(err.Error(), c.absent) {
				t.Errorf("error shows the password: %q", err)
			}
		})
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages got through", n)
	}
}

func TestSMTPCertificateForAnotherHost(t *testing.T) {
	e := NewTestEnv(t)
	srv := smtptest.Start(t, smtptest.Options{Mode: smtptest.StartTLS, Cert: slapdtest.CertWrongHost})
	cfg := e.S.SMTP
	cfg.Port, cfg.TLS = srv.Port, wizard.SMTPStartTLS
	_, err := sendTestEmail(context.Background(), cfg, "admin@example.com", nil, srv.CAPool)
	if err == nil || !strings.Contains(err.Error(), "not valid for \"127.0.0.1\"") || !strings.Contains(err.Error(), "smtp.host") {
		t.Fatalf("wrong host: %v", err)
	}
}

func TestSMTPVerifyTLSOff(t *testing.T) {
	e := tlsEnv(t, smtptest.StartTLS)
	cfg := e.S.SMTP
	cfg.VerifyTLS = false
	// No CA given, and the certificate is not checked.
	if _, err := sendTestEmail(context.Background(), cfg, "admin@example.com", func(string) string { return "s3cret-pw" }, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSendTestEmail(t *testing.T) {
	e := tlsEnv(t, smtptest.StartTLS)
	answer, err := sendTestEmail(context.Background(), e.S.SMTP, "admin@example.com", func(string) string { return "s3cret-pw" }, e.smtp.CAPool)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(answer, "The mail server 127.0.0.1:") || !strings.Contains(answer, "accepted the test message for admin@example.com") || strings.Contains(answer, "s3cret") {
		t.Fatalf("answer %q", answer)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "admin@example.com" || msgs[0].From != "it@example.com" {
		t.Fatalf("messages: %+v", msgs)
	}
	if d := decode(t, msgs[0]); d.subject != "ldapwiz test message" || !strings.Contains(d.body, "[smtp] settings work") {
		t.Fatalf("message: %+v", d)
	}

	// The exported form uses the system roots: the test CA is not among them.
	if _, err := SendTestEmail(context.Background(), e.S.SMTP, "admin@example.com", func(string) string { return "s3cret-pw" }); err == nil || !strings.Contains(err.Error(), "unknown authority") {
		t.Fatalf("SendTestEmail with system roots: %v", err)
	}
	for _, c := range []struct{ to, from, want string }{
		{"", "it@example.com", "give the address"},
		{"not an address", "it@example.com", "is not an e-mail address"},
		{"a@example.com", "", "smtp.from"},
	} {
		cfg := e.S.SMTP
		cfg.From = c.from
		if _, err := SendTestEmail(context.Background(), cfg, c.to, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("to %q from %q: %v, want %q", c.to, c.from, err, c.want)
		}
	}
	cfg := e.S.SMTP
	cfg.Host = ""
	if _, err := SendTestEmail(context.Background(), cfg, "a@example.com", nil); !errors.Is(err, errNoSMTPHost) {
		t.Errorf("no host: %v", err)
	}
	cfg = e.S.SMTP
	cfg.Port = smtptest.ClosedPort(t)
	if _, err := SendTestEmail(context.Background(), cfg, "a@example.com", func(string) string { return "pw" }); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("closed port: %v", err)
	}
}

func TestMessageHeadersSafe(t *testing.T) {
	msg, err := composeMessage("IT <it@example.com>", "x@example.com", "Evil\r\nBcc: victim@example.com", "Hi", "body\r\n", timeNowForTest())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(msg.data), "\r\nBcc:") {
		t.Fatalf("header injection:\n%s", msg.data)
	}
	if _, err := composeMessage("IT <it@example.com>", "x@example.com\r\nBcc: v@example.com", "", "Hi", "b", timeNowForTest()); err == nil {
		t.Fatal("a recipient with a line break was accepted")
	}
}
