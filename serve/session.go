package serve

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"

	"ldapwiz/config"
)

// sessionLog is what the log line at a session's end tells: never a secret.
type sessionLog struct {
	who   identity
	from  string
	start time.Time
	saved atomic.Bool
	end   string // how it ended: quit, disconnect, idle, shutdown, panic, refused: ...
}

// ending is why the server ended a session, and what the client is told.
type ending struct{ end, msg string }

// handle runs one SSH session: the checks, then a wizard of its own. A
// panic is recovered here and logged; the other sessions go on.
func (s *Server) handle(sess ssh.Session) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	rec := &sessionLog{from: sess.RemoteAddr().String(), start: time.Now(), end: "quit"}
	defer func() {
		if r := recover(); r != nil {
			s.opts.Log.Error("session panicked", "from", rec.from, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			rec.end = "panic"
			_ = sess.Exit(1)
		}
		s.opts.Log.Info("session", "user", sess.User(), "key", rec.who.fingerprint, "comment", rec.who.comment,
			"from", rec.from, "duration", time.Since(rec.start).Round(time.Millisecond).String(),
			"saved", rec.saved.Load(), "end", rec.end)
	}()
	var ok bool
	if rec.who, ok = sessionKey(sess, s.opts.Log); !ok {
		s.refuse(sess, rec, "the key used to log in is not the key that was checked")
		return
	}
	pty, winch, ok := sess.Pty()
	if !ok {
		s.refuse(sess, rec, "ldapwiz serve needs a terminal: connect with ssh -t, without a command")
		return
	}
	if len(sess.Command()) > 0 || sess.Subsystem() != "" {
		s.refuse(sess, rec, "ldapwiz serve runs the wizard only: connect without a command")
		return
	}
	if !s.acquire() {
		s.refuse(sess, rec, fmt.Sprintf("ldapwiz serve has %d sessions open, the most it takes: try again later", s.opts.MaxSessions))
		return
	}
	defer s.release()
	code := s.runWizard(sess, pty, winch, rec)
	_ = sess.Exit(code)
	// The session's wizard, and all it read (the plan a preview shows,
	// and the directory and store read for it), is garbage now. The
	// runtime would keep the pages until its next collection, which an
	// idle server does not reach: give them back, so that a server between
	// sessions holds what the open ones hold. It costs a collection of
	// what they hold.
	debug.FreeOSMemory()
}

// refuse tells the client why in one line and ends the session.
func (s *Server) refuse(sess ssh.Session, rec *sessionLog, why string) {
	rec.end = "refused: " + why
	fmt.Fprintf(sess.Stderr(), "%s\n", why)
	_ = sess.Exit(1)
}

// runWizard runs the wizard on the session until it quits, the client
// goes, the session idles out or the server stops; it returns the exit
// status for the client.
func (s *Server) runWizard(sess ssh.Session, pty ssh.Pty, winch <-chan ssh.Window, rec *sessionLog) int {
	// The session's context ends when the connection drops: every directory
	// call of this wizard derives from it.
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	opts, err := wizardOptions(s.opts.ConfigPath)
	if err != nil {
		s.refuse(sess, rec, "ldapwiz: "+err.Error())
		return 1
	}
	envs := append(sess.Environ(), "TERM="+pty.Term)
	profile := colorprofile.Env(envs) // honours NO_COLOR sent by the client
	opts.Color = profile > colorprofile.ASCII
	opts.Getenv = s.opts.Getenv
	opts.Context = ctx
	opts.Save = func(path string, data []byte) error {
		err := config.SaveAtomic(path, data)
		if err == nil {
			rec.saved.Store(true)
		}
		return err
	}
	var why atomic.Value // set when the server ends the session
	in := &idleReader{r: sess, after: s.opts.IdleTimeout}
	p := tea.NewProgram(&sessionModel{inner: s.newModel(opts)},
		tea.WithInput(in),
		tea.WithOutput(sess),
		tea.WithColorProfile(profile),
		tea.WithEnvironment(envs),
		tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithContext(ctx),
		tea.WithoutSignalHandler(), // the server's signals are the server's
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{} // nothing to suspend to over SSH
			}
			return msg
		}),
	)
	in.timer = time.AfterFunc(s.opts.IdleTimeout, func() {
		why.CompareAndSwap(nil, ending{"idle", fmt.Sprintf("ldapwiz serve: the session was idle for %s and has ended.", s.opts.IdleTimeout)})
		p.Quit()
	})
	defer in.timer.Stop()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-winch:
				if !ok {
					return
				}
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	untrack := s.track(p, &why)
	defer untrack()
	_, err = p.Run()
	if ctx.Err() != nil {
		rec.end = "disconnect"
		return 0
	}
	if e, ok := why.Load().(ending); ok {
		rec.end = e.end
		fmt.Fprintf(sess, "%s\n", e.msg)
	}
	if err != nil {
		if rec.end == "quit" {
			rec.end = "error: " + err.Error()
		}
		return 1
	}
	return 0
}
