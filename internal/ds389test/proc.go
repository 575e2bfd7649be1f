package ds389test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/harness"
)

// startTimeout bounds how long ns-slapd may take from start until it
// answers a bind and a search over LDAPS; stopTimeout how long a clean
// stop may take. Both are long because a loaded machine is slow, and
// nothing waits for them unless the server really does not answer.
const (
	startTimeout = 60 * time.Second
	stopTimeout  = 60 * time.Second
)

// errPortTaken says another process bound a chosen port before ns-slapd could.
var errPortTaken = errors.New("a port was taken before ns-slapd could bind it")

// proc is one running ns-slapd of an instance.
type proc struct {
	l             layout
	port, tlsPort int
	caPool        *x509.CertPool
	cmd           *exec.Cmd
	done          chan struct{} // closed when cmd's process has exited
	out           *harness.SyncBuffer
	pid           int // cmd's process: the server
}

// startInstance runs the instance in l on free ports of 127.0.0.1. The
// ports were free a moment ago; when another process takes one first,
// ns-slapd exits saying so and is started again on other ports.
func startInstance(l layout) (*proc, error) {
	pem, err := os.ReadFile(l.caFile())
	if err != nil {
		return nil, err
	}
	pool, err := certPool(pem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.caFile(), err)
	}
	for attempt := 1; ; attempt++ {
		p := &proc{l: l, caPool: pool}
		if p.port, err = harness.FreePort(); err != nil {
			return nil, err
		}
		if p.tlsPort, err = harness.FreePort(); err != nil {
			return nil, err
		}
		err = p.launch()
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			return nil, err
		}
	}
}

// launch writes p's ports into dse.ldif, starts ns-slapd in the
// foreground (it switches to the dirsrv user itself) and waits until it
// answers. On failure the process is gone and the error carries the tail
// of the server's error log.
func (p *proc) launch() error {
	err := editDSE(p.l, []dseSetting{
		{dnConfig, "nsslapd-port", []string{strconv.Itoa(p.port)}},
		{dnConfig, "nsslapd-securePort", []string{strconv.Itoa(p.tlsPort)}},
	})
	if err != nil {
		return err
	}
	if err := run(nil, "chown", "dirsrv:dirsrv", p.l.dseFile()); err != nil {
		return err
	}
	os.Remove(p.l.pidFile())
	logStart := fileSize(p.l.errorLog())
	p.out = &harness.SyncBuffer{}
	p.cmd = exec.Command("/usr/sbin/ns-slapd", "-D", p.l.configDir(), "-i", p.l.pidFile(), "-d", "0")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	// Pdeathsig does not survive ns-slapd's switch to the dirsrv user;
	// sweepStale stops the servers of test processes that died.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("starting ns-slapd: %w", err)
	}
	p.done = make(chan struct{})
	p.pid = p.cmd.Process.Pid
	go func() { p.cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(startTimeout)
	var notYet error
	for {
		select {
		case <-p.done:
			log := p.logSince(logStart)
			// ns-slapd exits with status 1 and logs nothing when it cannot
			// bind a port: a port that is busy now that it is gone was
			// taken by another process.
			// The other process may be gone again by now, so an exit
			// that logged nothing at all counts as one too.
			silent := strings.TrimSpace(log) == "" && strings.TrimSpace(p.out.String()) == ""
			if silent || harness.PortBusy(p.port) || harness.PortBusy(p.tlsPort) {
				return fmt.Errorf("%w: ports %d/%d\n--- error log ---\n%s", errPortTaken, p.port, p.tlsPort, tail(log, 20))
			}
			return fmt.Errorf("ns-slapd exited at start (%v)\n--- error log tail ---\n%s\n--- output ---\n%s", p.cmd.ProcessState, tail(log, 40), tail(p.out.String(), 20))
		default:
		}
		notYet = p.ready()
		if notYet == nil {
			return nil
		}
		if time.Now().After(deadline) {
			state := processState(p.pid)
			p.kill()
			return fmt.Errorf("ns-slapd did not answer on ports %d/%d within %s: %v\n--- process ---\n%s\n--- error log tail ---\n%s\n--- output ---\n%s",
				p.port, p.tlsPort, startTimeout, notYet, state, tail(p.logSince(logStart), 40), tail(p.out.String(), 20))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ready says why the server does not count as started yet, or nil: its
// pid file must name it, both listeners on 127.0.0.1 must be its own (not
// another process's that took a port first), and the Directory Manager
// must bind over LDAPS, verifying the certificate, and read the suffix.
func (p *proc) ready() error {
	pid := p.pid
	if !harness.OwnsPIDFile(p.l.pidFile(), pid) {
		return fmt.Errorf("no pid file %s with pid %d yet", p.l.pidFile(), pid)
	}
	for _, port := range []int{p.port, p.tlsPort} {
		if err := ownsListener(pid, port); err != nil {
			return err
		}
	}
	c, err := p.dial(5 * time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Search(ldap.NewSearchRequest(BaseDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false, "(objectClass=*)", []string{"1.1"}, nil))
	if err != nil {
		return fmt.Errorf("reading %s: %w", BaseDN, err)
	}
	return nil
}

// tlsConfig verifies the server certificate against the instance's CA.
func (p *proc) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: p.caPool, MinVersion: tls.VersionTLS12}
}

// dialAdmin connects over LDAPS and binds as the Directory Manager.
func (p *proc) dialAdmin() (*ldap.Conn, error) { return p.dial(30 * time.Second) }

// dial is dialAdmin with a timeout for each operation (short while
// waiting for the server to start: a probe must not hang).
func (p *proc) dial(timeout time.Duration) (*ldap.Conn, error) {
	c, err := ldap.DialURL(fmt.Sprintf("ldaps://127.0.0.1:%d", p.tlsPort),
		ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}), ldap.DialWithTLSConfig(p.tlsConfig()))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(timeout)
	if err := c.Bind(AdminDN, AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// kill stops the server at once (SIGKILL to its process group) and waits
// for it: for copies whose data is thrown away.
func (p *proc) kill() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	killInstance(p.l.configDir())
}

// stop stops the server cleanly (SIGTERM), so that its database can be
// copied or started again without recovery, and waits for it.
func (p *proc) stop() error {
	syscall.Kill(p.pid, syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(stopTimeout):
		p.kill()
		return fmt.Errorf("ns-slapd did not stop within %s of SIGTERM\n--- error log tail ---\n%s", stopTimeout, fileTail(p.l.errorLog(), 30))
	}
}

// logSince returns the error log written after offset.
func (p *proc) logSince(offset int64) string {
	b, err := os.ReadFile(p.l.errorLog())
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", p.l.errorLog(), err)
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	return string(b[offset:])
}

// runTask adds a task entry below parent (the fix-up tasks of the MemberOf
// and EntryUUID plug-ins) for the whole suffix and waits until the server
// says it finished; a non-zero exit code is an error with the task's log.
func runTask(c *ldap.Conn, parent, filter string) error {
	dn := fmt.Sprintf("cn=ldapwiz-%d,%s", time.Now().UnixNano(), parent)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "extensibleObject"})
	req.Attribute("basedn", []string{BaseDN})
	req.Attribute("filter", []string{filter})
	if err := c.Add(req); err != nil {
		return fmt.Errorf("adding task %s: %w", dn, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false, "(objectClass=*)",
			[]string{"nsTaskExitCode", "nsTaskLog", "nsTaskStatus"}, nil))
		if err != nil {
			return fmt.Errorf("reading task %s: %w", dn, err)
		}
		if len(res.Entries) == 1 {
			e := res.Entries[0]
			if code := e.GetAttributeValue("nsTaskExitCode"); code != "" {
				if code != "0" {
					return fmt.Errorf("task %s ended with code %s: %s\n%s", dn, code, e.GetAttributeValue("nsTaskStatus"), tail(e.GetAttributeValue("nsTaskLog"), 20))
				}
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("task %s did not finish within 2 minutes", dn)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// certPool is a pool of the PEM certificates in pem.
func certPool(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no PEM certificate")
	}
	return pool, nil
}

// ownsListener checks that the socket listening on 127.0.0.1:port is one of
// pid's open files, by its inode in /proc/net/tcp.
func ownsListener(pid, port int) error {
	// The server's own view of its network namespace, not /proc/net (the
	// test process's main thread): a harness that joins another namespace
	// on a locked thread (sambatest) may have taken the main thread, and
	// /proc/net then lists that namespace's sockets, not ns-slapd's.
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return err
	}
	defer f.Close()
	want := fmt.Sprintf("0100007F:%04X", port)
	inode := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		if len(fields) >= 10 && fields[1] == want && fields[3] == "0A" {
			inode = fields[9]
			break
		}
	}
	if inode == "" {
		return fmt.Errorf("nothing listens on 127.0.0.1:%d yet", port)
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return err
	}
	for _, fd := range fds {
		if link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); err == nil && link == "socket:["+inode+"]" {
			return nil
		}
	}
	return fmt.Errorf("127.0.0.1:%d is held by another process than ns-slapd (pid %d)", port, pid)
}

// fileSize is the size of path, 0 when it does not exist.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// killStale stops the ns-slapd of the instance below root, if one still
// runs (its test process died), checking by /proc that the pid in the pid
// file really is that instance's server.
func killStale(root string) {
	killInstance(layout{root: root}.configDir())
}

// instancePIDs lists the running ns-slapd processes of the instance whose
// configuration directory is configDir.
func instancePIDs(configDir string) []int {
	want := []byte("-D\x00" + configDir + "\x00")
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.HasPrefix(cmdline, []byte("/usr/sbin/ns-slapd\x00")) && bytes.Contains(cmdline, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killInstance kills every ns-slapd running the instance in configDir and
// waits (up to 5 s) for them to be gone, so that none outlives its test.
func killInstance(configDir string) {
	pids := instancePIDs(configDir)
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, pid := range pids {
		for i := 0; i < 100 && processAlive(pid); i++ {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// processAlive reports whether a process with pid exists (and is not a
// zombie waiting to be reaped).
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	i := bytes.LastIndexByte(data, ')')
	return i < 0 || i+2 >= len(data) || data[i+2] != 'Z'
}

// processState describes what a process that does not answer is doing:
// its state and what it waits in (from /proc), for the failure message.
func processState(pid int) string {
	var b strings.Builder
	for _, f := range []string{"wchan", "status"} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f))
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", f, err)
			continue
		}
		if f == "status" {
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "State:") || strings.HasPrefix(line, "Threads:") || strings.HasPrefix(line, "Uid:") {
					b.WriteString(line + "\n")
				}
			}
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", f, data)
	}
	return b.String()
}
