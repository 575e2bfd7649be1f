package sambatest

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// nsDialer starts a process in a new network namespace and opens TCP
// connections inside that namespace. One goroutine, locked to its OS thread,
// forks the process and then joins its namespace to create the sockets.
// The thread is never unlocked, so it ends with the goroutine after the
// process is stopped: no other goroutine ever runs in the namespace, and the
// process's Pdeathsig (which fires when its parent *thread* exits) cannot be
// set off by some unrelated thread ending while the server still runs.
type nsDialer struct {
	reqs chan dialReq
	done chan struct{}
}

// dialReq asks the namespace goroutine for a connection to 127.0.0.1:port.
type dialReq struct {
	port  int
	reply chan dialResult
}

// dialResult is a connection or why there is none.
type dialResult struct {
	conn net.Conn
	err  error
}

// startInNamespace starts cmd, whose SysProcAttr must ask for CLONE_NEWNET,
// and returns the dialer into its namespace. The dialer is never nil and
// must be closed, after the process is stopped, even when err is not nil:
// cmd.Process is set when cmd started and only joining its namespace failed.
func startInNamespace(cmd *exec.Cmd) (*nsDialer, error) {
	d := &nsDialer{reqs: make(chan dialReq), done: make(chan struct{})}
	ready := make(chan error, 1)
	go d.loop(cmd, ready)
	return d, <-ready
}

// loop runs on the locked thread until close.
func (d *nsDialer) loop(cmd *exec.Cmd, ready chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
	if err := cmd.Start(); err != nil {
		ready <- err
		return
	}
	nsPath := fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid)
	f, err := os.Open(nsPath)
	if err != nil {
		ready <- fmt.Errorf("opening network namespace %s: %w", nsPath, err)
		<-d.done // keep the parent thread alive until the caller has cleaned up
		return
	}
	err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
	f.Close()
	if err != nil {
		ready <- fmt.Errorf("joining network namespace %s (needs root): %w", nsPath, err)
		<-d.done
		return
	}
	ready <- nil
	for {
		select {
		case <-d.done:
			return
		case r := <-d.reqs:
			c, err := dialHere(r.port)
			r.reply <- dialResult{c, err}
		}
	}
}

// dialHere connects to 127.0.0.1:port from the current thread's namespace.
// Raw syscalls make sure the socket is created on this very thread.
func dialHere(port int) (net.Conn, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("netns-tcp-%d", port))
	defer f.Close()
	return net.FileConn(f)
}

// dial returns a connection to 127.0.0.1:port inside the namespace.
func (d *nsDialer) dial(port int) (net.Conn, error) {
	reply := make(chan dialResult, 1)
	select {
	case d.reqs <- dialReq{port, reply}:
	case <-d.done:
		return nil, net.ErrClosed
	}
	r := <-reply
	return r.conn, r.err
}

// close ends the namespace goroutine and its thread.
func (d *nsDialer) close() { close(d.done) }

// forwarder accepts on a free port of the host's 127.0.0.1 and relays each
// connection to a fixed port inside the namespace.
type forwarder struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// forward starts relaying 127.0.0.1:<free port> to port inside d's namespace.
func forward(d *nsDialer, port int) (*forwarder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1 for the forward to port %d: %w", port, err)
	}
	fw := &forwarder{ln: ln, conns: map[net.Conn]struct{}{}}
	fw.wg.Add(1)
	go func() {
		defer fw.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fw.wg.Add(1)
			go func() {
				defer fw.wg.Done()
				fw.relay(c, d, port)
			}()
		}
	}()
	return fw, nil
}

// port is the host port the forwarder listens on.
func (fw *forwarder) port() int { return fw.ln.Addr().(*net.TCPAddr).Port }

// relay copies bytes both ways until either side closes.
func (fw *forwarder) relay(c net.Conn, d *nsDialer, port int) {
	up, err := d.dial(port)
	if err != nil {
		c.Close()
		return
	}
	if !fw.track(c, up) {
		return
	}
	defer fw.untrack(c, up)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, err := io.Copy(dst, src)
		if tc, ok := dst.(interface{ CloseWrite() error }); ok && err == nil {
			tc.CloseWrite() // pass the half-close on
		} else {
			c.Close() // an error on either side ends both directions
			up.Close()
		}
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}

// track records a live pair so close can cut it; false when already closed.
func (fw *forwarder) track(a, b net.Conn) bool {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if fw.conns == nil {
		a.Close()
		b.Close()
		return false
	}
	fw.conns[a], fw.conns[b] = struct{}{}, struct{}{}
	return true
}

// untrack closes and forgets a finished pair.
func (fw *forwarder) untrack(a, b net.Conn) {
	a.Close()
	b.Close()
	fw.mu.Lock()
	defer fw.mu.Unlock()
	delete(fw.conns, a)
	delete(fw.conns, b)
}

// close stops accepting, cuts every live connection and waits for the relays.
func (fw *forwarder) close() {
	fw.ln.Close()
	fw.mu.Lock()
	for c := range fw.conns {
		c.Close()
	}
	fw.conns = nil
	fw.mu.Unlock()
	fw.wg.Wait()
}
