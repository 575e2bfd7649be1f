package ds389test

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
)

// Options change what Start loads. The zero value is the standard fixture
// with entryUUID on every entry.
type Options struct {
	// NoFixture loads only the suffix entry, ou=people and ou=groups.
	NoFixture bool
	// ExtraLDIF are more entries, imported after the fixture.
	ExtraLDIF string
	// NoEntryUUIDFixup leaves the imported entries without entryUUID: an
	// offline import runs no plug-ins, so they have only nsUniqueId until
	// the EntryUUID plug-in's fix-up task runs (see EntryUUIDFixup), while
	// entries added over LDAP later get both: one tree mixes the two.
	NoEntryUUIDFixup bool
	// ContentSync turns on RFC 4533 content synchronization: the Retro
	// Changelog plug-in (recording each entry's nsUniqueId and entryUUID,
	// for the suffix only) and the Content Synchronization plug-in that
	// reads it. Only this server's copy of the instance is changed.
	ContentSync bool
}

// Server is a running private 389 Directory Server.
type Server struct {
	URL      string // ldap://127.0.0.1:PORT (StartTLS available)
	LDAPSURL string // ldaps://127.0.0.1:PORT
	Host     string // 127.0.0.1
	Port     int    // plain LDAP port
	TLSPort  int    // LDAPS port
	CAFile   string // PEM of the CA that signed the server certificate
	BaseDN   string
	AdminDN  string
	// AdminPassword is the Directory Manager's password.
	AdminPassword string
	Fixture       *Fixture // nil with Options.NoFixture
	// Dir holds this server's private copy of the instance.
	Dir string

	mu sync.Mutex // guards p
	p  *proc      // nil while stopped
	l  layout
}

// Timings says how long each phase of Start took.
type Timings struct {
	// Install is the time to check for (and maybe install) the packages.
	Install time.Duration
	// Create is the time spent creating cached instances (instance and
	// data set); zero when both came from the cache.
	Create time.Duration
	// Copy is the time to copy the cached instance for this server.
	Copy time.Duration
	// Start is the time from starting ns-slapd until it answered.
	Start time.Duration
}

// Start starts a private 389 DS with the standard fixture; it is stopped
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith starts a private 389 DS with the given data; it is stopped
// when the test ends. Any failure fails the test with the server's words.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	s, _ := StartTimed(t, opts)
	return s
}

// StartTimed is StartWith that also reports how long each phase took.
func StartTimed(t testing.TB, opts Options) (*Server, Timings) {
	t.Helper()
	var tm Timings
	begin := time.Now()
	EnsureInstalled(t)
	tm.Install = time.Since(begin)

	var fixture *Fixture
	ldif := opts.ExtraLDIF
	if !opts.NoFixture {
		fixture = NewFixture()
		ldif = fixture.LDIF() + ldif
	}
	template, created, err := dataDir(ldif, !opts.NoEntryUUIDFixup)
	if err != nil {
		t.Fatalf("ds389test: %v", err)
	}
	tm.Create = created

	begin = time.Now()
	sweepStale()
	dir, err := harness.MakeRunDir(runDirPrefix)
	if err != nil {
		t.Fatalf("ds389test: %v", err)
	}
	s := &Server{Host: "127.0.0.1", BaseDN: BaseDN, AdminDN: AdminDN, AdminPassword: AdminPassword, Fixture: fixture, Dir: dir}
	t.Cleanup(func() {
		s.kill()
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil { // the server runs as dirsrv
		t.Fatalf("ds389test: %v", err)
	}
	if s.l, err = copyInstance(template, filepath.Join(dir, "ds")); err != nil {
		t.Fatalf("ds389test: copying the cached instance %s: %v", template, err)
	}
	if opts.ContentSync {
		if err := enableContentSync(s.l); err != nil {
			t.Fatalf("ds389test: enabling content sync in %s: %v", s.l.dseFile(), err)
		}
	}
	s.CAFile = s.l.caFile()
	tm.Copy = time.Since(begin)

	begin = time.Now()
	p, err := startInstance(s.l)
	if err != nil {
		t.Fatalf("ds389test: %v", err)
	}
	s.setProc(p)
	tm.Start = time.Since(begin)
	return s, tm
}

// setProc records the running server and its addresses.
func (s *Server) setProc(p *proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p = p
	s.Port, s.TLSPort = p.port, p.tlsPort
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", p.port)
	s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", p.tlsPort)
}

// kill stops the server at once, if it runs.
func (s *Server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		s.p.kill()
		s.p = nil
	}
}

// Stop stops the server cleanly (SIGTERM to its PID, SIGKILL when it does
// not stop in time) and waits for it. It is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return
	}
	s.p.stop()
	s.p = nil
}

// Restart starts the server again on the same ports with the same data,
// after Stop (fault tests: the directory goes away and comes back).
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		return fmt.Errorf("ns-slapd is already running (pid %d)", s.p.pid)
	}
	p := &proc{l: s.l, port: s.Port, tlsPort: s.TLSPort}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return err
	}
	if p.caPool, err = certPool(pem); err != nil {
		return err
	}
	if err := p.launch(); err != nil {
		return err
	}
	s.p = p
	return nil
}

// PID returns ns-slapd's process id, or 0 when it is stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return 0
	}
	return s.p.pid
}

// ErrorLog returns the last n lines of the server's error log, for test
// failure messages.
func (s *Server) ErrorLog(n int) string { return fileTail(s.l.errorLog(), n) }

// TLSConfig verifies the server certificate against CAFile, for the name
// 127.0.0.1 (which StartTLS needs spelled out).
func (s *Server) TLSConfig() *tls.Config {
	pem, _ := os.ReadFile(s.CAFile)
	pool, _ := certPool(pem)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, ServerName: "127.0.0.1"}
}

// AdminConn returns an LDAPS connection bound as the Directory Manager,
// closed at the end of the test.
func (s *Server) AdminConn(t testing.TB) *ldap.Conn {
	t.Helper()
	s.mu.Lock()
	p := s.p
	s.mu.Unlock()
	if p == nil {
		t.Fatalf("ds389test: the server is stopped")
	}
	c, err := p.dialAdmin()
	if err != nil {
		t.Fatalf("ds389test: binding as %s over %s: %v\n--- error log tail ---\n%s", AdminDN, s.LDAPSURL, err, s.ErrorLog(20))
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// EntryUUIDFixup runs the EntryUUID plug-in's fix-up task over the suffix,
// as an administrator does after importing data: every entry without
// entryUUID gets one (entries that have one keep it).
func (s *Server) EntryUUIDFixup(t testing.TB) {
	t.Helper()
	if err := runTask(s.AdminConn(t), "cn=entryuuid task,cn=tasks,cn=config", "(objectClass=*)"); err != nil {
		t.Fatalf("ds389test: %v\n--- error log tail ---\n%s", err, s.ErrorLog(20))
	}
}

// LdapsearchArgs returns the ldap-utils arguments that reach this server as
// the Directory Manager over plain LDAP: "-x -H URL -D DN -w PW".
func (s *Server) LdapsearchArgs() []string {
	return []string{"-x", "-H", s.URL, "-D", s.AdminDN, "-w", s.AdminPassword}
}

// runDirPrefix names each server's directory under the system temp dir.
const runDirPrefix = "ldapwiz-389ds-run-"

// sweepStale stops the servers and removes the directories left behind by
// test processes that were killed before their cleanup ran (ns-slapd runs
// as dirsrv, so it does not die with them).
func sweepStale() {
	harness.SweepRunDirs(runDirPrefix, func(d string) { killStale(filepath.Join(d, "ds")) })
}
