package syncer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Statuses of an explanation step.
const (
	StepPass = "pass" // the step lets the user or group through
	StepFail = "fail" // the step keeps it out of the sync
	StepInfo = "info" // facts without a verdict
)

// Outcomes of an explanation: what the next sync does, in one word.
const (
	OutcomeNotFound   = "not found"    // neither side has it
	OutcomeOutside    = "not in scope" // the directory has it, but a sync does not read it
	OutcomeSkipped    = "skipped"      // read, and skipped for a reason (Explanation.Skipped)
	OutcomeNothing    = "nothing"      // in scope, in sync: the next sync changes nothing
	OutcomeChanged    = "changed"      // the next sync changes it (Explanation.Actions)
	OutcomeConflicted = "conflict"     // changed, with a conflict resolved (Explanation.Conflicts)
	OutcomeLeftAlone  = "left alone"   // only in the store, and the mode or scope leaves it there
	OutcomeUnlinked   = "not synchronized"
)

// ExplainStep is one step of an explanation: a question, its answer in
// plain words, and the settings that decide it.
type ExplainStep struct {
	Step     string   `json:"step"`               // the question, short: "search base", "users.filter", ...
	Status   string   `json:"status"`             // StepPass, StepFail or StepInfo
	Detail   string   `json:"detail"`             // the answer, in words
	Settings []string `json:"settings,omitempty"` // the settings that decide it
}

// ExplainedEntry is the directory entry an explanation is about.
type ExplainedEntry struct {
	DN           string   `json:"dn"`
	Name         string   `json:"name,omitempty"`           // the username or group name it carries
	StableID     string   `json:"stable_id,omitempty"`      // its preferred stable id
	StableIDAttr string   `json:"stable_id_attr,omitempty"` // the attribute holding it
	ObjectClass  []string `json:"object_class,omitempty"`
}

// ExplainedStoreUser is the store user an explanation is about.
type ExplainedStoreUser struct {
	ID                int64  `json:"id"`
	Username          string `json:"username"`
	Email             string `json:"email,omitempty"`
	Disabled          bool   `json:"disabled"`
	EnrollmentPending bool   `json:"enrollment_pending"`
	PasswordPending   bool   `json:"password_pending"`
	FromLDAP          bool   `json:"from_ldap"`
	Deleted           bool   `json:"deleted"` // a tombstone: deleted in the store, not yet in the directory
}

// ExplainedStoreGroup is the store group an explanation is about.
type ExplainedStoreGroup struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
	Deleted bool   `json:"deleted"`
}

// ExplainedLink is the link between the store object and a directory entry.
type ExplainedLink struct {
	StableID string    `json:"stable_id"`
	DN       string    `json:"dn"` // the entry's DN when last synchronized
	SyncedAt time.Time `json:"synced_at"`
}

// Explanation says where one user or group stands, step by step, and what
// the next sync does to it. The next sync's part (Actions, Skipped,
// Conflicts) is taken from a real plan of the whole directory and store,
// the one "ldapwiz preview" shows; nothing is changed.
type Explanation struct {
	Kind       store.Kind           `json:"kind"`
	Query      string               `json:"query"`
	Server     string               `json:"server,omitempty"`
	Mode       string               `json:"mode"`
	Authority  string               `json:"authority"`
	Entry      *ExplainedEntry      `json:"entry,omitempty"`
	Others     []string             `json:"other_matches,omitempty"` // other entries the query matched
	StoreUser  *ExplainedStoreUser  `json:"store_user,omitempty"`
	StoreGroup *ExplainedStoreGroup `json:"store_group,omitempty"`
	Link       *ExplainedLink       `json:"link,omitempty"`
	Steps      []ExplainStep        `json:"steps"`
	Actions    []Action             `json:"actions"`   // the next sync's changes for it, in order
	Skipped    []Skip               `json:"skipped"`   // why the next sync leaves it alone
	Conflicts  []Conflict           `json:"conflicts"` // fields changed on both sides, and who wins
	Outcome    string               `json:"outcome"`   // one of the Outcome* words
	Summary    string               `json:"summary"`   // one sentence
}

// Failed returns the first failing step, or nil.
func (x *Explanation) Failed() *ExplainStep {
	for i := range x.Steps {
		if x.Steps[i].Status == StepFail {
			return &x.Steps[i]
		}
	}
	return nil
}

// explainer holds what one explanation reads: the directory snapshot,
// the store snapshot and the plan a sync would run, and a connection for
// the questions the snapshots cannot answer (entries out of scope, filter
// clauses).
type explainer struct {
	ctx context.Context
	// conn reads the server's RootDSE once: the account state ("auto")
	// and the naming contexts find searches both ask for it.
	conn *runConn
	cfg  syncConfig
	db   *store.DB // the store read (st), for the one user explained whole
	dir  *DirSnapshot
	st   *StoreSnapshot
	plan *Plan
	out  *Explanation
	dns  dnCache

	users, groups *dnIndex // x.dir.Users and Groups by DN, built on first use
}

// dnIndex finds an item of a list by DN as dnCache.equal compares DNs: the
// same string, or both parse and normalize alike. The first item wins.
type dnIndex struct {
	raw, norm map[string]int
}

func newDNIndex(c *dnCache, n int, dnOf func(i int) string) *dnIndex {
	ix := &dnIndex{raw: make(map[string]int, n), norm: make(map[string]int, n)}
	for i := range n {
		dn := dnOf(i)
		if _, dup := ix.raw[dn]; !dup {
			ix.raw[dn] = i
		}
		if nd, ok := c.normalize(dn); ok {
			if _, dup := ix.norm[nd]; !dup {
				ix.norm[nd] = i
			}
		}
	}
	return ix
}

// find returns the index of the first item at dn, or -1.
func (ix *dnIndex) find(c *dnCache, dn string) int {
	best := -1
	if i, ok := ix.raw[dn]; ok {
		best = i
	}
	if nd, ok := c.normalize(dn); ok {
		if i, ok := ix.norm[nd]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// newExplainer connects, reads both sides and plans, as Preview does; the
// caller closes x.conn.
func newExplainer(ctx context.Context, s wizard.Settings, db *store.DB, opts Options, kind store.Kind, query string) (*explainer, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("name the %s to explain: a name, a DN or (for a user) an e-mail address", kind)
	}
	cfg := newSyncConfig(s)
	lcfg, err := s.LDAPConfig(opts.Getenv)
	if err != nil {
		return nil, err
	}
	conn, err := ldap.Dial(ctx, lcfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the directory: %s", ldap.Explain(err))
	}
	x := &explainer{ctx: ctx, conn: &runConn{Conn: conn}, cfg: cfg,
		out: &Explanation{Kind: kind, Query: query, Server: conn.Server(), Mode: cfg.mode, Authority: cfg.authority,
			Actions: []Action{}, Skipped: []Skip{}, Conflicts: []Conflict{}}}
	if err := x.read(db, opts); err != nil {
		conn.Close()
		return nil, err
	}
	return x, nil
}

// read reads both sides and plans, as Preview does.
func (x *explainer) read(db *store.DB, opts Options) error {
	err := x.cfg.resolveAccountState(x.ctx, x.conn)
	if err != nil {
		return err
	}
	if x.dir, err = readDirectory(x.ctx, x.conn.Conn, x.cfg, nil); err != nil {
		return err
	}
	x.db = db
	if x.st, err = readStore(x.ctx, db); err != nil {
		return err
	}
	if opts.Now != nil {
		x.cfg.now = opts.Now()
	}
	x.plan, err = planStore(x.cfg, x.dir, x.st)
	return err
}

// explain builds the explanation of the kind named by query with steps,
// the explainer's own steps for that kind.
func explain(ctx context.Context, s wizard.Settings, db *store.DB, opts Options, kind store.Kind, query string, steps func(*explainer) error) (*Explanation, error) {
	x, err := newExplainer(ctx, s, db, opts, kind, query)
	if err != nil {
		return nil, err
	}
	defer x.conn.Close()
	if err := steps(x); err != nil {
		return nil, err
	}
	return x.out, nil
}

// step records one step.
func (x *explainer) step(name, status, detail string, settings ...string) {
	x.out.Steps = append(x.out.Steps, ExplainStep{Step: name, Status: status, Detail: detail, Settings: settings})
}

// find looks for entries of the query: the entry at the DN when the query
// is one, else the entries whose attrs hold the query, under base first and
// then under the directory's naming contexts (an entry outside the base is
// still found, to say so). Entries are read whole.
func (x *explainer) find(query, base string, attrs []string) ([]*ldap.Entry, string, error) {
	if looksLikeDN(query) {
		e, err := x.conn.Entry(x.ctx, query)
		if err != nil {
			return nil, "the DN", nil // no entry there: an answer, not an error
		}
		return []*ldap.Entry{e}, "the DN", nil
	}
	var parts []string
	for _, a := range attrs {
		if a != "" {
			parts = append(parts, "("+a+"="+ldap.EscapeFilter(query)+")")
		}
	}
	filter := "(|" + strings.Join(parts, "") + ")"
	bases := []string{base}
	if root, err := x.conn.RootDSE(x.ctx); err == nil {
		if root.DefaultNamingContext != "" {
			bases = append(bases, root.DefaultNamingContext)
		}
		bases = append(bases, root.NamingContexts...)
	}
	var found []*ldap.Entry
	seen := map[string]bool{}
	for i, b := range bases {
		if strings.TrimSpace(b) == "" || (i > 0 && len(found) > 0) {
			continue
		}
		err := x.conn.Search(x.ctx, ldap.SearchRequest{Base: b, Filter: filter, Attributes: []string{"*", "+"}}, func(e *ldap.Entry) error {
			if n, ok := x.dns.normalize(e.DN); ok && !seen[n] {
				seen[n] = true
				found = append(found, e)
			}
			return nil
		})
		if err != nil && i == 0 {
			return nil, "", err
		}
	}
	return found, strings.Join(nonEmptyStrings(attrs), " or "), nil
}

// lookUp finds the entries of the query (see find) and picks the one
// explained: the first for which prefer holds, else the first found. The
// others are listed in Others.
func (x *explainer) lookUp(base string, attrs []string, prefer func(dn string) bool) (*ldap.Entry, error) {
	q := x.out.Query
	entries, _, err := x.find(q, base, attrs)
	if err != nil {
		return nil, fmt.Errorf("find %q in the directory: %w", q, err)
	}
	if len(entries) == 0 {
		return nil, nil
	}
	best := 0
	for i, e := range entries {
		if prefer != nil && prefer(e.DN) {
			best = i
			break
		}
	}
	for i, e := range entries {
		if i != best {
			x.out.Others = append(x.out.Others, e.DN)
		}
	}
	return entries[best], nil
}

// foundStep records the passing "found" step for the entry at dn, found
// by how, naming the other entries the query matched.
func (x *explainer) foundStep(dn, how string, settings ...string) {
	detail := "found " + dn + how
	if len(x.out.Others) > 0 {
		detail += "; the name also matches " + strings.Join(x.out.Others, "; ") + ": explain one by its DN"
	}
	x.step("found", StepPass, detail, settings...)
}

// baseStep checks that the entry at dn is under base, the search_base
// setting a sync reads what (users, groups) below.
func (x *explainer) baseStep(dn, base, what, setting string) bool {
	if ldap.InSubtree(dn, base) {
		x.step("search base", StepPass, "under "+base, setting)
		return true
	}
	x.step("search base", StepFail, "not under "+base+": a sync reads "+what+" only below "+setting, setting)
	return false
}

// looksLikeDN reports whether the query is a DN rather than a name.
func looksLikeDN(q string) bool {
	if !strings.Contains(q, "=") {
		return false
	}
	_, err := ldap.ParseDN(q)
	return err == nil
}

func nonEmptyStrings(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// stableIDAttr names the attribute of e holding id.
func stableIDAttr(e *ldap.Entry, id string) string {
	for _, a := range ldap.StableIDAttributes() {
		if e.First(a) == id {
			return a
		}
	}
	return ""
}

// explainedEntry describes e, named by nameAttr.
func explainedEntry(e *ldap.Entry, nameAttr string) *ExplainedEntry {
	out := &ExplainedEntry{DN: e.DN, Name: e.First(nameAttr), StableID: e.StableID(), ObjectClass: e.Get("objectClass")}
	out.StableIDAttr = stableIDAttr(e, out.StableID)
	return out
}

// matches asks the server whether the entry matches filter.
func (x *explainer) matches(dn, filter string) (bool, error) {
	return x.conn.Matches(x.ctx, dn, filter)
}

// nextSync writes the last step from what the plan picked for the object
// (x.out.Actions, Skipped, Conflicts) and sets the outcome and summary.
// idle says in words why nothing happens when the plan has nothing.
func (x *explainer) nextSync(idleOutcome, idle string) {
	o := x.out
	var lines []string
	for _, a := range o.Actions {
		lines = append(lines, describeAction(a))
	}
	for _, s := range o.Skipped {
		lines = append(lines, "skipped ("+s.Reason+"): "+s.Detail)
	}
	for _, c := range o.Conflicts {
		lines = append(lines, describeConflict(c))
	}
	switch {
	case len(o.Skipped) > 0 && len(o.Actions) == 0:
		o.Outcome = OutcomeSkipped
	case len(o.Conflicts) > 0:
		o.Outcome = OutcomeConflicted
	case len(o.Actions) > 0:
		o.Outcome = OutcomeChanged
	default:
		o.Outcome = idleOutcome
		lines = append(lines, idle)
	}
	status := StepInfo
	if o.Outcome == OutcomeSkipped {
		status = StepFail
	}
	x.step("next sync", status, strings.Join(lines, "; "), "sync.mode", "sync.authority")
	o.Summary = x.summary()
}

// summary is the explanation in one sentence.
func (x *explainer) summary() string {
	o := x.out
	what := string(o.Kind) + " " + o.Query
	switch o.Outcome {
	case OutcomeChanged, OutcomeConflicted:
		var ops []string
		for _, a := range o.Actions {
			ops = append(ops, a.Op+" on the "+sideWord(a.Side))
		}
		s := "the next " + o.Mode + " sync changes " + what + ": " + strings.Join(dedupe(ops), ", ")
		if len(o.Conflicts) > 0 {
			s += fmt.Sprintf(" (%d conflict(s) resolved for the %s)", len(o.Conflicts), sideWord(o.Conflicts[0].Winner))
		}
		return s
	case OutcomeSkipped:
		return "the next sync skips " + what + ": " + o.Skipped[0].Reason
	}
	if f := x.out.Failed(); f != nil {
		return "the next sync leaves " + what + " alone: " + f.Step + " — " + f.Detail
	}
	return "the next sync changes nothing for " + what
}

// plural is "1 entry" or "2 entries": n and the word for its count.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sideWord(side string) string {
	if side == SideLDAP {
		return "directory"
	}
	return "store"
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// describeAction says what one planned change does, with its diff.
func describeAction(a Action) string {
	what := a.Op + " " + string(a.Kind) + " " + a.Name
	if a.Member() != "" {
		what = a.Op + " " + a.Member() + " in group " + a.Name
	}
	s := what + " on the " + sideWord(a.Side)
	if a.Reason != "" {
		s += " (" + a.Reason + ")"
	}
	var diffs []string
	for _, d := range a.AttrDiffs() {
		label := d.Label()
		if a.NewValuesOnly() {
			diffs = append(diffs, fmt.Sprintf("%s %q", label, d.New))
		} else {
			diffs = append(diffs, fmt.Sprintf("%s %q -> %q", label, d.Old, d.New))
		}
	}
	if len(diffs) > 0 {
		s += ": " + strings.Join(diffs, ", ")
	}
	if a.OldDN() != "" && a.DN != "" {
		s += "; DN " + a.OldDN() + " -> " + a.DN
	}
	return s
}

// describeConflict says what conflicted and who wins.
func describeConflict(c Conflict) string {
	return fmt.Sprintf("conflict on %s: store %q, directory %q; the %s wins (sync.authority)", c.Field, c.StoreValue, c.LDAPValue, sideWord(c.Winner))
}
