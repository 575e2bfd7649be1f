package harness

import (
	"os/exec"
	"runtime"
	"sync"
)

// A child's Pdeathsig fires when the OS *thread* that forked it exits, not
// the process (see prctl(2)), and Go ends a thread whenever a goroutine
// that locked it returns: the Samba harness does exactly that when a
// namespace goroutine ends. A server forked from a thread that such a
// goroutine later locked was killed in the middle of another test. Start
// forks every server from one thread that is locked and never ends.

// spawner is the goroutine, locked to its thread for the life of the test
// process, that forks the servers; started on first use.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

// spawnReq is one command for the spawner to start.
type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// Start starts cmd (as cmd.Start does) from a thread that lives as long as
// the test process, so that a Pdeathsig in cmd.SysProcAttr fires only when
// the test process dies.
func Start(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread never ends
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd: cmd, done: done}
	return <-done
}
