package sambatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// fatalTB records Fatalf instead of failing the real test, so the failure
// path of the harness itself can be checked.
type fatalTB struct {
	*testing.T
	msg      string
	cleanups []func()
}

// Helper does nothing: line attribution does not matter here.
func (f *fatalTB) Helper() {}

// Fatalf records the message and ends the goroutine, as FailNow would.
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// Cleanup queues fn for the test to run by hand.
func (f *fatalTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// TestStartFailureIsLoud: when samba cannot start, the test fails with what
// happened and samba's own output, and nothing is left running.
func TestStartFailureIsLoud(t *testing.T) {
	EnsureInstalled(t)
	conf := filepath.Join(t.TempDir(), "smb.conf")
	if err := os.WriteFile(conf, []byte("[global]\n\tserver role = active directory domain controller\n\tprivate dir = /nonexistent/private\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fatalTB{T: t}
	s := &Server{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.launch(f, conf, false)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	if !strings.Contains(f.msg, "samba exited before answering LDAPS") || !strings.Contains(f.msg, "samba output tail") {
		t.Fatalf("failure message does not say what happened:\n%s", f.msg)
	}
	t.Logf("the harness reports:\n%s", f.msg)
	if err := exec.Command("kill", "-0", "--", "-"+strconv.Itoa(s.PID)).Run(); err == nil {
		t.Errorf("process group %d still alive after cleanup", s.PID)
	}
}
