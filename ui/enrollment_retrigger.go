package ui

// enrollment_retrigger.go: "Enroll users again" on the Enrollment screen, the
// wizard's form of "ldapwiz enroll retrigger": pick users of the store (type
// to narrow, space marks), confirm, and each is marked enrollment pending
// with its unused links voided and a new invitation made.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/enroll"
	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// actionRetrigger is the Enrollment screen's "enroll users again" button.
const actionRetrigger = "retrigger"

// retriggerUser is one user of the store the panel lists.
type retriggerUser struct {
	name, email string
	disabled    bool
	pending     bool // must enroll already
}

// retrigger is the state of the panel: the users read from the store, the
// filter, the marks, the confirmation and the run.
type retrigger struct {
	open       bool
	req        request // reading the users, then running; stale answers dropped
	loading    bool
	running    bool
	confirming bool
	err        string
	users      []retriggerUser
	listFilter
	marked map[string]bool
}

// Retrigger messages.
type (
	retriggerUsersMsg struct {
		seq   int
		users []retriggerUser
		err   error
	}
	retriggerDoneMsg struct {
		seq   int
		users []string // enrolled again
		sent  int
		queue int
		err   error
	}
)

// openRetrigger opens the panel and reads the store's users in a command.
func (s *enrollmentScreen) openRetrigger() tea.Cmd {
	m, r := s.m, &s.retrig
	in := promptLine("› ", "type to narrow by name or e-mail", m.c.Width-6)
	*r = retrigger{open: true, loading: true, listFilter: listFilter{filter: in}, marked: map[string]bool{}, req: r.req}
	ctx, seq := r.req.next(m.c.Ctx, dirBudget(m.settings, 4))
	set := cloneSettings(m.settings)
	read := func() tea.Msg {
		users, err := retriggerCandidates(ctx, set)
		return retriggerUsersMsg{seq: seq, users: users, err: err}
	}
	return tea.Batch(r.filter.Focus(), read)
}

// retriggerCandidates lists the live users of the store the settings name, read
// only (a store that does not exist yet reads as empty).
func retriggerCandidates(ctx context.Context, s wizard.Settings) ([]retriggerUser, error) {
	db, done, err := syncer.OpenStore(ctx, s, true)
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := db.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]retriggerUser, 0, len(list))
	for _, u := range list {
		if u.Deleted() {
			continue
		}
		out = append(out, retriggerUser{name: u.Username, email: u.Email, disabled: u.Disabled, pending: u.EnrollmentPending})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].name) < strings.ToLower(out[j].name) })
	return out, nil
}

// onRetriggerUsers takes the users read, unless a newer request was made.
func (s *enrollmentScreen) onRetriggerUsers(msg retriggerUsersMsg) tea.Cmd {
	r := &s.retrig
	if !r.req.done(msg.seq) || !r.open {
		return nil
	}
	r.loading, r.users = false, msg.users
	switch {
	case msg.err != nil:
		r.err = "cannot read the store (store settings on the Sync screen): " + msg.err.Error()
	case len(msg.users) == 0:
		r.err = "The store has no users yet: the first sync creates them."
	}
	return nil
}

// visible are the users matching the filter.
func (r *retrigger) visible() []retriggerUser {
	f := r.query()
	if f == "" {
		return r.users
	}
	var out []retriggerUser
	for _, u := range r.users {
		if strings.Contains(strings.ToLower(u.name), f) || strings.Contains(strings.ToLower(u.email), f) {
			out = append(out, u)
		}
	}
	return out
}

// markedNames are the marked users, in the list's order.
func (r *retrigger) markedNames() []string {
	var out []string
	for _, u := range r.users {
		if r.marked[u.name] {
			out = append(out, u.name)
		}
	}
	return out
}

// retriggerKey handles a key while the panel is open: the list and its
// filter, then the confirmation.
func (s *enrollmentScreen) retriggerKey(msg tea.KeyPressMsg) tea.Cmd {
	m, r, k := s.m, &s.retrig, s.m.c.Keys
	if key.Matches(msg, k.Quit) {
		s.closeRetrigger()
		return m.askQuit()
	}
	if r.running {
		return nil // the store is being written; the answer closes the panel
	}
	if r.confirming {
		switch {
		case key.Matches(msg, k.Yes):
			return s.runRetrigger()
		case key.Matches(msg, k.No, k.Back):
			r.confirming = false
		}
		return nil
	}
	vis := r.visible()
	switch {
	case key.Matches(msg, k.Back):
		s.closeRetrigger()
		return nil
	case cursorKey(&r.cursor, len(vis), msg, k):
		return nil
	case key.Matches(msg, k.Toggle):
		if r.cursor < len(vis) {
			n := vis[r.cursor].name
			r.marked[n] = !r.marked[n]
		}
		return nil
	case key.Matches(msg, k.Enter):
		if len(r.markedNames()) == 0 {
			m.setStatus("Mark the users to enroll again with space first.", false)
			return nil
		}
		r.confirming = true
		return nil
	}
	return r.typed(msg)
}

// retriggerPaste puts pasted text into the filter.
func (s *enrollmentScreen) retriggerPaste(msg tea.PasteMsg) tea.Cmd {
	r := &s.retrig
	if r.confirming || r.running {
		return nil
	}
	return r.typed(msg)
}

// closeRetrigger closes the panel and stops what it was reading.
func (s *enrollmentScreen) closeRetrigger() {
	s.retrig.req.stop()
	s.retrig.open = false
	s.retrig.filter.Blur()
}

// runRetrigger enrolls the marked users again in a command, with the store,
// enrollment and mail settings on screen.
func (s *enrollmentScreen) runRetrigger() tea.Cmd {
	m, r := s.m, &s.retrig
	names := r.markedNames()
	r.confirming, r.running = false, true
	// Mailing bounds its own connections; the store is local.
	ctx, seq := r.req.next(m.c.Ctx, 0)
	set, getenv := cloneSettings(m.settings), m.opts.Getenv
	return func() tea.Msg {
		done := retriggerDoneMsg{seq: seq}
		db, closeDB, err := syncer.OpenStore(ctx, set, false)
		if err != nil {
			done.err = err
			return done
		}
		defer closeDB()
		e := enroll.NewEnroller(set, db, getenv)
		for _, n := range names {
			res, err := e.Retrigger(ctx, enroll.RetriggerSelection{Username: n}, false)
			done.users = append(done.users, res.Users...)
			done.sent += res.Invites.Sent
			done.queue += res.Invites.Queued
			if err != nil {
				done.err = fmt.Errorf("%s: %w", n, err)
				break
			}
		}
		return done
	}
}

// onRetriggerDone closes the panel and says what was done.
func (s *enrollmentScreen) onRetriggerDone(msg retriggerDoneMsg) tea.Cmd {
	m, r := s.m, &s.retrig
	if !r.req.done(msg.seq) {
		return nil
	}
	r.running = false
	if msg.err != nil && len(msg.users) == 0 {
		r.err = "✗ Not enrolled again: " + msg.err.Error()
		return nil
	}
	s.closeRetrigger()
	text := fmt.Sprintf("Enrollment retriggered for %s (%s): %d invitation(s) sent, %d queued.",
		plural(len(msg.users), "user"), nameList(msg.users, 5), msg.sent, msg.queue)
	if msg.queue > 0 {
		text += " Queued ones go out with ldapwiz enroll send."
	}
	if msg.err != nil {
		text += " Stopped at " + msg.err.Error()
	}
	m.setStatus(text, msg.err == nil)
	return nil
}

// nameList joins up to n names, saying how many more there are.
func nameList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}

// retriggerView draws the panel in w x h: the list with its marks, or the
// confirmation.
func (s *enrollmentScreen) retriggerView(w, h int) string {
	r, st := &s.retrig, s.m.c.Styles
	lines := []string{st.Heading.Render("Enroll users again"),
		st.Muted.Render(wrap("Each user marked must enroll again: unused enrollment links stop working and a new invitation is made (mailed when invitations are sent, else queued).", w))}
	switch {
	case r.running:
		return strings.Join(append(lines, "", "Enrolling "+plural(len(r.markedNames()), "user")+" again…"), "\n")
	case r.confirming:
		names := r.markedNames()
		q := fmt.Sprintf("Enroll %s again (%s)?", plural(len(names), "user"), nameList(names, 8))
		lines = append(lines, "", st.Warning.Render(wrap(q, w)), "",
			st.Key.Render("y")+" yes · "+st.Key.Render("n")+"/"+st.Key.Render("esc")+" no")
		return strings.Join(lines, "\n")
	}
	lines = append(lines, r.filter.View(), "")
	switch {
	case r.loading:
		lines = append(lines, "Reading the store…")
	case r.err != "":
		lines = append(lines, st.Error.Render(wrap(r.err, w)))
	}
	vis := r.visible()
	room := max(h-len(lines)-1, 1)
	first := r.scroll(room)
	nameW := min(max(w/3, 14), 28)
	for i := first; i < len(vis) && i < first+room; i++ {
		u := vis[i]
		mark := "[ ] "
		if r.marked[u.name] {
			mark = "[x] "
		}
		detail := u.email
		if u.disabled {
			detail += " · disabled"
		}
		if u.pending {
			detail += " · enrollment pending"
		}
		line := ansi.Truncate(mark+padRight(u.name, nameW)+" "+strings.TrimPrefix(detail, " · "), w-2, "…")
		if i == r.cursor {
			line = st.Selected.Render("▸ " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	lines = append(lines, st.Muted.Render(fmt.Sprintf("%d marked", len(r.markedNames()))))
	return strings.Join(lines, "\n")
}

// retriggerHelp lists the panel's keys.
func (s *enrollmentScreen) retriggerHelp() []key.Binding {
	k := s.m.c.Keys
	if s.retrig.confirming {
		return []key.Binding{withHelp(k.Yes, "enroll them again"), withHelp(k.No, "no")}
	}
	return []key.Binding{withHelp(k.Toggle, "mark"), withHelp(k.Enter, "go on"),
		key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", "move")), withHelp(k.Back, "cancel")}
}
