package sambatest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
)

// The fixed names of the test domain.
const (
	// Realm is the Kerberos realm and DNS domain, upper case.
	Realm = "EXAMPLE.TEST"
	// Domain is the NetBIOS domain name, as in EXAMPLE\Administrator.
	Domain = "EXAMPLE"
	// BaseDN is the domain's naming context.
	BaseDN = "DC=example,DC=test"
	// AdminDN is the built-in Administrator account.
	AdminDN = "CN=Administrator,CN=Users," + BaseDN
	// AdminUPN is the Administrator's user principal name.
	AdminUPN = "Administrator@example.test"
	// AdminPassword is the Administrator's password (a test-only secret).
	AdminPassword = "Adm1n!Passw0rd"
	// UsersDN is the default container for users and groups.
	UsersDN = "CN=Users," + BaseDN
	// DCHost is the domain controller's DNS name: its LDAP service
	// principal is "ldap/" + DCHost.
	DCHost = "dc1.example.test"
)

// runDirPrefix names each run's directory under the system temp dir.
const runDirPrefix = "ldapwiz-samba-run-"

// startTimeout bounds how long Samba may take to answer LDAPS.
const startTimeout = 60 * time.Second

// Server is a running Samba AD domain controller. Its LDAP ports are
// forwarded from free ports on the host's 127.0.0.1.
type Server struct {
	// URL is plain LDAP, ldap://127.0.0.1:P (Samba refuses simple binds here).
	URL string
	// LDAPSURL is LDAP over TLS, ldaps://127.0.0.1:P2.
	LDAPSURL string
	// CAFile is the PEM file of the CA that signed the server certificate.
	CAFile string
	// BaseDN is the domain's naming context, DC=example,DC=test.
	BaseDN string
	// Domain is the NetBIOS domain name, EXAMPLE.
	Domain string
	// Realm is EXAMPLE.TEST.
	Realm string
	// AdminDN is CN=Administrator,CN=Users,DC=example,DC=test.
	AdminDN string
	// AdminUPN is Administrator@example.test.
	AdminUPN string
	// AdminPassword is the Administrator's password.
	AdminPassword string
	// Dir holds this run's private copy of the domain, logs and certificates.
	Dir string
	// PID is the samba master process; its process group is killed at cleanup.
	PID int
	// KDCAddr is 127.0.0.1:P, forwarded to the KDC's TCP port 88, when
	// started with Options.KDC; empty otherwise.
	KDCAddr string

	caPool *x509.CertPool
	output *harness.SyncBuffer
	conf   string // this run's smb.conf

	helperMu sync.Mutex // guards helper
	helper   *ldap.Conn // Administrator connection of AddUser, AddGroup, AddOU
}

// Timings says how long each phase of Start took; zero when skipped.
type Timings struct {
	Install, Provision, Copy, Start time.Duration
}

// Options change what Start runs.
type Options struct {
	// KDC runs Samba's Kerberos KDC beside LDAP ("server services = ldap
	// kdc") and forwards its TCP port 88 to Server.KDCAddr.
	KDC bool
}

// Start runs a fresh Samba AD DC for the test and stops it at cleanup.
// Any failure fails the test with Samba's output.
func Start(t testing.TB) *Server {
	t.Helper()
	s, _ := StartTimed(t)
	return s
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	s, _ := startTimed(t, opts)
	return s
}

// StartTimed is Start that also reports how long each phase took.
func StartTimed(t testing.TB) (*Server, Timings) {
	t.Helper()
	return startTimed(t, Options{})
}

func startTimed(t testing.TB, opts Options) (*Server, Timings) {
	t.Helper()
	var tm Timings
	begin := time.Now()
	EnsureInstalled(t)
	tm.Install = time.Since(begin)
	template, provisioned, err := templateDir()
	if err != nil {
		t.Fatalf("sambatest: provisioning the domain failed: %v", err)
	}
	tm.Provision = provisioned

	begin = time.Now()
	// Samba died with the test processes that left run directories behind.
	harness.SweepRunDirs(runDirPrefix, nil)
	dir, err := harness.MakeRunDir(runDirPrefix) // short: Samba's Unix sockets live under it
	if err != nil {
		t.Fatalf("sambatest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tf, err := writeCertificates(dir)
	if err != nil {
		t.Fatalf("sambatest: making the TLS certificate: %v", err)
	}
	domainDir := filepath.Join(dir, "domain")
	if err := copyTemplate(template, domainDir, tf, opts.KDC); err != nil {
		t.Fatalf("sambatest: copying the provisioned domain from %s: %v", template, err)
	}
	tm.Copy = time.Since(begin)

	begin = time.Now()
	s := &Server{
		CAFile: tf.CAFile, BaseDN: BaseDN, Domain: Domain, Realm: Realm,
		AdminDN: AdminDN, AdminUPN: AdminUPN, AdminPassword: AdminPassword, Dir: dir,
	}
	s.caPool = x509.NewCertPool()
	pem, err := os.ReadFile(tf.CAFile)
	if err != nil || !s.caPool.AppendCertsFromPEM(pem) {
		t.Fatalf("sambatest: reading CA %s: %v", tf.CAFile, err)
	}
	s.conf = filepath.Join(domainDir, "etc", "smb.conf")
	s.launch(t, s.conf, opts.KDC)
	tm.Start = time.Since(begin)
	return s, tm
}

// launch starts samba in a new network namespace, forwards its LDAP ports,
// waits until an LDAPS bind works, and registers the cleanup.
func (s *Server) launch(t testing.TB, conf string, kdc bool) {
	t.Helper()
	out := &harness.SyncBuffer{}
	s.output = out
	cmd := exec.Command("sh", "-c", `ip link set lo up && exec samba -s "$1" -F --debug-stdout -d 1`, "sh", conf)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET, // private 389/636: parallel servers never collide
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
	}
	dialer, nsErr := startInNamespace(cmd)
	if cmd.Process == nil {
		dialer.close()
		t.Fatalf("sambatest: starting samba in a network namespace (needs root): %v", nsErr)
	}
	s.PID = cmd.Process.Pid
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	var fws []*forwarder
	stop := func() {
		beginStop := time.Now()
		defer func() { t.Logf("sambatest: stopped in %s", time.Since(beginStop).Round(time.Millisecond)) }()
		s.closeHelper()
		syscall.Kill(-s.PID, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-s.PID, syscall.SIGKILL)
			<-exited
		}
		syscall.Kill(-s.PID, syscall.SIGKILL) // any straggler of the group
		for _, fw := range fws {
			fw.close()
		}
		dialer.close() // only now may samba's parent thread end
	}
	t.Cleanup(stop)

	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("sambatest: "+format+"\n--- samba output tail ---\n%s", append(args, harness.Tail(out.String(), 40))...)
	}
	if nsErr != nil {
		select {
		case <-exited:
			fail("samba exited at once (config %s)", conf)
		case <-time.After(time.Second):
		}
		fail("%v", nsErr)
	}
	ports := []int{389, 636}
	if kdc {
		ports = append(ports, 88)
	}
	for _, port := range ports {
		fw, err := forward(dialer, port)
		if err != nil {
			fail("%v", err)
		}
		fws = append(fws, fw)
	}
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", fws[0].port())
	s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", fws[1].port())
	if kdc {
		s.KDCAddr = fmt.Sprintf("127.0.0.1:%d", fws[2].port())
	}

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-exited:
			fail("samba exited before answering LDAPS (config %s)", conf)
		default:
		}
		c, err := s.dialAdmin()
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			fail("samba did not answer an LDAPS bind at %s within %s: %v", s.LDAPSURL, startTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Output returns what samba has logged so far (debug level 1), for test
// failure messages.
func (s *Server) Output() string { return s.output.String() }

// TLSConfig verifies the server certificate against CAFile.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.caPool, MinVersion: tls.VersionTLS12}
}

// dialAdmin connects over LDAPS and binds as Administrator.
func (s *Server) dialAdmin() (*ldap.Conn, error) {
	c, err := ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig()))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(30 * time.Second)
	if err := c.Bind(s.AdminDN, s.AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// AdminConn returns an LDAPS connection bound as Administrator, closed at
// the end of the test.
func (s *Server) AdminConn(t testing.TB) *ldap.Conn {
	t.Helper()
	c, err := s.dialAdmin()
	if err != nil {
		t.Fatalf("sambatest: binding as %s over %s: %v", s.AdminDN, s.LDAPSURL, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
