package harness

import (
	"errors"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// errMainThread says a goroutine found itself on the main thread.
var errMainThread = errors.New("on the main thread")

// alive reports whether pid runs (a zombie counts as gone).
func alive(cmd *exec.Cmd) bool {
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return false
	case <-time.After(300 * time.Millisecond):
		return true
	}
}

// TestPdeathsigFollowsTheForkingThread shows the hazard Start avoids: a
// child with Pdeathsig forked by a thread that then ends (a goroutine that
// locked its thread returns) is killed although the process runs on.
func TestPdeathsigFollowsTheForkingThread(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// Go never ends the main thread (it parks it instead), so the fork
	// must come from another one: a goroutine that finds itself on the
	// main thread holds it (until the test ends) and another one tries.
	release := make(chan struct{})
	defer close(release)
	for {
		started := make(chan error)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
			if syscall.Gettid() == syscall.Getpid() {
				started <- errMainThread
				<-release
				runtime.UnlockOSThread()
				return
			}
			started <- cmd.Start()
		}()
		err := <-started
		if err == errMainThread {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	defer cmd.Process.Kill()
	if alive(cmd) {
		t.Fatal("the child outlived the thread that forked it; Pdeathsig no longer works this way, and Start is not needed")
	}
}

// TestStartSurvivesEndingThreads starts a child with Pdeathsig through
// Start, then ends many locked threads (as the Samba harness's namespace
// goroutines do): the child keeps running.
func TestStartSurvivesEndingThreads(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for range 50 {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(done)
		}()
		<-done
	}
	if !alive(cmd) {
		t.Fatal("a child started with Start died when other threads ended")
	}
}
