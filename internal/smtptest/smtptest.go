// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) in
// the test process on 127.0.0.1 with a random port, collecting the messages
// it receives, for the enrollment invitation tests.
package smtptest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"ldapwiz/internal/slapdtest"
)

// Mode is the TLS mode a test server speaks.
type Mode int

// Modes.
const (
	Plain    Mode = iota // no TLS (smtp.tls = "none")
	StartTLS             // STARTTLS offered (smtp.tls = "starttls")
	Implicit             // TLS from the first byte (smtp.tls = "tls")
)

// Options configure a test server.
type Options struct {
	Mode Mode
	// Username and Password, when set, are the only accepted AUTH PLAIN
	// login; mail is then refused without it.
	Username, Password string
	// RejectRcpt lists recipient addresses answered with 550.
	RejectRcpt []string
	// DropAfter, when > 0, drops a connection when it starts its message
	// number DropAfter+1, like a server limiting messages per connection.
	DropAfter int
	// Cert is the kind of certificate presented in the TLS modes (default:
	// valid for localhost and 127.0.0.1, signed by the test CA).
	Cert slapdtest.CertKind
}

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte // as received (CRLF line ends)
	User string // the AUTH username, "" without login
}

// Server is a running test SMTP server.
type Server struct {
	Host   string // "127.0.0.1"
	Port   int
	CAPool *x509.CertPool // trusts the server certificate (TLS modes)
	CAFile string         // the CA certificate as a PEM file

	mu   sync.Mutex
	msgs []Message
	opts Options
	srv  *smtp.Server
}

// Start runs a server until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{Host: "127.0.0.1", opts: opts}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxRecipients = 10
	if opts.Mode != Plain {
		certs, err := slapdtest.GenerateCerts(t.TempDir(), opts.Cert)
		if err != nil {
			t.Fatalf("smtptest: certificates: %v", err)
		}
		pair, err := tls.LoadX509KeyPair(certs.CertFile, certs.KeyFile)
		if err != nil {
			t.Fatalf("smtptest: load certificate: %v", err)
		}
		pem, err := os.ReadFile(certs.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		s.CAPool = x509.NewCertPool()
		s.CAPool.AppendCertsFromPEM(pem)
		s.CAFile = certs.CAFile
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	var l net.Listener
	var err error
	if opts.Mode == Implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	s.srv = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		l.Close() // Close misses a listener Serve has not registered yet
		<-done
	})
	if err := s.waitBanner(); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	return s
}

// bannerTimeout bounds the wait for the server's first greeting.
const bannerTimeout = 30 * time.Second

// waitBanner connects once (over TLS in Implicit mode) and reads the
// server's "220" greeting, so Start returns a server that answers.
func (s *Server) waitBanner() error {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	d := &net.Dialer{Timeout: bannerTimeout}
	var c net.Conn
	var err error
	if s.opts.Mode == Implicit {
		// The probe does not verify: some servers present a broken
		// certificate on purpose.
		c, err = tls.DialWithDialer(d, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	} else {
		c, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connecting to %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(bannerTimeout))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "220") {
		return fmt.Errorf("no 220 greeting from %s within %s: %q %v", addr, bannerTimeout, line, err)
	}
	_, _ = io.WriteString(c, "QUIT\r\n")
	return nil
}

// ClosedPort returns a port on 127.0.0.1 where nothing listens, and keeps
// it that way until the test ends: a socket stays bound to the port without
// listening, so a connection is refused and no other process (another test
// server picking a free port) can take the port meanwhile.
func ClosedPort(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("smtptest: socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("smtptest: bind 127.0.0.1:0: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("smtptest: getsockname: %v", err)
	}
	return sa.(*syscall.SockaddrInet4).Port
}

// Messages returns a copy of the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	n    int // messages received on this connection
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if se.s.opts.Username == "" || username != se.s.opts.Username || password != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.user = username
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && se.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if d := se.s.opts.DropAfter; d > 0 && se.n >= d {
		se.conn.Conn().Close()
		return errors.New("connection dropped")
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	for _, r := range se.s.opts.RejectRcpt {
		if strings.EqualFold(r, to) {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, Message{From: se.from, To: se.to, Data: data, User: se.user})
	se.s.mu.Unlock()
	se.n++
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }
