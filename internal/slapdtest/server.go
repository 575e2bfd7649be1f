package slapdtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
)

// Options change what Start sets up. The zero value is the standard server:
// a good certificate and the standard fixture.
type Options struct {
	Cert      CertKind // the server certificate to present
	NoFixture bool     // load only the base entry and OUs' parent, no users
	BulkUsers int      // extra users under ou=bulk (benchmarks, large results)
	ExtraLDIF string   // more entries, loaded after the fixture
	// ExtraACL are olcAccess rules for the data, placed before the standard
	// ones ("to attrs=userPassword ...", "to * by users read"), e.g.
	// `to attrs=entryUUID by dn.exact="cn=reader,ou=service,dc=example,dc=com" none by * read`.
	// @READER@ and @BASE@ are replaced by ReaderDN and BaseDN.
	ExtraACL []string
	// ClientCert makes the server demand a TLS client certificate on
	// ldaps:// and StartTLS (olcTLSVerifyClient demand) and map its subject
	// to an entry for SASL EXTERNAL binds (olcAuthzRegexp); the files are in
	// Server.ClientCert.
	ClientCert bool
	// PPolicy loads the password-policy overlay (ppolicy) with lockout on
	// and a lenient default policy (DefaultPolicyDN, under PoliciesDN);
	// Lock, Unlock, ExpirePassword and MustChangePassword put a user in a
	// given state.
	PPolicy bool
	// SyncProv loads the content-synchronization provider (syncprov, RFC
	// 4533) on the data: a checkpoint, a session log that reports deletes
	// to a refresh from a recent cookie, and an entryCSN index.
	SyncProv bool
}

// Server is a running private slapd.
type Server struct {
	URL      string // ldap://127.0.0.1:PORT (StartTLS available)
	LDAPSURL string // ldaps://127.0.0.1:PORT
	Host     string // 127.0.0.1
	Port     int    // plain LDAP port
	TLSPort  int    // LDAPS port
	CAFile   string // PEM of the CA that signed the server certificate
	BaseDN   string
	AdminDN  string
	// AdminPassword is the rootdn password.
	AdminPassword string
	Fixture       *Fixture // nil with Options.NoFixture
	Dir           string   // the server's private directory
	// ClientCert is the client certificate the server demands, with
	// Options.ClientCert; nil otherwise.
	ClientCert *ClientCertFiles

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *bytes.Buffer
	cfgDir string
}

// Start starts a private slapd with the standard fixture; it is stopped when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith starts a private slapd with the given options; it is stopped when
// the test ends. Any failure fails the test with slapd's own words.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	EnsureInstalled(t)
	dir, err := os.MkdirTemp("", "ldapwiz-slapd-")
	if err != nil {
		t.Fatalf("slapdtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s, err := setup(dir, opts)
	if err != nil {
		t.Fatalf("slapdtest: %v", err)
	}
	t.Cleanup(s.Stop)
	// The ports were free a moment ago; another process can take one before
	// slapd binds it. slapd then exits saying so, and is started again on
	// other ports. Any other failure, a timeout included, fails at once.
	for attempt := 1; ; attempt++ {
		err := s.pickPortsAndStart()
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			t.Fatalf("slapdtest: slapd did not start: %v", err)
		}
		t.Logf("slapdtest: attempt %d: %v; trying other ports", attempt, err)
	}
}

// errPortTaken is Restart's error when slapd could not bind its ports.
var errPortTaken = errors.New("a port was taken before slapd could bind it")

// startTimeout bounds how long slapd may take to answer a bind after it
// starts. It is long because a loaded machine is slow, and nothing waits
// for it unless slapd is really not answering.
const startTimeout = 60 * time.Second

func setup(dir string, opts Options) (*Server, error) {
	certs, err := GenerateCerts(dir, opts.Cert)
	if err != nil {
		return nil, fmt.Errorf("certificates: %v", err)
	}
	s := &Server{
		Host: "127.0.0.1", CAFile: certs.CAFile, BaseDN: BaseDN, AdminDN: AdminDN,
		AdminPassword: AdminPassword, Dir: dir, cfgDir: filepath.Join(dir, "slapd.d"),
	}
	for _, d := range []string{s.cfgDir, filepath.Join(dir, "data")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	tlsExtra := ""
	if opts.ClientCert {
		cc, err := generateClientCerts(dir)
		if err != nil {
			return nil, fmt.Errorf("client certificates: %v", err)
		}
		s.ClientCert = &cc
		if certs.CAFile, err = caBundle(dir, certs.CAFile, cc.CAFile); err != nil {
			return nil, fmt.Errorf("client certificates: %v", err)
		}
		tlsExtra = clientTLSExtra()
	}
	cfg := filepath.Join(dir, "config.ldif")
	if err := os.WriteFile(cfg, []byte(configLDIF(dir, certs, opts.ExtraACL, tlsExtra, opts.PPolicy, opts.SyncProv)), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.Command(SlapaddPath, "-n0", "-F", s.cfgDir, "-l", cfg).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("slapadd cn=config: %v: %s", err, out)
	}
	var data string
	if opts.NoFixture {
		data = "dn: " + BaseDN + "\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example Corp\n\n" +
			"dn: ou=people," + BaseDN + "\nobjectClass: organizationalUnit\nou: people\n\n" +
			"dn: ou=groups," + BaseDN + "\nobjectClass: organizationalUnit\nou: groups\n\n"
	} else {
		s.Fixture = NewFixture()
		data = s.Fixture.LDIF()
	}
	if opts.BulkUsers > 0 {
		data += BulkLDIF(opts.BulkUsers)
	}
	if opts.PPolicy {
		data += policiesLDIF
	}
	data += opts.ExtraLDIF
	dataFile := filepath.Join(dir, "data.ldif")
	if err := os.WriteFile(dataFile, []byte(data), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.Command(SlapaddPath, "-q", "-n1", "-F", s.cfgDir, "-l", dataFile).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("slapadd data: %v: %s", err, tail(out))
	}
	return s, nil
}

func (s *Server) pickPortsAndStart() error {
	p1, err := harness.FreePort()
	if err != nil {
		return err
	}
	p2, err := harness.FreePort()
	if err != nil {
		return err
	}
	s.Port, s.TLSPort = p1, p2
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", p1)
	s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", p2)
	return s.Restart()
}

// Restart starts slapd again on the same ports with the same data, after
// Stop (fault tests: the directory goes away mid-sync and comes back).
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("slapd is already running (pid %d)", s.cmd.Process.Pid)
	}
	urls := fmt.Sprintf("ldap://127.0.0.1:%d/ ldaps://127.0.0.1:%d/", s.Port, s.TLSPort)
	pidFile := filepath.Join(s.Dir, "slapd.pid")
	os.Remove(pidFile)
	// "-d none" keeps slapd in the foreground and prints the messages it
	// logs at every level, such as "bind(…) failed errno=98 (Address
	// already in use)"; with "-d 0" it exits silently, and a port another
	// process took between choosing it and slapd binding it looked like a
	// failure with no reason instead of a retry on other ports.
	cmd := exec.Command(SlapdPath, "-F", s.cfgDir, "-h", urls, "-d", "none")
	s.stderr = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = s.stderr, s.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// From the harness's one lasting thread: Pdeathsig follows the thread
	// that forks, and other threads end (harness.Start).
	if err := harness.Start(cmd); err != nil {
		return fmt.Errorf("start slapd: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	deadline := time.Now().Add(startTimeout)
	var notYet error
	for {
		select {
		case <-done:
			out := tail(s.stderr.Bytes())
			if strings.Contains(out, "Address already in use") {
				return fmt.Errorf("%w: ports %d/%d: %s", errPortTaken, s.Port, s.TLSPort, out)
			}
			return fmt.Errorf("slapd exited at start: %s", out)
		default:
		}
		// slapd writes its pid file only once its listeners are bound, so a
		// port another process took in the meantime cannot pass for ours;
		// then a bind as the admin on both ports says the database answers.
		if harness.OwnsPIDFile(pidFile, cmd.Process.Pid) {
			if notYet = s.answers(); notYet == nil {
				s.cmd, s.done = cmd, done
				return nil
			}
		} else {
			notYet = fmt.Errorf("no pid file %s with pid %d yet", pidFile, cmd.Process.Pid)
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return fmt.Errorf("slapd did not answer on ports %d/%d within %s (%v): %s", s.Port, s.TLSPort, startTimeout, notYet, tail(s.stderr.Bytes()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// answers binds as the admin over plain LDAP and over LDAPS, and reports
// the first failure. The LDAPS probe does not verify the certificate: some
// servers present a broken one on purpose.
func (s *Server) answers() error {
	clientCerts, err := s.clientTLSCerts()
	if err != nil {
		return err
	}
	for _, url := range []string{s.URL, s.LDAPSURL} {
		c, err := ldap.DialURL(url, ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}),
			ldap.DialWithTLSConfig(&tls.Config{InsecureSkipVerify: true, Certificates: clientCerts}))
		if err != nil {
			return err
		}
		c.SetTimeout(10 * time.Second)
		err = c.Bind(s.AdminDN, s.AdminPassword)
		c.Close()
		if err != nil {
			return fmt.Errorf("bind as %s at %s: %w", s.AdminDN, url, err)
		}
	}
	return nil
}

// Stop kills slapd (by PID, its whole process group) and waits for it to
// exit. It is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
	s.cmd, s.done = nil, nil
}

// PID returns slapd's process id, or 0 when it is stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// LdapsearchArgs returns the ldap-utils arguments that reach this server as
// the admin over plain LDAP: "-x -H URL -D DN -w PW".
func (s *Server) LdapsearchArgs() []string {
	return []string{"-x", "-H", s.URL, "-D", s.AdminDN, "-w", s.AdminPassword}
}

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
