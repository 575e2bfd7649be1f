package enroll

import (
	"context"
	"crypto/x509"
	"fmt"
	"ldapwiz/wizard"
	"strings"
	"time"
)

// SendTestEmail sends a short test message to the address to through the
// SMTP settings, for the Enrollment screen's "send a test email" action. It
// returns the server's answer in plain words ("The mail server
// smtp.example.com:587 accepted the test message for ...: 2.0.0 Ok: queued
// as 4F1A"), or an error that says what failed and which setting to check.
// getenv reads smtp.password_env (os.Getenv when nil). The password is
// never part of the answer or the error.
func SendTestEmail(ctx context.Context, smtp wizard.SMTP, to string, getenv func(string) string) (string, error) {
	return sendTestEmail(ctx, smtp, to, getenv, nil)
}

// sendTestEmail is SendTestEmail with a CA pool (nil: the system roots).
func sendTestEmail(ctx context.Context, cfg wizard.SMTP, to string, getenv func(string) string, rootCAs *x509.CertPool) (string, error) {
	to = strings.TrimSpace(to)
	if to == "" {
		return "", fmt.Errorf("give the address to send the test e-mail to")
	}
	body := "This is a test message from ldapwiz.\r\n\r\n" +
		"If you can read it, the [smtp] settings work and enrollment invitations can be sent.\r\n"
	msg, err := composeMessage(cfg.From, to, "", "ldapwiz test message", body, time.Now())
	if err != nil {
		return "", err
	}
	m := newMailer(cfg, getenv, rootCAs)
	defer m.close()
	answer, err := m.send(ctx, msg)
	if err != nil {
		return "", err
	}
	out := fmt.Sprintf("The mail server %s accepted the test message for %s", m.addr(), msg.to)
	if a := strings.TrimSpace(answer); a != "" {
		out += ": " + a
	}
	return out + ".", nil
}
