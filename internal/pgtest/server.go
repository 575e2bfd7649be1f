package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ldapwiz/internal/certgen"
	"ldapwiz/internal/harness"
)

// runDirPrefix names the run directories under the system temp dir.
const runDirPrefix = "ldapwiz-pg-"

// startTimeout bounds how long the server may take to accept connections.
const startTimeout = 60 * time.Second

// Server is a running private PostgreSQL.
type Server struct {
	Host   string // 127.0.0.1
	Port   int
	Dir    string // the run directory: data/, the socket, ca.pem, log
	CAFile string // PEM of the CA that signed the server certificate

	data string
	cmd  *exec.Cmd
	done chan struct{}
	out  *harness.SyncBuffer
	stop sync.Once
}

// shared is the test binary's one server, started by the first test that
// asks for it (Shared); its fields are written once, inside once.Do.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns the test binary's server, starting it on first use; it
// fails the test with the server's own words when it cannot start. The
// server lives until the test process exits.
func Shared(t testing.TB) *Server {
	t.Helper()
	EnsureInstalled(t)
	shared.once.Do(func() { shared.srv, shared.err = start() })
	if shared.err != nil {
		t.Fatalf("pgtest: PostgreSQL did not start: %v", shared.err)
	}
	return shared.srv
}

// StartPrivate starts a server of the test's own, stopped when it ends:
// for a test that stops or breaks the server.
func StartPrivate(t testing.TB) *Server {
	t.Helper()
	EnsureInstalled(t)
	s, err := start()
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL did not start: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// postgresIDs returns the uid and gid of the postgres user, which initdb
// and the server run as (they refuse root).
func postgresIDs() (uid, gid uint32, err error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, fmt.Errorf("the postgres user (the PostgreSQL package creates it): %w", err)
	}
	id, err1 := strconv.Atoi(u.Uid)
	g, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, err
	}
	return uint32(id), uint32(g), nil
}

// start makes a run directory, initialises a cluster in it and starts the
// server, retrying on other ports when one was taken meanwhile.
func start() (*Server, error) {
	harness.SweepRunDirs(runDirPrefix, stopStale)
	uid, gid, err := postgresIDs()
	if err != nil {
		return nil, err
	}
	dir, err := harness.MakeRunDir(runDirPrefix)
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, CAFile: filepath.Join(dir, "ca.pem"), data: filepath.Join(dir, "data")}
	if err := s.initdb(uid, gid); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err := s.startOnFreePort(uid, gid)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// initdb creates the cluster (superuser postgres, trusted on the socket
// only; TCP needs a password) and its TLS certificate.
func (s *Server) initdb(uid, gid uint32) error {
	if err := os.Chown(s.Dir, int(uid), int(gid)); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(binDir(), "initdb"), "-D", s.data, "-U", "postgres",
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.Dir = s.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, harness.Tail(string(out), 30))
	}
	pki, err := certgen.Generate(certgen.Options{
		CA:          pkixName("ldapwiz pgtest CA"),
		Subject:     pkixName("127.0.0.1"),
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		Validity:    24 * time.Hour,
	})
	if err != nil {
		return err
	}
	crt, key := filepath.Join(s.data, "server.crt"), filepath.Join(s.data, "server.key")
	if err := pki.WriteFiles(s.CAFile, crt, key); err != nil {
		return err
	}
	for _, p := range []string{crt, key} {
		if err := os.Chown(p, int(uid), int(gid)); err != nil {
			return err
		}
	}
	return nil
}

// errPortTaken: another process bound the port before the server could.
var errPortTaken = errors.New("the port was taken before PostgreSQL could bind it")

// startOnFreePort starts the server on a port free a moment ago and waits
// until it accepts connections.
func (s *Server) startOnFreePort(uid, gid uint32) error {
	port, err := harness.FreePort()
	if err != nil {
		return err
	}
	s.Port = port
	s.out = &harness.SyncBuffer{}
	s.cmd = exec.Command(filepath.Join(binDir(), "postgres"), "-D", s.data,
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(port), "-k", s.Dir,
		"-c", "ssl=on", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=32MB", "-c", "log_min_messages=warning")
	s.cmd.Dir = s.Dir
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	// The server dies with the test process: SIGINT is a fast shutdown,
	// which also removes its shared memory.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT,
		Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	// From the harness's one lasting thread: Pdeathsig follows the thread
	// that forks, and other threads end (harness.Start).
	if err := harness.Start(s.cmd); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(startTimeout)
	var notYet error
	for {
		select {
		case <-s.done:
			out := s.out.String()
			if strings.Contains(out, "Address already in use") {
				return fmt.Errorf("%w: port %d: %s", errPortTaken, port, harness.Tail(out, 10))
			}
			return fmt.Errorf("postgres exited at start: %s", harness.Tail(out, 30))
		default:
		}
		if notYet = s.ping(); notYet == nil {
			return nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("postgres did not accept connections on port %d within %s (%v): %s", port, startTimeout, notYet, harness.Tail(s.out.String(), 30))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ping connects as the superuser over the socket and runs a query.
func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := s.superuser(ctx, "postgres")
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.Ping(ctx)
}

// superuser connects as postgres to database over the server's socket.
func (s *Server) superuser(ctx context.Context, database string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", s.Dir, s.Port, database))
}

// PID returns the server's process id (0 when it is stopped).
func (s *Server) PID() int {
	select {
	case <-s.done:
		return 0
	default:
		return s.cmd.Process.Pid
	}
}

// Stop shuts the server down (fast shutdown by PID, killed after 10 s) and
// removes its run directory. It is safe to call more than once.
func (s *Server) Stop() {
	s.stop.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
				<-s.done
			}
		}
		os.RemoveAll(s.Dir)
	})
}

// stopStale stops the server of a run directory whose test process died
// without stopping it: the pid in its postmaster.pid, when that process
// still runs in that data directory.
func stopStale(dir string) {
	data := filepath.Join(dir, "data")
	// The first line of postmaster.pid is the server's pid.
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return
	}
	if cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd"); err != nil || cwd != data {
		return
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for range 100 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
