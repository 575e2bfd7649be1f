package enroll

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// message is one e-mail ready to hand to an SMTP server.
type message struct {
	from, to string // envelope addresses
	data     []byte // RFC 5322 message, CRLF line ends
}

// invitation is what an invitation e-mail says.
type invitation struct {
	name, email, username string
	link                  string
	expires               time.Time
	ttl                   time.Duration
}

// inviteSubject is the subject line of invitation e-mails for the
// enrollment page at inviteURL.
func inviteSubject(inviteURL string) string {
	if u, err := url.Parse(inviteURL); err == nil && u.Hostname() != "" {
		return "Set up your account on " + u.Hostname()
	}
	return "Set up your account"
}

// composeInvite builds the invitation e-mail for one user.
func composeInvite(from, inviteURL string, inv invitation, now time.Time) (message, error) {
	greeting := "Hello,"
	if n := cleanName(inv.name); n != "" {
		greeting = "Hello " + n + ","
	}
	body := strings.Join([]string{
		greeting,
		"",
		fmt.Sprintf("An account has been created for you (user name: %s). To finish setting it up, open this link:", inv.username),
		"",
		inv.link,
		"",
		fmt.Sprintf("The link works once and expires on %s (%s from now).",
			inv.expires.UTC().Format("Monday 2 January 2006 at 15:04 UTC"), humanDuration(inv.ttl)),
		"If you did not expect this e-mail, you can ignore it.",
	}, "\r\n") + "\r\n"
	return composeMessage(from, inv.email, cleanName(inv.name), inviteSubject(inviteURL), body, now)
}

// composeMessage builds a plain-text UTF-8 e-mail. from is an address, with
// or without a display name; to is a bare address and toName its display
// name (may be empty).
func composeMessage(from, to, toName, subject, body string, now time.Time) (message, error) {
	fromAddr, err := mail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return message{}, fmt.Errorf("smtp.from %q is not an e-mail address; write e.g. noreply@example.com or \"Name <noreply@example.com>\"", from)
	}
	toAddr, err := mail.ParseAddress(strings.TrimSpace(to))
	if err != nil || toAddr.Name != "" {
		return message{}, fmt.Errorf("%q is not an e-mail address", to)
	}
	toAddr.Name = cleanName(toName)
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	if _, err := w.Write([]byte(body)); err != nil {
		return message{}, err
	}
	if err := w.Close(); err != nil {
		return message{}, err
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", fromAddr.String())
	header("To", toAddr.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(fromAddr.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	b.Write(qp.Bytes())
	return message{from: fromAddr.Address, to: toAddr.Address, data: b.Bytes()}, nil
}

// messageID returns a unique Message-ID in the sender's domain.
func messageID(fromAddr string) string {
	r := make([]byte, 12)
	_, _ = rand.Read(r)
	domain := "ldapwiz.invalid"
	if _, d, ok := strings.Cut(fromAddr, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(r) + "@" + domain + ">"
}

// cleanName removes control characters (a line break would end a header)
// and surrounding space from a display name.
func cleanName(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// humanDuration writes a token lifetime the way a person says it: "48
// hours", "7 days", "30 minutes".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 72*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}
