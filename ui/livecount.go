package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// countDebounce is how long typing must pause before a live count runs.
const countDebounce = 400 * time.Millisecond

// countQuery is what a live count asks: the base, object class and filter
// of the users or of the groups.
type countQuery struct {
	target string // the directory and account asked (URL, bind DN, password source)
	what   string // "users" or "groups"
	base   string
	class  string
	filter string // extra filter, with parentheses; "" for none
}

// classKey and friends name the settings a diagnosis points at.
func (q countQuery) classKey() string  { return q.what + ".object_class" }
func (q countQuery) baseKey() string   { return q.what + ".search_base" }
func (q countQuery) filterKey() string { return q.what + ".filter" }

// full is the query's LDAP filter: the same one the connection test and the
// sync send (ldap.ScopeFilter).
func (q countQuery) full() string { f, _ := ldap.ScopeFilter(q.class, q.filter); return f }

// classOnly is the query's filter without the extra filter.
func (q countQuery) classOnly() string { f, _ := ldap.ScopeFilter(q.class, ""); return f }

// liveCount is the state of one screen's live count.
type liveCount struct {
	seq      int // newest question; older answers are dropped
	query    countQuery
	running  bool
	n        int
	done     bool
	err      string
	diagnose string // why nothing matched, naming the setting
	setting  string // the setting the diagnosis blames
}

// Live count messages.
type (
	countTick struct {
		what string
		seq  int
	}
	countMsg struct {
		what     string
		seq      int
		n        int
		err      error
		diagnose string
		setting  string
	}
)

// queryFor is the count question of a screen's current settings.
func queryFor(what string, s wizard.Settings) countQuery {
	c := s.Connection
	target := fmt.Sprint(c.URL, c.StartTLS, c.VerifyTLS, c.CAFile, c.BindDN, c.BindPasswordFile, c.BindPasswordEnv, len(c.BindPassword))
	sc := s.Scope()
	if what == "groups" {
		return countQuery{target: target, what: what, base: sc.GroupBase, class: sc.GroupObjectClass}
	}
	return countQuery{target: target, what: what, base: sc.UserBase, class: sc.UserObjectClass, filter: sc.UserExtraFilter}
}

// countFor returns the live count of "users" or "groups".
func (m *Model) countFor(what string) *liveCount {
	if what == "groups" {
		return &m.groupCount
	}
	return &m.userCount
}

// liveCountCmd schedules a count on the Users or Groups screen when what it
// counts changed; the count runs after a pause in typing.
func (m *Model) liveCountCmd() tea.Cmd {
	var what string
	switch flow[m.screen] {
	case wizard.ScreenUsers:
		what = "users"
	case wizard.ScreenGroups:
		what = "groups"
	default:
		return nil
	}
	if !m.connOK && !m.opts.Exists {
		return nil // no directory known to answer yet: the screen says how to get counts
	}
	c := m.countFor(what)
	q := queryFor(what, m.settings)
	// A failed count is asked again: what failed (a password file, the
	// password typed for the test, the server) may have been fixed since.
	if q == c.query && (c.running || (c.done && c.err == "")) {
		return nil
	}
	c.seq++
	c.query, c.running, c.done, c.err, c.diagnose, c.setting = q, true, false, "", "", ""
	seq := c.seq
	return tea.Tick(countDebounce, func(time.Time) tea.Msg { return countTick{what: what, seq: seq} })
}

// onCountTick starts the count when no newer question came in meanwhile.
func (m *Model) onCountTick(msg countTick) tea.Cmd {
	c := m.countFor(msg.what)
	if msg.seq != c.seq {
		return nil
	}
	q, dial, seq := c.query, m.dialer(), c.seq
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		n, diag, setting, err := countAndDiagnose(ctx, dial, q)
		return countMsg{what: q.what, seq: seq, n: n, err: err, diagnose: diag, setting: setting}
	}
}

// onCount records a count answer, unless a newer question was asked.
func (m *Model) onCount(msg countMsg) tea.Cmd {
	c := m.countFor(msg.what)
	if msg.seq != c.seq {
		return nil // stale: the settings changed since
	}
	c.running, c.done, c.n, c.diagnose, c.setting = false, true, msg.n, msg.diagnose, msg.setting
	c.err = ""
	if msg.err != nil {
		c.err = ldapErrText(msg.err)
	}
	return nil
}

// countAndDiagnose counts the entries a query matches; when none match it
// retries without the filter, at the naming contexts, and without the object
// class, to say which setting removed everyone.
func countAndDiagnose(ctx context.Context, dial func(context.Context) (*ldap.Conn, error), q countQuery) (int, string, string, error) {
	if strings.TrimSpace(q.base) == "" {
		return 0, "The search base is empty: pick one with ctrl+b.", q.baseKey(), nil
	}
	conn, err := dial(ctx)
	if err != nil {
		return 0, "", "", err
	}
	defer conn.Close()
	n, err := conn.Count(ctx, q.base, q.full())
	if err != nil || n > 0 {
		return n, "", "", err
	}
	if q.filter != "" {
		if k, err := conn.Count(ctx, q.base, q.classOnly()); err == nil && k > 0 {
			return 0, fmt.Sprintf("The extra filter %s removes all %d %s of class %s under the base: loosen %s.", q.filter, k, q.what, q.class, q.filterKey()), q.filterKey(), nil
		}
	}
	// The naming contexts before the class: a base full of other entries
	// (the groups branch picked for users) is a wrong base, not a wrong class.
	root, err := conn.RootDSE(ctx)
	if err == nil {
		for _, nc := range root.NamingContexts {
			if k, err := conn.Count(ctx, nc, q.full()); err == nil && k > 0 {
				return 0, fmt.Sprintf("The base holds no %s, but %d match under %s: pick another base for %s (ctrl+b).", q.what, k, nc, q.baseKey()), q.baseKey(), nil
			}
		}
	}
	all, err := conn.Count(ctx, q.base, "(objectClass=*)")
	if err == nil && all > 1 {
		return 0, fmt.Sprintf("No entry under the base has object class %q (%d entries are there): change %s (ctrl+o lists the classes).", q.class, all, q.classKey()), q.classKey(), nil
	}
	return 0, fmt.Sprintf("Nothing in the directory matches class %q%s: check %s.", q.class, map[bool]string{true: " with the filter", false: ""}[q.filter != ""], q.classKey()), q.classKey(), nil
}

// countLine renders a screen's live count, wrapped to w.
func (m *Model) countLine(what string, w int) []string {
	c := m.countFor(what)
	var s string
	switch {
	case c.running:
		s = m.st.Muted.Render("… counting the " + what + " these settings match")
	case !c.done && !m.connOK && !m.opts.Exists:
		return []string{m.st.Muted.Render(wrap("Live counts start once the connection test passes (Connection screen, ctrl+t).", w))}
	case !c.done:
		return nil
	case c.err != "":
		s = m.st.Warning.Render(wrap("! cannot count the "+what+": "+c.err, w))
	case c.n == 0:
		s = m.st.Error.Render(wrap("✗ matches no "+what+". "+c.diagnose, w))
	default:
		s = m.st.OK.Render(fmt.Sprintf("✓ matches %s %s", thousands(c.n), what))
	}
	return strings.Split(s, "\n")
}

// thousands renders 1234 as "1,234".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// searchScreenView draws the Users or Groups screen: the live count above the form.
func (m *Model) searchScreenView(sc wizard.Screen, w, h int) string {
	what := "users"
	if sc == wizard.ScreenGroups {
		what = "groups"
	}
	lines := m.countLine(what, w)
	lines = lines[:min(len(lines), 3)]
	formH := h
	if len(lines) > 0 {
		formH = h - len(lines) - 1
	}
	form := m.forms[sc].view(w, formH, m.st, &m.settings, m.shownProblems(), true)
	if len(lines) == 0 {
		return form
	}
	return strings.Join(lines, "\n") + "\n\n" + form
}
