package ui

// attrcheck.go: the directory's verdict on the attributes that name users and
// groups, and on the group names of groups.sync_only. Whenever
// users.username_attribute, the effective users.rdn_attribute or
// groups.name_attribute changes (typed, picked or loaded) and a directory is
// known, a debounced command samples the entries and says whether the
// attribute's values repeat, are missing or are binary; whenever
// groups.sync_only changes, it looks each name up as the sync will. The
// verdicts show beside the fields and on the Review screen.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// attrCheckSample is how many entries an attribute check looks at. Only the
// one attribute is read, so the sample is larger than the pickers'.
const attrCheckSample = 1000

// attrQuery is one check: the attribute a setting names, over the entries
// the users' or groups' base, class and filter select.
type attrQuery struct {
	key   string // the setting checked
	attr  string
	where countQuery
	names string // groups.sync_only: the names looked up, one a line
}

// attrResult is a check's answer for one setting.
type attrResult struct {
	q    attrQuery
	warn string // what is wrong with the values; "" when they are fine
	err  string // the check could not run
}

// attrChecks is the state of the attribute checks: the newest batch asked
// and the answers for the values on screen.
type attrChecks struct {
	req     request // the newest batch; older answers are dropped
	asked   []attrQuery
	running bool
	results map[string]attrResult // by setting key
}

// Attribute check messages.
type (
	attrCheckTick struct{ seq int }
	attrCheckMsg  struct {
		seq     int
		results []attrResult
	}
)

// identityKeys are the settings checked, in the order Review lists them.
var identityKeys = [...]string{"users.username_attribute", "users.rdn_attribute", "groups.name_attribute", syncOnlyKey}

// syncOnlyKey is the setting whose group names are looked up.
const syncOnlyKey = "groups.sync_only"

// attrQueries lists the checks the settings call for. The naming attribute
// is checked only when it differs from the username attribute (empty means
// the username attribute, already checked).
func attrQueries(s wizard.Settings) []attrQuery {
	users, groups := queryFor("users", s), queryFor("groups", s)
	user := strings.TrimSpace(s.Users.UsernameAttribute)
	rdn := s.EffectiveRDNAttribute()
	var qs []attrQuery
	add := func(key, attr string, where countQuery) {
		if attr != "" && strings.TrimSpace(where.base) != "" {
			qs = append(qs, attrQuery{key: key, attr: attr, where: where})
		}
	}
	add(identityKeys[0], user, users)
	if !strings.EqualFold(rdn, user) {
		add(identityKeys[1], rdn, users)
	}
	add(identityKeys[2], strings.TrimSpace(s.Groups.NameAttribute), groups)
	if names := s.Scope().SyncOnly; len(names) > 0 && strings.TrimSpace(s.Groups.NameAttribute) != "" && strings.TrimSpace(groups.base) != "" {
		qs = append(qs, attrQuery{key: syncOnlyKey, attr: strings.TrimSpace(s.Groups.NameAttribute), where: groups, names: strings.Join(names, "\n")})
	}
	return qs
}

// attrCheckCmd schedules the checks whose attribute or entries changed,
// after a pause in typing, when a directory is known (as for live counts).
// Answers about values no longer on screen are dropped at once. On the
// Welcome and Connection screens nothing is checked: the connection is being
// edited there, and arriving on a later screen starts the checks.
func (m *Model) attrCheckCmd() tea.Cmd {
	c := &m.checks
	want := attrQueries(m.settings)
	for k, r := range c.results {
		if !slices.Contains(want, r.q) {
			delete(c.results, k)
		}
	}
	failed := false
	for k, r := range c.results {
		if r.err != "" {
			failed = true
			// Asked again: what failed (a password, the server) may be fixed.
			delete(c.results, k)
		}
	}
	if slices.Equal(want, c.asked) && !failed {
		return nil
	}
	seq := c.req.bump() // an answer on its way is about older settings
	sc := flow[m.screen]
	if sc == wizard.ScreenWelcome || sc == wizard.ScreenConnection || (!m.connOK && !m.opts.Exists) {
		c.asked, c.running = nil, false
		return nil
	}
	c.asked, c.running = want, false
	for _, q := range want {
		if _, ok := c.results[q.key]; !ok {
			c.running = true
		}
	}
	if !c.running {
		return nil
	}
	return tea.Tick(countDebounce, func(time.Time) tea.Msg { return attrCheckTick{seq: seq} })
}

// onAttrCheckTick runs the pending checks when no newer change came in meanwhile.
func (m *Model) onAttrCheckTick(msg attrCheckTick) tea.Cmd {
	c := &m.checks
	if !c.req.is(msg.seq) {
		return nil
	}
	var pending []attrQuery
	for _, q := range c.asked {
		if _, ok := c.results[q.key]; !ok {
			pending = append(pending, q)
		}
	}
	ctx, seq := c.req.next(m.c.Ctx, dirBudget(m.settings, 2+3*len(pending)))
	dial := m.dialer()
	return func() tea.Msg {
		return attrCheckMsg{seq: seq, results: runAttrChecks(ctx, dial, pending)}
	}
}

// onAttrCheck records the answers, unless a newer batch was asked.
func (m *Model) onAttrCheck(msg attrCheckMsg) tea.Cmd {
	c := &m.checks
	if !c.req.done(msg.seq) {
		return nil // stale: the settings changed since
	}
	if c.results == nil {
		c.results = map[string]attrResult{}
	}
	for _, r := range msg.results {
		c.results[r.q.key] = r
	}
	c.running = false
	m.reviewS().clampSel()
	return nil
}

// runAttrChecks connects once and checks each query.
func runAttrChecks(ctx context.Context, dial func(context.Context) (*ldap.Conn, error), qs []attrQuery) []attrResult {
	out := make([]attrResult, 0, len(qs))
	conn, err := dial(ctx)
	if err != nil {
		for _, q := range qs {
			out = append(out, attrResult{q: q, err: ldapErrText(err)})
		}
		return out
	}
	defer conn.Close()
	for _, q := range qs {
		check := checkAttribute
		if q.key == syncOnlyKey {
			check = checkGroupNames
		}
		warn, err := check(ctx, conn, q)
		r := attrResult{q: q, warn: warn}
		if err != nil {
			r.err = ldapErrText(err)
		}
		out = append(out, r)
	}
	return out
}

// checkAttribute samples the entries of q and describes what makes q.attr a
// poor name for them: values shared by several entries, entries without a
// value, several values on one entry, binary values. "" means none of these.
func checkAttribute(ctx context.Context, conn *ldap.Conn, q attrQuery) (string, error) {
	sp, err := conn.AttributeSpread(ctx, q.where.base, q.where.full(), q.attr, attrCheckSample)
	if err != nil || sp.Sampled == 0 {
		return "", err // no entries: the live count says why
	}
	sampled, missing, multi, binary := sp.Sampled, sp.Missing, sp.MultiValued, sp.Binary
	repeats, repeated := sp.Repeats, sp.Repeated
	repeatWhere := ""
	if q.key == identityKeys[1] {
		// An RDN names an entry among its siblings only: cn may repeat
		// across branches (two John Smiths in two OUs) without harm.
		if repeats, repeated, err = siblingRepeats(ctx, conn, q); err != nil {
			return "", err
		}
		repeatWhere = " among siblings"
	}
	of := fmt.Sprintf("of %s sampled %s", thousands(sampled), q.where.what)
	var parts []string
	if binary {
		parts = append(parts, "binary values, not a usable name")
	}
	if repeats > 0 {
		ex := repeated[:min(len(repeated), 3)]
		more := ""
		if len(repeated) > 3 {
			more = ", …"
		}
		parts = append(parts, fmt.Sprintf("values repeat%s on %s %s (%s%s)", repeatWhere, thousands(repeats), of, strings.Join(ex, ", "), more))
	}
	switch {
	case missing == sampled:
		parts = append(parts, fmt.Sprintf("on none %s", of))
	case missing > 0:
		parts = append(parts, fmt.Sprintf("missing on %s %s", thousands(missing), of))
	}
	if multi > 0 {
		parts = append(parts, fmt.Sprintf("several values on %s %s", thousands(multi), of))
	}
	if len(parts) == 0 {
		return "", nil
	}
	return q.attr + ": " + strings.Join(parts, "; "), nil
}

// siblingRepeats counts the sampled entries of q whose q.attr value another
// entry with the same parent also has (case folded), with examples: what
// would make two entries named by that attribute collide.
func siblingRepeats(ctx context.Context, conn *ldap.Conn, q attrQuery) (int, []string, error) {
	holders := map[string][]string{} // parent + value -> the values as spelt
	n := 0
	err := conn.Search(ctx, ldap.SearchRequest{Base: q.where.base, Filter: q.where.full(), Attributes: []string{q.attr}}, func(e *ldap.Entry) error {
		if n++; n > attrCheckSample {
			return ldap.ErrStopSearch
		}
		d, err := ldap.ParseDN(e.DN)
		if err != nil {
			return nil
		}
		parent, err := ldap.NormalizeDN(d.Parent().String())
		if err != nil {
			return nil
		}
		for _, v := range e.Get(q.attr) {
			k := parent + "\x00" + strings.ToLower(v)
			holders[k] = append(holders[k], v)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	repeats := 0
	var examples []string
	for _, vs := range holders {
		if len(vs) > 1 {
			repeats += len(vs)
			examples = append(examples, vs[0])
		}
	}
	slices.Sort(examples)
	return repeats, examples, nil
}

// checkGroupNames looks up each name of groups.sync_only as the sync does
// (a group of the groups' base, class and filter whose name attribute has
// that value) and names those that match no group: the sync would stop on
// them.
func checkGroupNames(ctx context.Context, conn *ldap.Conn, q attrQuery) (string, error) {
	var missing []string
	for _, name := range strings.Split(q.names, "\n") {
		f := "(&" + q.where.full() + "(" + q.attr + "=" + ldap.EscapeFilter(name) + "))"
		n, err := conn.Count(ctx, q.where.base, f)
		if err != nil {
			return "", err
		}
		if n == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	return fmt.Sprintf("no group named %s under %s (%s=…): the sync would stop; fix the name (ctrl+o picks) or the group settings",
		strings.Join(missing, ", "), q.where.base, q.attr), nil
}

// checkProblems are the checks' answers as problems beside their fields:
// the warnings, and the checks that could not run.
func (m *Model) checkProblems() []wizard.Problem {
	var ps []wizard.Problem
	for _, k := range identityKeys {
		r, ok := m.checks.results[k]
		switch {
		case !ok:
		case r.err != "" && k == syncOnlyKey:
			ps = append(ps, wizard.Problem{Severity: wizard.Warning, Setting: k, Screen: wizard.ScreenFor(k), Message: "could not look the groups up in the directory: " + r.err})
		case r.err != "":
			ps = append(ps, wizard.Problem{Severity: wizard.Warning, Setting: k, Screen: wizard.ScreenFor(k), Message: "could not check " + r.q.attr + " in the directory: " + r.err})
		case r.warn != "":
			ps = append(ps, wizard.Problem{Severity: wizard.Warning, Setting: k, Screen: wizard.ScreenFor(k), Message: r.warn})
		}
	}
	return ps
}

// dirWarnings are the checks' warnings Review lists under "From the
// directory" (a check that could not run shows beside its field only).
func (m *Model) dirWarnings() []wizard.Problem {
	var ps []wizard.Problem
	for _, p := range m.checkProblems() {
		if r := m.checks.results[p.Setting]; r.err == "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// reviewItems is what Review's cursor walks: the validation problems, then
// the directory's warnings.
func (m *Model) reviewItems() []wizard.Problem {
	dir := m.dirWarnings()
	if len(dir) == 0 {
		return m.problems
	}
	return append(append([]wizard.Problem(nil), m.problems...), dir...)
}

// dirReviewLines renders Review's "From the directory" section; first is
// the index of its first item among reviewItems.
func (m *Model) dirReviewLines(w, first int) []string {
	dir := m.dirWarnings()
	var lines []string
	if len(dir) > 0 {
		lines = append(lines, "", m.c.Styles.Heading.Render(fmt.Sprintf("From the directory (%d): enter goes to the field", len(dir))))
		for i, p := range dir {
			lines = append(lines, m.problemLine(p, first+i == m.reviewS().sel, w))
		}
	}
	if m.checks.running {
		lines = append(lines, m.c.Styles.Muted.Render("… checking the naming attributes and sync_only groups in the directory"))
	}
	return lines
}
