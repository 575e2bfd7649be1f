package harness

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// ReadPIDFile returns the positive process id written in path.
func ReadPIDFile(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// OwnsPIDFile reports whether path holds pid.
func OwnsPIDFile(path string, pid int) bool {
	got, ok := ReadPIDFile(path)
	return ok && got == pid
}

// FreePort returns a port of 127.0.0.1 that was free a moment ago. It
// is below the kernel's ephemeral range (ip_local_port_range), so that
// no outgoing connection of this or another test can hold it as its
// local port by the time a server binds it: a port from the kernel's
// own choice (":0") can, and the server then fails to start.
func FreePort() (int, error) {
	low := ephemeralLow()
	for range 200 {
		port := fixedPortMin + rand.IntN(low-fixedPortMin)
		if !PortBusy(port) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port of 127.0.0.1 in %d-%d", fixedPortMin, low-1)
}

// fixedPortMin is the lowest port FreePort hands out: above the ports of
// well-known services.
const fixedPortMin = 10000

// ephemeralLow is the first port the kernel hands out for outgoing
// connections, from /proc/sys/net/ipv4/ip_local_port_range (32768 when
// that cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= fixedPortMin+1000 {
		return 32768
	}
	return n
}

// PortBusy reports whether something listens on 127.0.0.1:port.
func PortBusy(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return true
	}
	l.Close()
	return false
}

// SyncBuffer collects a process's output for error messages; it is safe
// to write and read at the same time.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
