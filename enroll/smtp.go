package enroll

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"ldapwiz/wizard"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpTimeout bounds connecting to the SMTP server and each command.
const smtpTimeout = 20 * time.Second

// errNoSMTPHost: smtp.host is empty, so nothing can be sent.
var errNoSMTPHost = errors.New("no SMTP server is configured (smtp.host is empty); set smtp.host, then run \"ldapwiz enroll send\"")

// mailer sends e-mails over one SMTP connection, opened on first use and
// reused for the following messages. A failure of the connection itself
// (cannot connect, TLS, authentication, connection lost) makes every later
// send fail at once with the same error, so a batch against a dead server
// costs one attempt, not one per message.
type mailer struct {
	cfg     wizard.SMTP
	getenv  func(string) string
	rootCAs *x509.CertPool // nil: the system roots
	timeout time.Duration

	client *smtp.Client
	stop   func() bool // unregisters the context watcher of the connection
	broken error       // connection-level failure, returned by every later send
	// sent counts the messages delivered on the current connection. A
	// connection that delivered some before failing (a server limiting
	// messages per connection) is reopened once for the next message.
	sent      int
	reconnect bool
}

func newMailer(cfg wizard.SMTP, getenv func(string) string, rootCAs *x509.CertPool) *mailer {
	return &mailer{cfg: cfg, getenv: getenv, rootCAs: rootCAs, timeout: smtpTimeout}
}

// addr is smtp.host:smtp.port.
func (m *mailer) addr() string {
	return net.JoinHostPort(strings.TrimSpace(m.cfg.Host), strconv.Itoa(m.cfg.Port))
}

// send delivers one message and returns the server's answer to it. An error
// is either about this message (the server refused the recipient) or about
// the connection (see mailer); both are explained in plain words.
func (m *mailer) send(ctx context.Context, msg message) (string, error) {
	if m.broken != nil {
		return "", m.broken
	}
	if m.client == nil {
		if err := m.connect(ctx); err != nil {
			m.broken = err
			return "", err
		}
	}
	c := m.client
	if err := c.Mail(msg.from, nil); err != nil {
		return "", m.messageFailed(err, fmt.Sprintf("the sender address %s (smtp.from)", msg.from))
	}
	if err := c.Rcpt(msg.to, nil); err != nil {
		return "", m.messageFailed(err, "the recipient "+msg.to)
	}
	w, err := c.Data()
	if err != nil {
		return "", m.messageFailed(err, "the message")
	}
	if _, err := w.Write(msg.data); err != nil {
		return "", m.fail(err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", m.messageFailed(err, "the message")
	}
	m.sent++
	return resp.StatusText, nil
}

// messageFailed explains a failed command. An SMTP error answer concerns this
// message only: the transaction is reset and the connection kept. Anything
// else breaks the connection.
func (m *mailer) messageFailed(err error, what string) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if rerr := m.client.Reset(); rerr != nil {
			_ = m.fail(rerr)
		}
		hint := ""
		if se.Code == 530 {
			hint = "; the server wants a login: set smtp.username and smtp.password_file or smtp.password_env"
		}
		return fmt.Errorf("the mail server %s refused %s: %s%s", m.addr(), what, smtpAnswer(se), hint)
	}
	return m.fail(err)
}

// fail records a connection-level failure, closes the connection and
// returns the error for the current message. Later sends fail with it too,
// except that a connection which had delivered messages (a server limiting
// messages per connection) is reopened once for the next message.
func (m *mailer) fail(err error) error {
	failure := fmt.Errorf("the connection to the mail server %s failed: %v", m.addr(), err)
	m.broken = failure
	m.close()
	if m.sent > 0 && !m.reconnect {
		m.reconnect, m.broken, m.sent = true, nil, 0
	}
	return failure
}

// close says goodbye to the server, if connected.
func (m *mailer) close() {
	if m.client == nil {
		return
	}
	if m.broken == nil {
		_ = m.client.Quit()
	}
	_ = m.client.Close()
	m.client = nil
	if m.stop != nil {
		m.stop()
	}
}

// connect dials the server in the configured TLS mode and authenticates.
func (m *mailer) connect(ctx context.Context) error {
	if strings.TrimSpace(m.cfg.Host) == "" {
		return errNoSMTPHost
	}
	mode := strings.TrimSpace(m.cfg.TLS)
	if mode == "" {
		mode = wizard.SMTPStartTLS
	}
	if mode != wizard.SMTPStartTLS && mode != wizard.SMTPTLS && mode != wizard.SMTPNone {
		return fmt.Errorf("smtp.tls is %q; set it to \"starttls\", \"tls\" or \"none\"", m.cfg.TLS)
	}
	password, err := m.cfg.ResolvePassword(m.getenv, nil)
	if err != nil {
		return fmt.Errorf("cannot read the SMTP password: %w", err)
	}
	if m.cfg.Username != "" && mode == wizard.SMTPNone && !isLoopbackHost(m.cfg.Host) {
		return fmt.Errorf("smtp.tls = \"none\" would send the SMTP password unencrypted to %s; set smtp.tls to \"starttls\" or \"tls\" (or remove smtp.username)", m.cfg.Host)
	}
	tlsCfg := &tls.Config{
		ServerName:         strings.TrimSpace(m.cfg.Host),
		RootCAs:            m.rootCAs,
		InsecureSkipVerify: !m.cfg.VerifyTLS, //nolint:gosec // only when smtp.verify_tls = false, which validation warns about
		MinVersion:         tls.VersionTLS12,
	}
	// Setting up (connect, TLS, greeting, login) must finish within the
	// timeout: a server that never greets (e.g. an implicit-TLS port used
	// with starttls) would otherwise hang until the library's 5 minutes.
	setup, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	dialer := net.Dialer{}
	conn, err := dialer.DialContext(setup, "tcp", m.addr())
	if err != nil {
		return m.explainConnect(err, mode)
	}
	stopSetup := context.AfterFunc(setup, func() { conn.Close() })
	c, err := m.handshake(conn, mode, tlsCfg, password)
	if !stopSetup() || setup.Err() != nil {
		if c != nil {
			c.Close()
		}
		conn.Close()
		if ctx.Err() != nil {
			return fmt.Errorf("sending to the mail server %s was cancelled", m.addr())
		}
		return fmt.Errorf("the mail server %s did not complete the SMTP greeting, TLS and login within %s; check smtp.port and smtp.tls (starttls on 587, tls on 465)", m.addr(), m.timeout)
	}
	if err != nil {
		if c != nil {
			c.Close()
		}
		conn.Close()
		return err
	}
	c.CommandTimeout, c.SubmissionTimeout = m.timeout, 3*m.timeout
	m.stop = context.AfterFunc(ctx, func() { conn.Close() })
	m.client = c
	return nil
}

// handshake runs TLS (per mode), the greeting and the login on conn. Its
// errors are already explained.
func (m *mailer) handshake(conn net.Conn, mode string, tlsCfg *tls.Config, password string) (*smtp.Client, error) {
	var c *smtp.Client
	var err error
	switch mode {
	case wizard.SMTPTLS:
		c = smtp.NewClient(tls.Client(conn, tlsCfg))
	case wizard.SMTPStartTLS:
		c, err = smtp.NewClientStartTLS(conn, tlsCfg)
		if err != nil {
			return nil, m.explainConnect(err, mode)
		}
	default:
		c = smtp.NewClient(conn)
	}
	// The first command greets the server and runs the TLS handshake:
	// surface those failures here, before any message.
	if err := c.Noop(); err != nil {
		return c, m.explainConnect(err, mode)
	}
	if m.cfg.Username == "" {
		return c, nil
	}
	if !c.SupportsAuth("PLAIN") {
		return c, fmt.Errorf("the mail server %s does not offer password login (AUTH PLAIN) on this connection; remove smtp.username to send without logging in, or check smtp.tls", m.addr())
	}
	if err := c.Auth(sasl.NewPlainClient("", m.cfg.Username, password)); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return c, fmt.Errorf("the mail server %s refused the login of %q: %s; check smtp.username and the password in smtp.password_file / smtp.password_env", m.addr(), m.cfg.Username, smtpAnswer(se))
		}
		return c, m.explainConnect(err, mode)
	}
	return c, nil
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	host = strings.TrimSpace(host)
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// smtpAnswer renders an SMTP error reply as "550 5.1.1 no such user".
func smtpAnswer(se *smtp.SMTPError) string {
	s := strconv.Itoa(se.Code)
	if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != smtp.EnhancedCodeNotSet {
		s += fmt.Sprintf(" %d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	if msg := strings.TrimSpace(se.Message); msg != "" {
		s += " " + msg
	}
	return s
}

// explainConnect turns a failure to reach or set up the SMTP server into an
// actionable message naming the settings to check.
func (m *mailer) explainConnect(err error, mode string) error {
	addr := m.addr()
	var (
		dnsErr  *net.DNSError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		se      *smtp.SMTPError
	)
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Errorf("the mail server name %q does not resolve (%v); check smtp.host", m.cfg.Host, dnsErr.Err)
	case errors.As(err, &unknown):
		return fmt.Errorf("the certificate of the mail server %s is signed by an unknown authority; add its CA to the system's trusted certificates, or (unsafe) set smtp.verify_tls = false", addr)
	case errors.As(err, &host):
		return fmt.Errorf("the certificate of the mail server %s is not valid for %q (%v); set smtp.host to a name the certificate holds", addr, m.cfg.Host, host)
	case errors.As(err, &invalid):
		return fmt.Errorf("the certificate of the mail server %s is not acceptable (%v); renew it on the server, or (unsafe) set smtp.verify_tls = false", addr, invalid)
	case errors.As(err, &record):
		return fmt.Errorf("the mail server %s did not answer with TLS; smtp.tls = %q expects implicit TLS (usually port 465): use tls = \"starttls\" for port 587, or check smtp.port", addr, mode)
	case strings.Contains(err.Error(), "does not offer STARTTLS") || strings.Contains(err.Error(), "doesn't support STARTTLS"):
		return fmt.Errorf("the mail server %s does not offer STARTTLS; set smtp.tls = \"tls\" if it uses implicit TLS (port 465), or \"none\" only on a trusted network", addr)
	case errors.As(err, &se):
		return fmt.Errorf("the mail server %s refused the connection: %s", addr, smtpAnswer(se))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("connecting to the mail server %s was cancelled or timed out", addr)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("the mail server %s did not answer within %s; check smtp.host and smtp.port, and that a firewall lets the connection through", addr, m.timeout)
	}
	if strings.Contains(err.Error(), "connection refused") {
		return fmt.Errorf("nothing answers on %s (connection refused); check smtp.host and smtp.port, and that the mail server is running", addr)
	}
	return fmt.Errorf("cannot talk to the mail server %s: %v; check smtp.host, smtp.port and smtp.tls", addr, err)
}
