package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// pickSample is how many entries the attribute picker looks at: the same
// sample as the check beside the field, so that both say the same about an
// attribute's values.
const pickSample = attrCheckSample

// pickItem is one candidate in a picker.
type pickItem struct {
	value  string // what goes into the setting
	detail string // how common it is, examples, member counts
	warn   string // why it is a poor choice for this field, or ""
}

// pickerState is the attribute / object-class / group picker: candidates
// found in the directory, narrowed as you type; enter takes the highlighted
// one, or what you typed when nothing matches (free typing stays allowed).
// With multi, space marks several and enter takes the marked ones.
type pickerState struct {
	id      int
	req     request // the candidates' loading; cancelled when the picker closes
	field   *field
	title   string
	multi   bool
	loading bool
	err     string
	items   []pickItem
	listFilter
	selected map[string]bool
}

// pickerMsg delivers a picker's candidates.
type pickerMsg struct {
	id    int
	items []pickItem
	err   error
}

// openPickerFor opens the picker that suits a field and starts loading its candidates.
func (m *Model) openPickerFor(f *field) tea.Cmd {
	m.nextID++
	in := promptLine("› ", "type to narrow, or type a value", m.c.Width-6)
	in.Focus()
	p := &pickerState{id: m.nextID, field: f, title: f.Label, loading: true, listFilter: listFilter{filter: in}, selected: map[string]bool{}}
	if f.Pick == pickGroups {
		p.multi = true
		for _, g := range m.settings.Groups.SyncOnly {
			p.selected[g] = true
		}
	}
	m.picker = p
	load := pickerLoader(f.Pick, f.Key, cloneSettings(m.settings))
	dial, id := m.dialer(), p.id
	ctx, _ := p.req.next(m.c.Ctx, dirBudget(m.settings, 8))
	return func() tea.Msg {
		conn, err := dial(ctx)
		if err != nil {
			return pickerMsg{id: id, err: err}
		}
		defer conn.Close()
		items, err := load(ctx, conn)
		return pickerMsg{id: id, items: items, err: err}
	}
}

// pickerLoader returns the function that finds a picker's candidates.
func pickerLoader(kind pickKind, settingKey string, s wizard.Settings) func(context.Context, *ldap.Conn) ([]pickItem, error) {
	users := queryFor("users", s)
	groups := queryFor("groups", s)
	switch kind {
	case pickUserAttr:
		identity := settingKey == "users.username_attribute" || settingKey == "users.rdn_attribute"
		return func(ctx context.Context, c *ldap.Conn) ([]pickItem, error) {
			return attributeItems(ctx, c, users, identity)
		}
	case pickGroupAttr:
		identity := settingKey == "groups.name_attribute"
		return func(ctx context.Context, c *ldap.Conn) ([]pickItem, error) {
			return attributeItems(ctx, c, groups, identity)
		}
	case pickUserClass:
		return func(ctx context.Context, c *ldap.Conn) ([]pickItem, error) { return classItems(ctx, c, users.base) }
	case pickGroupClass:
		return func(ctx context.Context, c *ldap.Conn) ([]pickItem, error) { return classItems(ctx, c, groups.base) }
	case pickGroups:
		name, member := s.Groups.NameAttribute, s.Groups.MemberAttribute
		return func(ctx context.Context, c *ldap.Conn) ([]pickItem, error) {
			return groupItems(ctx, c, groups, name, member)
		}
	}
	return func(context.Context, *ldap.Conn) ([]pickItem, error) { return nil, nil }
}

// attributeItems lists the attributes seen on sampled entries (how many carry
// it, unique or not, examples), then those the schema allows for the class.
// identity marks fields that need a unique value on every entry.
func attributeItems(ctx context.Context, c *ldap.Conn, q countQuery, identity bool) ([]pickItem, error) {
	stats, err := c.AttributeStats(ctx, q.base, q.full(), pickSample)
	if err != nil {
		return nil, err
	}
	var items []pickItem
	seen := map[string]bool{}
	for _, a := range stats.Attributes {
		seen[strings.ToLower(a.Name)] = true
		if identity && !nameCandidate(a.Name) {
			continue // typing it stays possible
		}
		detail := fmt.Sprintf("on %d of %d", a.Count, stats.Sampled)
		if a.Unique && !secretAttribute(a.Name) {
			detail += " · unique"
		}
		switch {
		case secretAttribute(a.Name):
			detail += " · values hidden (a secret)"
		case len(a.Examples) > 0:
			detail += " · e.g. " + strings.Join(a.Examples, ", ")
		}
		it := pickItem{value: a.Name, detail: detail}
		if identity {
			switch {
			case a.Binary:
				it.warn = "binary values: not a usable name"
			case !a.Unique:
				it.warn = "values repeat: not unique"
			case a.Count < stats.Sampled:
				it.warn = fmt.Sprintf("missing on %d of %d entries", stats.Sampled-a.Count, stats.Sampled)
			}
		}
		items = append(items, it)
	}
	if schema, err := c.Schema(ctx); err == nil && q.class != "" {
		for _, name := range append(schema.AllMust(q.class), schema.AllMay(q.class)...) {
			if seen[strings.ToLower(name)] || (identity && !nameCandidate(name)) {
				continue
			}
			seen[strings.ToLower(name)] = true
			it := pickItem{value: name, detail: "allowed by " + q.class + "; on none of the sampled entries"}
			if identity {
				it.warn = "no sampled entry carries it"
			}
			items = append(items, it)
		}
	}
	if stats.Sampled == 0 {
		return items, fmt.Errorf("no entry under %s matches %s: fix the base, class or filter first", q.base, q.full())
	}
	return items, nil
}

// nameCandidate reports whether an attribute can name a user or a group
// (username, naming and group name attributes): not a secret, not the
// object classes, not a membership list, not a server-made identifier or
// timestamp (those are unique, but nobody logs in with them).
func nameCandidate(name string) bool {
	if secretAttribute(name) {
		return false
	}
	switch strings.ToLower(name) {
	case "objectclass", "structuralobjectclass", "memberof", "member", "uniquemember", "memberuid", "ismemberof",
		"entryuuid", "nsuniqueid", "objectguid", "objectsid", "entrydn", "entrycsn", "ipauniqueid", "guid",
		"createtimestamp", "modifytimestamp", "creatorsname", "modifiersname", "whencreated", "whenchanged",
		"usncreated", "usnchanged", "instancetype", "objectcategory", "distinguishedname", "hassubordinates",
		"subschemasubentry", "pwdchangedtime", "pwdlastset", "lastlogon", "lastlogontimestamp", "badpasswordtime",
		"useraccountcontrol", "samaccounttype", "primarygroupid", "grouptype":
		return false
	}
	return true
}

// secretAttribute reports whether an attribute holds passwords or keys,
// whose values (even hashed) the UI never shows.
func secretAttribute(name string) bool {
	switch strings.ToLower(name) {
	case "userpassword", "unicodepwd", "sambantpassword", "sambalmpassword", "ntpwdhistory", "lmpwdhistory",
		"supplementalcredentials", "dbcspwd", "krbprincipalkey", "authpassword":
		return true
	}
	return false
}

// classItems counts the object classes of entries under base, then adds the
// schema's other classes.
func classItems(ctx context.Context, c *ldap.Conn, base string) ([]pickItem, error) {
	counts := map[string]int{}
	total := 0
	err := c.Search(ctx, ldap.SearchRequest{Base: base, Filter: "(objectClass=*)", Attributes: []string{"objectClass"}}, func(e *ldap.Entry) error {
		total++
		for _, oc := range e.Get("objectClass") {
			counts[oc]++
		}
		if total >= 2000 {
			return ldap.ErrStopSearch
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return strings.ToLower(names[i]) < strings.ToLower(names[j])
	})
	var items []pickItem
	seen := map[string]bool{}
	for _, n := range names {
		seen[strings.ToLower(n)] = true
		items = append(items, pickItem{value: n, detail: fmt.Sprintf("%s of %s entries under the base", thousands(counts[n]), thousands(total))})
	}
	if schema, err := c.Schema(ctx); err == nil {
		for _, n := range schema.ObjectClassNames() {
			if !seen[strings.ToLower(n)] {
				items = append(items, pickItem{value: n, detail: "in the schema; no entry under the base"})
			}
		}
	}
	return items, nil
}

// groupItems lists the real groups with their member counts.
func groupItems(ctx context.Context, c *ldap.Conn, q countQuery, nameAttr, memberAttr string) ([]pickItem, error) {
	var items []pickItem
	err := c.Search(ctx, ldap.SearchRequest{Base: q.base, Filter: q.full(), Attributes: []string{nameAttr, memberAttr}}, func(e *ldap.Entry) error {
		name := e.First(nameAttr)
		if name == "" {
			return nil
		}
		items = append(items, pickItem{value: name, detail: members(len(e.Get(memberAttr))) + " · " + e.DN})
		return nil
	})
	sort.Slice(items, func(i, j int) bool { return strings.ToLower(items[i].value) < strings.ToLower(items[j].value) })
	return items, err
}

// members renders a member count: "1 member", "2,000 members".
func members(n int) string {
	if n == 1 {
		return "1 member"
	}
	return thousands(n) + " members"
}

// routePicker delivers a picker's candidates.
func (m *Model) routePicker(msg tea.Msg) tea.Cmd {
	pm, ok := msg.(pickerMsg)
	if !ok || m.picker == nil || pm.id != m.picker.id {
		return nil
	}
	m.picker.req.stop()
	m.picker.loading = false
	m.picker.items = pm.items
	if pm.err != nil {
		m.picker.err = ldapErrText(pm.err)
	}
	return nil
}

// closePicker closes the picker and stops its loading.
func (m *Model) closePicker() {
	if m.picker != nil {
		m.picker.req.stop()
		m.picker = nil
	}
}

// visible returns the candidates matching the typed text.
func (p *pickerState) visible() []pickItem {
	f := p.query()
	if f == "" {
		return p.items
	}
	// Exact names first, then names starting with the text, then the rest.
	var exact, prefix, rest []pickItem
	for _, it := range p.items {
		v := strings.ToLower(it.value)
		switch {
		case v == f:
			exact = append(exact, it)
		case strings.HasPrefix(v, f):
			prefix = append(prefix, it)
		case strings.Contains(v, f) || (p.multi && strings.Contains(strings.ToLower(it.detail), f)):
			rest = append(rest, it)
		}
	}
	return append(append(exact, prefix...), rest...)
}

// pickerKey handles a key in the picker.
func (m *Model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.picker
	k := m.c.Keys
	vis := p.visible()
	switch {
	case key.Matches(msg, k.Back):
		m.closePicker()
		return nil
	case cursorKey(&p.cursor, len(vis), msg, k):
		return nil
	case p.multi && key.Matches(msg, k.Toggle):
		if p.cursor < len(vis) {
			v := vis[p.cursor].value
			p.selected[v] = !p.selected[v]
		}
		return nil
	case key.Matches(msg, k.Enter):
		return m.pickerDone(vis)
	}
	return p.typed(msg)
}

// pickerPaste puts pasted text into the picker's filter.
func (m *Model) pickerPaste(msg tea.PasteMsg) tea.Cmd {
	if m.picker == nil || m.confirmQuit || m.showHelp {
		return nil
	}
	return m.picker.typed(msg)
}

// pickerDone applies the choice and closes the picker.
func (m *Model) pickerDone(vis []pickItem) tea.Cmd {
	p := m.picker
	m.closePicker()
	if p.multi {
		var names []string
		for _, it := range p.items {
			if p.selected[it.value] {
				names = append(names, it.value)
			}
		}
		for v, on := range p.selected { // kept names the directory no longer lists
			if on && !containsItem(p.items, v) {
				names = append(names, v)
			}
		}
		return m.setField(p.field, joinList(names))
	}
	value := strings.TrimSpace(p.filter.Value())
	warn := ""
	if p.cursor < len(vis) {
		value, warn = vis[p.cursor].value, vis[p.cursor].warn
	}
	if value == "" {
		return nil
	}
	cmd := m.setField(p.field, value)
	delete(m.notes, p.field.Key)
	if warn != "" && (p.field.Key == "users.username_attribute" || p.field.Key == "users.rdn_attribute" || p.field.Key == "groups.name_attribute") {
		m.notes[p.field.Key] = "in the directory: " + warn
	}
	if warn != "" {
		m.status, m.statusOK = fmt.Sprintf("%s = %s: %s", p.field.Key, value, warn), false
	}
	return cmd
}

// containsItem reports whether a value is among the items.
func containsItem(items []pickItem, v string) bool {
	for _, it := range items {
		if it.value == v {
			return true
		}
	}
	return false
}

// pickerHelp lists the picker's keys.
func (m *Model) pickerHelp() []key.Binding {
	k := m.c.Keys
	if m.picker != nil && m.picker.multi {
		return []key.Binding{withHelp(k.Toggle, "mark"), withHelp(k.Enter, "use the marked groups"), key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", "move")), withHelp(k.Back, "cancel")}
	}
	return []key.Binding{withHelp(k.Enter, "use it (or what you typed)"), key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", "move")), withHelp(k.Back, "cancel")}
}

// pickerView draws the picker.
func (m *Model) pickerView(w, h int) string {
	p := m.picker
	head := m.c.Styles.Heading.Render(p.title) + m.c.Styles.Muted.Render(" — "+p.field.Key)
	lines := []string{ansi.Truncate(head, w, "…"), p.filter.View(), ""}
	switch {
	case p.loading:
		lines = append(lines, "Looking at the directory…")
	case p.err != "":
		lines = append(lines, m.c.Styles.Error.Render(wrap("✗ "+p.err, w)), m.c.Styles.Muted.Render("You can still type a value and press enter."))
	}
	vis := p.visible()
	if !p.loading && len(vis) == 0 && p.filter.Value() != "" {
		lines = append(lines, m.c.Styles.Muted.Render("No candidate matches; enter uses \""+p.filter.Value()+"\" as typed."))
	}
	// The highlighted candidate's whole text, below the list (its row is
	// cut to the width).
	var full []string
	if p.cursor < len(vis) {
		it := vis[p.cursor]
		text := it.value + ": " + it.detail
		if it.warn != "" {
			text = it.value + ": ! " + it.warn + " · " + it.detail
		}
		for _, l := range strings.Split(wrap(text, w-4), "\n") {
			full = append(full, "    "+m.c.Styles.Muted.Render(l))
		}
		full = full[:min(len(full), 3)]
	}
	room := max(h-len(lines)-1-len(full)-1, 1)
	first := p.scroll(room)
	nameW := min(max(w/4, 14), 28)
	for i := first; i < len(vis) && i < first+room; i++ {
		it := vis[i]
		mark := "  "
		if p.multi {
			mark = "[ ] "
			if p.selected[it.value] {
				mark = "[x] "
			}
		}
		detail := it.detail
		if it.warn != "" {
			detail = "! " + it.warn + " · " + detail
		}
		line := mark + padRight(it.value, nameW) + " " + detail
		line = ansi.Truncate(line, w-2, "…")
		switch {
		case i == p.cursor:
			line = m.c.Styles.Selected.Render("▸ " + line)
		case it.warn != "":
			line = "  " + m.c.Styles.Warning.Render(line)
		default:
			line = "  " + line
		}
		lines = append(lines, line)
	}
	if len(full) > 0 {
		lines = append(append(lines, ""), full...)
	}
	if p.multi {
		n := 0
		for _, on := range p.selected {
			if on {
				n++
			}
		}
		lines = append(lines, m.c.Styles.Muted.Render(fmt.Sprintf("%d marked", n)))
	}
	return strings.Join(lines, "\n")
}
