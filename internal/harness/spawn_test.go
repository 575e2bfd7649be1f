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

// startFromEndingThread calls start(cmd) for a sleeping child with
// Pdeathsig from a goroutine that locked its thread and then returns, so
// that the thread ends right after. Go never ends the main thread (it parks
// it instead), so a goroutine that finds itself on the main thread holds it
// until the test ends and another one tries.
func startFromEndingThread(t *testing.T, start func(*exec.Cmd) error) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
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
			started <- start(cmd)
		}()
		err := <-started
		if err == errMainThread {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		return cmd
	}
}

// TestPdeathsigFollowsTheForkingThread shows the hazard Start avoids: a
// child with Pdeathsig forked by a thread that then ends (a goroutine that
// locked its thread returns) is killed although the process runs on.
func TestPdeathsigFollowsTheForkingThread(t *testing.T) {
	cmd := startFromEndingThread(t, (*exec.Cmd).Start)
	if alive(cmd) {
		t.Fatal("the child outlived the thread that forked it; Pdeathsig no longer works this way, and Start is not needed")
	}
}

// TestStartSurvivesEndingThreads asks Start for a child from the same kind
// of ending thread: the child keeps running, because Start forks from its
// own thread, which never ends.
func TestStartSurvivesEndingThreads(t *testing.T) {
	cmd := startFromEndingThread(t, Start)
	if !alive(cmd) {
		t.Fatal("a child started with Start died with the thread that asked for it")
	}
}
