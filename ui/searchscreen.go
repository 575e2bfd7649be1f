package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// searchScreen is a screen of fields that select entries (Users, Groups):
// the fields, and above them the live count of what they match.
type searchScreen struct {
	*formScreen
	what  string // "users" or "groups"
	count liveCount
	scope scopedCount // those groups.sync_only keeps
}

// scopedCount is, when groups.sync_only names groups, how many of the users
// (or groups) counted the sync keeps: read the way the sync reads them (syncer's
// ReadDirectory, nested groups included), so the number is the sync's.
type scopedCount struct {
	sig  string // the settings it was counted for; "" when sync_only is empty
	n    int
	err  string // the read failed, e.g. a name in sync_only matches no group
	done bool
}

// searchCountMsg is a count's answer with, for the users, the scoped count.
type searchCountMsg struct {
	countMsg
	scopeSig  string
	scopeRead bool // the sync_only read ran: scoped and scopedErr are its answer
	scoped    int
	scopedErr error
}

// scopeSig identifies what a sync_only count depends on: the connection and
// everything that selects users and groups. "" when sync_only is empty.
func scopeSig(s wizard.Settings) string {
	sc := s.Scope()
	if len(sc.SyncOnly) == 0 {
		return ""
	}
	sc.UserAttributes = nil // what is read of a user does not change who is in
	return fmt.Sprintf("%v|%v|%v", queryFor("users", s).target, s.Connection.ActiveDirectory, sc)
}

// update handles the screen's keys and its counts' answers.
func (s *searchScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case countTick:
		if msg.what == s.what {
			return s.onCountTick(msg)
		}
	case searchCountMsg:
		if msg.what == s.what {
			return s.onCount(msg)
		}
	case countMsg: // a count without the sync_only read
		if msg.what == s.what {
			return s.onCount(searchCountMsg{countMsg: msg, scopeSig: s.scope.sig})
		}
	case tea.KeyPressMsg:
		return s.formKey(msg)
	}
	return nil
}

// help lists the field's keys and the common ones.
func (s *searchScreen) help() []key.Binding { return append(s.formScreen.help(), s.helpTail()...) }

// arrive starts the live count.
func (s *searchScreen) arrive() tea.Cmd { return s.liveCountCmd() }

// edited counts again when what is counted changed.
func (s *searchScreen) edited() tea.Cmd { return s.liveCountCmd() }

// liveCountCmd schedules a count when what it counts changed; the count
// runs after a pause in typing.
func (s *searchScreen) liveCountCmd() tea.Cmd {
	m := s.m
	if !m.connOK && !m.opts.Exists {
		return nil // no directory known to answer yet: the screen says how to get counts
	}
	c := &s.count
	q := queryFor(s.what, m.settings)
	sig := scopeSig(m.settings)
	// A failed count is asked again: what failed (a password file, the
	// password typed for the test, the server) may have been fixed since.
	if q == c.query && sig == s.scope.sig && (c.running || (c.done && c.err == "" && s.scope.err == "")) {
		return nil
	}
	s.scope = scopedCount{sig: sig}
	seq := c.req.bump()
	c.query, c.running, c.done, c.err, c.diagnose, c.setting = q, true, false, "", "", ""
	what := s.what
	return tea.Tick(countDebounce, func(time.Time) tea.Msg { return countTick{what: what, seq: seq} })
}

// onCountTick starts the count when no newer question came in meanwhile.
func (s *searchScreen) onCountTick(msg countTick) tea.Cmd {
	m, c := s.m, &s.count
	if !c.req.is(msg.seq) {
		return nil
	}
	ops := 8
	if s.scope.sig != "" {
		ops += 30 // the sync's read of users and groups, page by page
	}
	ctx, seq := c.req.next(m.c.Ctx, dirBudget(m.settings, ops))
	q, dial, sig, st := c.query, m.dialer(), s.scope.sig, cloneSettings(m.settings)
	return func() tea.Msg {
		n, diag, setting, err := countAndDiagnose(ctx, dial, q)
		msg := searchCountMsg{countMsg: countMsg{what: q.what, seq: seq, n: n, err: err, diagnose: diag, setting: setting}, scopeSig: sig}
		if sig != "" && err == nil && n > 0 {
			msg.scopeRead = true
			msg.scoped, msg.scopedErr = countInScope(ctx, dial, st, q.what)
		}
		return msg
	}
}

// countInScope reads the directory as the sync does, groups.sync_only
// applied, and returns how many users (what "users") or groups it keeps.
func countInScope(ctx context.Context, dial func(context.Context) (*ldap.Conn, error), s wizard.Settings, what string) (int, error) {
	conn, err := dial(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	snap, err := syncer.ReadDirectory(ctx, conn, s, nil)
	if err != nil {
		return 0, err
	}
	if what == "groups" {
		return len(snap.Groups), nil
	}
	return len(snap.Users), nil
}

// onCount records a count answer, unless a newer question was asked.
func (s *searchScreen) onCount(msg searchCountMsg) tea.Cmd {
	c := &s.count
	if !c.req.done(msg.seq) {
		return nil // stale: the settings changed since
	}
	if msg.scopeRead && msg.scopeSig == s.scope.sig {
		s.scope.n, s.scope.done, s.scope.err = msg.scoped, true, ""
		if msg.scopedErr != nil {
			s.scope.err = ldapErrText(msg.scopedErr)
		}
	}
	c.running, c.done, c.n, c.diagnose, c.setting = false, true, msg.n, msg.diagnose, msg.setting
	c.err = ""
	if msg.err != nil {
		c.err = ldapErrText(msg.err)
	}
	return nil
}

// countLines renders the live count, wrapped to w.
func (s *searchScreen) countLines(w int) []string {
	m, c, st, what := s.m, &s.count, s.m.c.Styles, s.what
	var out string
	switch {
	case c.running:
		out = st.Muted.Render("… counting the " + what + " these settings match")
	case !c.done && !m.connOK && !m.opts.Exists:
		return []string{st.Muted.Render(wrap("Live counts start once the connection test passes (Connection screen, ctrl+t).", w))}
	case !c.done:
		return nil
	case c.err != "":
		out = st.Warning.Render(wrap("! cannot count the "+what+": "+c.err, w))
	case c.n == 0:
		out = st.Error.Render(wrap("✗ matches no "+what+". "+c.diagnose, w))
	case s.scope.done && s.scope.err != "":
		out = st.Error.Render(wrap(fmt.Sprintf("✗ %s match the base and class, but groups.sync_only cannot be applied: %s", countOf(c.n, strings.TrimSuffix(what, "s")), s.scope.err), w))
	case s.scope.done && what == "groups":
		names := strings.Join(m.settings.Scope().SyncOnly, ", ")
		out = st.OK.Render(wrap(fmt.Sprintf("✓ %s to sync: %s and the groups nested in them (groups.sync_only), of %s matching the base and class", countOf(s.scope.n, "group"), names, thousands(c.n)), w))
	case s.scope.done:
		names := strings.Join(m.settings.Scope().SyncOnly, ", ")
		out = st.OK.Render(wrap(fmt.Sprintf("✓ %s to sync: members of %s (groups.sync_only), of %s matching the base and class", countOf(s.scope.n, "user"), names, thousands(c.n)), w))
		if s.scope.n == 0 {
			out = st.Error.Render(wrap(fmt.Sprintf("✗ no user to sync: none of the %s matching the base and class is a member of %s (groups.sync_only)", thousands(c.n), names), w))
		}
	default:
		out = st.OK.Render("✓ matches " + countOf(c.n, strings.TrimSuffix(what, "s")))
	}
	return strings.Split(out, "\n")
}

// view draws the live count above the form.
func (s *searchScreen) view(w, h int) string {
	m := s.m
	lines := s.countLines(w) // whole: a diagnosis names the setting and the fix
	formH := h
	if len(lines) > 0 {
		formH = h - len(lines) - 1
	}
	form := s.fields.view(w, formH, m.c.Styles, &m.settings, m.shownProblems(), true)
	if len(lines) == 0 {
		return form
	}
	return strings.Join(lines, "\n") + "\n\n" + form
}

// liveCount returns the live count of "users" or "groups".
func (m *Model) liveCount(what string) *liveCount {
	id := wizard.ScreenUsers
	if what == "groups" {
		id = wizard.ScreenGroups
	}
	return &m.screenOf(id).(*searchScreen).count
}
