package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/ldap"
)

// browserPage is how many children one request asks for.
const browserPage = 500

// treeNode is one entry in the browser's tree.
type treeNode struct {
	ldap.Node
	depth    int
	parent   *treeNode
	children []*treeNode
	expanded bool
	loaded   bool // every page of children has arrived
	loading  bool // a page is on its way
	queued   bool // waits for the connection to be free
	err      string
	filter   string // type-to-filter over this node's children
}

// browser is the directory browser component: a lazily loaded tree of the
// directory from its naming contexts, with an entry pane. It owns one
// connection; children are listed one node at a time (OpenLDAP allows one
// paged search per connection), page by page, so a node with 10,000
// children shows its first page at once and the rest streams in. Only the
// visible rows are drawn.
type browser struct {
	id         int // distinguishes this browser's answers from an older one's
	c          *Common
	ctx        context.Context    // the browser's work; ended when it closes
	stop       context.CancelFunc // ends ctx
	timeout    time.Duration      // connection.timeout: one round trip's budget
	title      string             // what is being picked ("users.search_base"), or "" for plain browsing
	conn       *ldap.Conn
	err        string
	connecting bool
	connected  bool // the connection worked (the wizard may start live counts)

	roots     []*treeNode
	rows      []*treeNode // the visible rows, flattened
	cursor    int
	offset    int
	filtering bool // typing goes to the filter of the cursor's parent

	busy  bool        // a children page is on its way
	queue []*treeNode // nodes waiting for the connection

	entry       *ldap.Entry
	entryErr    string
	entryReq    request
	entryDN     string
	entryScroll int // the first attribute line shown in the entry pane

	// The DN the browser opens at (the field's current value): the nodes
	// down to it are expanded as their children arrive, then the cursor
	// goes to it. reveal are the DNs still to open, nearest first; revealing
	// is the node whose children are awaited.
	target    string
	reveal    []string
	revealing *treeNode
}

// startAt makes the browser open at dn (the field's current value) rather
// than collapsed at the naming contexts. Call it before the connection's
// answer arrives.
func (b *browser) startAt(dn string) { b.target = strings.TrimSpace(dn) }

// browserResult is what closing the browser produced.
type browserResult struct {
	picked string // the DN picked with enter; "" when closed with esc
	closed bool
}

// Browser messages; each carries the browser id so answers to a closed
// browser are dropped.
type (
	browserConnMsg struct {
		id   int
		conn *ldap.Conn
		root *ldap.RootDSE
		err  error
	}
	browserPageMsg struct {
		id   int
		node *treeNode
		page ldap.ChildrenPage
		err  error
	}
	browserEntryMsg struct {
		id, seq int
		entry   *ldap.Entry
		err     error
	}
	browserEntryTick struct{ id, seq int }
)

// newBrowser builds a browser and the command that connects it. dial opens
// the connection (it runs off the update loop); timeout is what one round
// trip to the directory may take.
func newBrowser(id int, c *Common, title string, timeout time.Duration, dial func(context.Context) (*ldap.Conn, error)) (*browser, tea.Cmd) {
	b := &browser{id: id, c: c, title: title, timeout: timeout, connecting: true}
	b.ctx, b.stop = context.WithCancel(c.Ctx)
	bctx := b.ctx
	return b, func() tea.Msg {
		ctx, cancel := context.WithTimeout(bctx, 3*timeout)
		defer cancel()
		c, err := dial(ctx)
		if err != nil {
			return browserConnMsg{id: id, err: err}
		}
		root, err := c.RootDSE(ctx)
		if err != nil {
			_ = c.Close()
			return browserConnMsg{id: id, err: err}
		}
		return browserConnMsg{id: id, conn: c, root: root}
	}
}

// closeCmd ends the browser's work and closes the connection off the update loop.
func (b *browser) closeCmd() tea.Cmd {
	b.stop()
	b.entryReq.stop()
	c := b.conn
	b.conn = nil
	if c == nil {
		return nil
	}
	return func() tea.Msg { _ = c.Close(); return nil }
}

// handle processes an asynchronous answer meant for this browser.
func (b *browser) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case browserConnMsg:
		if msg.id != b.id {
			if msg.conn != nil {
				c := msg.conn
				return func() tea.Msg { _ = c.Close(); return nil }
			}
			return nil
		}
		b.connecting = false
		if msg.err != nil {
			b.err = ldapErrText(msg.err)
			return nil
		}
		b.conn, b.connected = msg.conn, true
		ncs := msg.root.NamingContexts
		if len(ncs) == 0 && msg.root.DefaultNamingContext != "" {
			ncs = []string{msg.root.DefaultNamingContext}
		}
		for _, nc := range ncs {
			b.roots = append(b.roots, &treeNode{Node: ldap.Node{DN: nc, RDN: nc, NumChildren: -1, HasChildren: ldap.TriUnknown}})
		}
		if len(b.roots) == 0 {
			b.err = "The server lists no naming contexts in its RootDSE; type the search base by hand."
		}
		b.flatten()
		return tea.Batch(b.beginReveal(), b.entryCmd())
	case browserPageMsg:
		if msg.id != b.id {
			return nil
		}
		return b.onPage(msg)
	case browserEntryTick:
		if msg.id != b.id || !b.entryReq.is(msg.seq) {
			return nil
		}
		return b.fetchEntry()
	case browserEntryMsg:
		if msg.id != b.id || !b.entryReq.done(msg.seq) {
			return nil // the cursor moved on
		}
		b.entry, b.entryErr, b.entryScroll = msg.entry, "", 0
		if msg.err != nil {
			b.entry, b.entryErr = nil, ldapErrText(msg.err)
		}
	}
	return nil
}

// ldapErrText is an error's message with the directory client's hint.
func ldapErrText(err error) string {
	d := ldap.Explain(err)
	if s := d.String(); s != "" {
		return s
	}
	return err.Error()
}

// onPage adds a page of children and asks for the next one.
func (b *browser) onPage(msg browserPageMsg) tea.Cmd {
	n := msg.node
	b.busy = false
	if msg.err != nil {
		n.loading, n.err = false, ldapErrText(msg.err)
	} else {
		for _, c := range msg.page.Nodes {
			n.children = append(n.children, &treeNode{Node: c, depth: n.depth + 1, parent: n})
		}
		if msg.page.Cookie == nil {
			n.loading, n.loaded = false, true
		}
	}
	b.flatten()
	if msg.err == nil && msg.page.Cookie != nil {
		more := b.listCmd(n, msg.page.Cookie) // the rest of this node first: cookies die if another listing runs between
		return tea.Batch(more, b.revealStep(n))
	}
	return tea.Batch(b.revealStep(n), b.nextQueued())
}

// beginReveal starts opening the tree down to the target: the DNs from the
// naming context holding it down to the target itself.
func (b *browser) beginReveal() tea.Cmd {
	if b.target == "" {
		return nil
	}
	t, err := ldap.ParseDN(b.target)
	if err != nil {
		return nil
	}
	for _, r := range b.roots {
		if !ldap.InSubtree(b.target, r.DN) {
			continue
		}
		rd, err := ldap.ParseDN(r.DN)
		if err != nil {
			return nil
		}
		b.reveal = nil
		for i := len(t.RDNs) - len(rd.RDNs) - 1; i >= 0; i-- {
			b.reveal = append(b.reveal, ldap.DN{RDNs: t.RDNs[i:]}.String())
		}
		return b.revealFrom(r)
	}
	return nil
}

// revealFrom goes on opening the tree from n, a node on the way to the
// target: the cursor goes to n when it is the target; otherwise n is
// expanded and the next node is looked for among its children.
func (b *browser) revealFrom(n *treeNode) tea.Cmd {
	b.cursorTo(n)
	if len(b.reveal) == 0 {
		b.revealing = nil
		return nil
	}
	b.revealing = n
	cmd := b.expand(n)
	if n.loaded || len(n.children) > 0 {
		if next := b.revealStep(n); next != nil {
			return tea.Batch(cmd, next)
		}
	}
	return cmd
}

// revealStep looks for the next node on the way among n's children, once
// some have arrived; when all have and it is not there, revealing stops
// with the cursor on n.
func (b *browser) revealStep(n *treeNode) tea.Cmd {
	if n != b.revealing || len(b.reveal) == 0 {
		return nil
	}
	for _, c := range n.children {
		if ldap.DNEqual(c.DN, b.reveal[0]) {
			b.reveal = b.reveal[1:]
			return tea.Batch(b.revealFrom(c), b.entryCmd())
		}
	}
	if n.loaded || n.err != "" {
		b.reveal, b.revealing = nil, nil
		return b.entryCmd()
	}
	return nil
}

// cursorTo puts the cursor on n when it is a visible row.
func (b *browser) cursorTo(n *treeNode) {
	for i, r := range b.rows {
		if r == n {
			b.cursor = i
			return
		}
	}
}

// nextQueued starts the next waiting listing.
func (b *browser) nextQueued() tea.Cmd {
	for len(b.queue) > 0 {
		n := b.queue[0]
		b.queue = b.queue[1:]
		n.queued = false
		if !n.loaded {
			return b.listCmd(n, nil)
		}
	}
	return nil
}

// listCmd asks for one page of n's children.
func (b *browser) listCmd(n *treeNode, cookie []byte) tea.Cmd {
	b.busy, n.loading = true, true
	conn, id, bctx, budget := b.conn, b.id, b.ctx, 2*b.timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(bctx, budget)
		defer cancel()
		page, err := conn.Children(ctx, n.DN, browserPage, cookie)
		return browserPageMsg{id: id, node: n, page: page, err: err}
	}
}

// expand opens a node, loading its children when they are not there yet.
func (b *browser) expand(n *treeNode) tea.Cmd {
	if n.Referral || n.HasChildren == ldap.TriNo || b.conn == nil {
		return nil
	}
	n.expanded = true
	defer b.flatten()
	if n.loaded || n.loading || n.queued {
		return nil
	}
	n.err = ""
	if b.busy {
		n.queued = true
		n.loading = true
		b.queue = append(b.queue, n)
		return nil
	}
	return b.listCmd(n, nil)
}

// flatten rebuilds the visible rows from the expanded nodes and filters.
func (b *browser) flatten() {
	var cur *treeNode
	if b.cursor >= 0 && b.cursor < len(b.rows) {
		cur = b.rows[b.cursor]
	}
	b.rows = b.rows[:0]
	var walk func(ns []*treeNode, filter string)
	walk = func(ns []*treeNode, filter string) {
		f := strings.ToLower(filter)
		for _, n := range ns {
			if f != "" && !strings.Contains(strings.ToLower(n.RDN), f) {
				continue
			}
			b.rows = append(b.rows, n)
			if n.expanded {
				walk(n.children, n.filter)
			}
		}
	}
	walk(b.roots, "")
	b.cursor = 0
	for i, n := range b.rows {
		if n == cur {
			b.cursor = i
		}
	}
}

// current returns the node under the cursor, or nil.
func (b *browser) current() *treeNode {
	if b.cursor < 0 || b.cursor >= len(b.rows) {
		return nil
	}
	return b.rows[b.cursor]
}

// moveTo puts the cursor on row i and schedules reading that entry.
func (b *browser) moveTo(i int) tea.Cmd {
	if len(b.rows) == 0 {
		return nil
	}
	i = min(max(i, 0), len(b.rows)-1)
	if i == b.cursor {
		return nil
	}
	b.cursor = i
	return b.entryCmd()
}

// entryCmd waits a moment, then reads the entry under the cursor, so that
// scrolling fast does not fire a read per row.
func (b *browser) entryCmd() tea.Cmd {
	seq := b.entryReq.bump()
	id := b.id
	return tea.Tick(120*time.Millisecond, func(time.Time) tea.Msg { return browserEntryTick{id: id, seq: seq} })
}

// fetchEntry reads the entry under the cursor.
func (b *browser) fetchEntry() tea.Cmd {
	n := b.current()
	if n == nil || b.conn == nil || n.Referral {
		b.entry, b.entryDN, b.entryErr = nil, "", ""
		return nil
	}
	b.entryDN = n.DN
	ctx, seq := b.entryReq.next(b.ctx, b.timeout)
	conn, id, dn := b.conn, b.id, n.DN
	return func() tea.Msg {
		e, err := conn.Entry(ctx, dn)
		return browserEntryMsg{id: id, seq: seq, entry: e, err: err}
	}
}

// key handles a key. It returns a result when the browser closes.
func (b *browser) key(msg tea.KeyPressMsg, height int) (tea.Cmd, *browserResult) {
	k := b.c.Keys
	if b.filtering {
		return b.filterKey(msg), nil
	}
	n := b.current()
	b.reveal, b.revealing = nil, nil // a key stops the opening at the field's base
	switch {
	case key.Matches(msg, k.EntryDown):
		b.entryScroll++ // bounded when drawn
		return nil, nil
	case key.Matches(msg, k.EntryUp):
		b.entryScroll = max(b.entryScroll-1, 0)
		return nil, nil
	case key.Matches(msg, k.Back):
		if p := b.filterParent(); p != nil && p.filter != "" {
			p.filter = ""
			b.flatten()
			return nil, nil
		}
		return b.closeCmd(), &browserResult{closed: true}
	case key.Matches(msg, k.Enter):
		if n == nil {
			return nil, nil
		}
		if b.title == "" {
			return b.toggle(n), nil
		}
		if n.Referral {
			return nil, nil
		}
		return b.closeCmd(), &browserResult{picked: n.DN, closed: true}
	case key.Matches(msg, k.Down, k.ListDown):
		return b.moveTo(b.cursor + 1), nil
	case key.Matches(msg, k.Up, k.ListUp):
		return b.moveTo(b.cursor - 1), nil
	case key.Matches(msg, k.PageDown):
		return b.moveTo(b.cursor + max(height-2, 1)), nil
	case key.Matches(msg, k.PageUp):
		return b.moveTo(b.cursor - max(height-2, 1)), nil
	case key.Matches(msg, k.Right, k.Expand):
		if n != nil {
			return b.expand(n), nil
		}
	case key.Matches(msg, k.Toggle):
		if n != nil {
			return b.toggle(n), nil
		}
	case key.Matches(msg, k.Left, k.Collapse):
		if n == nil {
			return nil, nil
		}
		if n.expanded {
			n.expanded = false
			b.flatten()
			return nil, nil
		}
		if n.parent != nil {
			for i, r := range b.rows {
				if r == n.parent {
					return b.moveTo(i), nil
				}
			}
		}
	case key.Matches(msg, k.Filter):
		if b.filterParent() != nil {
			b.filtering = true
		}
	}
	return nil, nil
}

// toggle expands or collapses a node.
func (b *browser) toggle(n *treeNode) tea.Cmd {
	if n.expanded {
		n.expanded = false
		b.flatten()
		return nil
	}
	return b.expand(n)
}

// filterParent is the node whose children the filter narrows: the cursor's
// parent, or the cursor itself when it is expanded.
func (b *browser) filterParent() *treeNode {
	n := b.current()
	if n == nil {
		return nil
	}
	if n.expanded {
		return n
	}
	return n.parent
}

// filterKey edits the filter: printable keys type, backspace deletes,
// enter or esc stops filtering (esc also clears it).
func (b *browser) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	p := b.filterParent()
	if p == nil {
		b.filtering = false
		return nil
	}
	switch {
	case key.Matches(msg, b.c.Keys.Enter), key.Matches(msg, b.c.Keys.Down):
		b.filtering = false
		return nil
	case key.Matches(msg, b.c.Keys.Back):
		b.filtering = false
		p.filter = ""
	case key.Matches(msg, b.c.Keys.Erase):
		if r := []rune(p.filter); len(r) > 0 {
			p.filter = string(r[:len(r)-1])
		}
	case msg.Text != "":
		p.filter += msg.Text
	default:
		return nil
	}
	b.flatten()
	for i, r := range b.rows {
		if r == p {
			b.cursor = i
			if i+1 < len(b.rows) && b.rows[i+1].parent == p {
				b.cursor = i + 1
			}
		}
	}
	return b.entryCmd()
}

// help lists the browser's keys.
func (b *browser) help() []key.Binding {
	k := b.c.Keys
	pick := withHelp(k.Enter, "pick") // the heading says what is picked
	if b.title == "" {
		pick = withHelp(k.Enter, "open/close")
	}
	if b.filtering {
		return []key.Binding{withHelp(k.Enter, "stop filtering"), withHelp(k.Back, "clear filter")}
	}
	// Short, so that esc shows at 80 columns.
	return []key.Binding{pick, key.NewBinding(key.WithKeys("right"), key.WithHelp("→/←", "open/close")),
		key.NewBinding(key.WithKeys("j"), key.WithHelp("↑↓/jk", "move")), k.Filter, withHelp(k.Back, "close"), withHelp(k.EntryDown, "entry")}
}

// view draws the tree and the entry pane in w x h.
func (b *browser) view(w, h int) string {
	head := b.c.Styles.Heading.Render("Directory")
	if b.title != "" {
		head += b.c.Styles.Muted.Render(" — pick " + b.title + " with enter")
	}
	lines := []string{ansi.Truncate(head, w, "…")}
	switch {
	case b.connecting:
		return strings.Join(append(lines, "", "Connecting to the directory…"), "\n")
	case b.err != "":
		return strings.Join(append(lines, "", b.c.Styles.Error.Render("✗ "+wrap(b.err, w-2)), "", b.c.Styles.Muted.Render("esc closes; check the Connection screen and run its test (ctrl+t).")), "\n")
	}
	bodyH := h - 2
	treeW, paneW := w, 0
	treeH, paneH := bodyH, 0
	if w >= 100 {
		treeW = w * 55 / 100
		paneW = w - treeW - 3
	} else {
		treeH = max(bodyH*3/5, 5)
		paneH = bodyH - treeH - 1
	}
	tree := b.treeLines(treeW, treeH)
	pane := b.entryLines(w, paneH) // below the tree
	if paneW > 0 {
		pane = b.entryLines(paneW, bodyH) // beside it
	}
	if paneW > 0 {
		for i := range bodyH {
			l, r := "", ""
			if i < len(tree) {
				l = tree[i]
			}
			if i < len(pane) {
				r = ansi.Truncate(pane[i], paneW, "…")
			}
			lines = append(lines, padRight(l, treeW)+" │ "+r)
		}
	} else {
		lines = append(lines, tree...)
		for len(lines) < treeH+1 {
			lines = append(lines, "")
		}
		lines = append(lines, b.c.Styles.Muted.Render(strings.Repeat("─", w)))
		lines = append(lines, pane[:min(len(pane), paneH)]...)
	}
	if p := b.filterParent(); p != nil && (b.filtering || p.filter != "") {
		mark := ""
		if b.filtering {
			mark = "▏"
		}
		lines = append(lines[:min(len(lines), h-1)], b.c.Styles.Key.Render("filter under "+p.RDN+": ")+p.filter+mark)
	}
	return strings.Join(lines, "\n")
}

// padRight pads a styled line with spaces to w cells.
func padRight(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// treeLines renders the visible window of the tree.
func (b *browser) treeLines(w, h int) []string {
	b.offset = min(followCursor(b.offset, b.cursor, h), max(len(b.rows)-h, 0))
	var out []string
	for i := b.offset; i < len(b.rows) && len(out) < h; i++ {
		out = append(out, b.rowLine(b.rows[i], i == b.cursor, w))
	}
	return out
}

// rowLine renders one node: indent, expand mark, RDN, count, marks.
func (b *browser) rowLine(n *treeNode, now bool, w int) string {
	mark := "▸ "
	switch {
	case n.Referral:
		mark = "↪ "
	case n.HasChildren == ldap.TriNo || (n.loaded && len(n.children) == 0):
		mark = "  "
	case n.expanded:
		mark = "▾ "
	}
	cursor := "  " // the cursor shows as a character too, not only reverse video
	if now {
		cursor = "› "
	}
	text := cursor + strings.Repeat("  ", n.depth) + mark + n.RDN
	var extra []string
	switch {
	case n.loaded:
		extra = append(extra, fmt.Sprintf("(%d)", len(n.children)))
	case n.loading && len(n.children) > 0:
		extra = append(extra, fmt.Sprintf("(%d, loading…)", len(n.children)))
	case n.loading:
		extra = append(extra, "(loading…)")
	case n.NumChildren >= 0:
		extra = append(extra, fmt.Sprintf("(%d)", n.NumChildren))
	}
	if n.filter != "" {
		extra = append(extra, "filter: "+n.filter)
	}
	if n.Referral {
		extra = append(extra, "referral → "+strings.Join(n.ReferralURLs, " "))
	}
	if n.err != "" {
		extra = append(extra, "✗ "+n.err)
	}
	line := text
	if len(extra) > 0 {
		line += " " + strings.Join(extra, " ")
	}
	line = ansi.Truncate(line, w, "…")
	switch {
	case now:
		return b.c.Styles.Selected.Render(line)
	case n.err != "":
		return b.c.Styles.Error.Render(line)
	case n.Referral:
		return b.c.Styles.Warning.Render(line)
	}
	return line
}

// entryLines renders the entry under the cursor.
func (b *browser) entryLines(w, h int) []string {
	n := b.current()
	if n == nil {
		return nil
	}
	out := []string{b.c.Styles.Heading.Render(ansi.Truncate(n.DN, w, "…"))}
	switch {
	case n.Referral:
		out = append(out, b.c.Styles.Warning.Render("Referral: held by another server; not followed."))
		for _, u := range n.ReferralURLs {
			out = append(out, "  "+u)
		}
	case b.entryErr != "":
		out = append(out, b.c.Styles.Error.Render(ansi.Truncate("✗ "+b.entryErr, w, "…")))
	case b.entry == nil || b.entryDN != n.DN:
		out = append(out, b.c.Styles.Muted.Render("reading…"))
	default:
		var attrs []string
		for _, a := range b.entry.Attributes {
			v := strings.Join(a.Values, ", ")
			switch {
			case secretAttribute(a.Name):
				v = fmt.Sprintf("(%s hidden)", plural(len(a.Values), "value"))
			case len(a.Values) > 3:
				v = strings.Join(a.Values[:3], ", ") + fmt.Sprintf(" … (%d values)", len(a.Values))
			}
			attrs = append(attrs, ansi.Truncate(b.c.Styles.Key.Render(a.Name)+": "+v, w, "…"))
		}
		out = append(out, b.scrollAttrs(attrs, h-1)...)
	}
	return out
}

// scrollAttrs is the window of the entry's attribute lines that fits in
// room lines, from entryScroll (J/K), with a line saying what is above and
// below.
func (b *browser) scrollAttrs(attrs []string, room int) []string {
	if room < 3 || len(attrs) <= room {
		b.entryScroll = 0
		return attrs[:min(len(attrs), max(room, 0))]
	}
	b.entryScroll = min(b.entryScroll, len(attrs)-room+1)
	first := b.entryScroll
	var out []string
	if first > 0 {
		out = append(out, b.c.Styles.Muted.Render(fmt.Sprintf("↑ %d more attributes (K)", first)))
	}
	rows := room - len(out)
	if len(attrs)-first > rows {
		rows-- // for the line below
	}
	end := first + rows
	out = append(out, attrs[first:end]...)
	if end < len(attrs) {
		out = append(out, b.c.Styles.Muted.Render(fmt.Sprintf("↓ %d more attributes (J)", len(attrs)-end)))
	}
	return out
}
