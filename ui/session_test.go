package ui

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/wizard"
)

// stallingDirectory listens on 127.0.0.1, accepts connections and never
// answers: every directory call against it waits until it is cancelled.
func stallingDirectory(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "ldap://" + ln.Addr().String()
}

// TestSessionEndCancelsDirectoryWork starts the connection test, a live
// count, the browser and a picker against a directory that never answers,
// with a connection timeout far away, then ends the session (quitting, or
// the caller's context ending as when an SSH session drops): the work in
// flight must end within a second.
func TestSessionEndCancelsDirectoryWork(t *testing.T) {
	for _, work := range []string{"test", "count", "browser", "picker"} {
		for _, end := range []string{"quit", "context"} {
			t.Run(work+"_"+end, func(t *testing.T) {
				s := wizard.Default()
				s.Connection.URL = stallingDirectory(t)
				s.Connection.BindPassword = "secret"
				s.Connection.Timeout = "1m"
				parent, cancel := context.WithCancel(context.Background())
				defer cancel()
				m := New(Options{Path: t.TempDir() + "/ldapwiz.toml", Settings: s, Exists: true, Context: parent})
				m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				m.Update(keyMsg("enter")) // open the file
				var cmd tea.Cmd
				switch work {
				case "test":
					_, cmd = m.Update(keyMsg("ctrl+t"))
				case "count":
					m.goTo(2) // Users: its count waits for a pause in typing
					users := m.cur().(*searchScreen)
					cmd = users.onCountTick(countTick{what: "users", seq: users.count.req.seq})
				case "browser":
					m.goTo(2)
					_, cmd = m.Update(keyMsg("ctrl+b"))
				case "picker":
					m.goTo(2)
					m.formOf(wizard.ScreenUsers).focusKey("users.object_class", m.settings)
					_, cmd = m.Update(keyMsg("ctrl+o"))
				}
				answers := make(chan tea.Msg, 16)
				finished := make(chan struct{})
				go func() { runAll(cmd, answers); close(finished) }()
				select {
				case msg := <-answers:
					t.Fatalf("the stalled directory answered: %#v", msg)
				case <-finished:
					t.Fatal("the work ended before the session did")
				case <-time.After(300 * time.Millisecond):
				}
				if end == "quit" {
					m.Update(keyMsg("ctrl+c"))
				} else {
					cancel()
				}
				select {
				case <-finished: // its answer, if any, is dropped: nobody reads it now
				case <-time.After(time.Second):
					t.Fatal("the directory work went on for more than a second after the session ended")
				}
			})
		}
	}
}

// runAll runs a command and the batches it returns, sending every message
// but spinner ticks and stream events (whose reads it follows) to out; it
// returns when all of them have ended.
func runAll(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		var wg sync.WaitGroup
		for _, c := range msg {
			wg.Go(func() { runAll(c, out) })
		}
		wg.Wait()
	case streamMsg:
		runAll(msg.next(), out)
	case spinner.TickMsg:
	default:
		out <- msg
	}
}
