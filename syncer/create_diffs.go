package syncer

// createFields is what the values of a create are listed from: the fields a
// plan synchronizes, in order, and the directory attribute of each. One is
// shared by every action of a plan.
type createFields struct {
	fields []string
	attrOf map[string]string
}

// diffs lists the values of an entry or user to create, each field's as
// value returns it; empty values are left out.
func (c *createFields) diffs(value func(field string) string) []AttrDiff {
	n := 0
	for _, f := range c.fields {
		if value(f) != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return c.appendDiffs(make([]AttrDiff, 0, n), value) // one per create: no spare capacity
}

// appendDiffs appends to dst what diffs lists.
func (c *createFields) appendDiffs(dst []AttrDiff, value func(field string) string) []AttrDiff {
	for _, f := range c.fields {
		if v := value(f); v != "" {
			dst = append(dst, AttrDiff{Field: f, Attr: c.attrOf[f], New: v})
		}
	}
	return dst
}

// AttrDiffs returns the action's fields with their values before and
// after: Diffs, except on a store create of a directory entry, where a
// plan leaves Diffs nil and the values are listed from the entry when
// asked (a first import of 100,000 users would otherwise hold about 30 MB
// of copies of values the entries already hold). Read a planned action's
// fields with AttrDiffs, never Diffs.
func (a *Action) AttrDiffs() []AttrDiff {
	if !a.diffsFromEntry() {
		return a.Diffs
	}
	return a.apply.entryValues.diffs(a.apply.user.dir.value)
}

// NewValuesOnly reports whether the action's diffs are shown with their
// new values only: a create or restore writes every value anew, and what
// was there before (nothing, or a tombstone's last values) is not a change
// a person reads as "old -> new". Every renderer of a plan (the text
// preview, the wizard's table, explain) asks here.
func (a *Action) NewValuesOnly() bool { return a.Op == OpCreate || a.Op == OpRestore }

// AppendAttrDiffs appends AttrDiffs to dst, without allocating when dst
// has room: a writer of every action of a plan passes the same dst[:0]
// each time, so that listing 100,000 creates allocates no list per create.
func (a *Action) AppendAttrDiffs(dst []AttrDiff) []AttrDiff {
	if !a.diffsFromEntry() {
		return append(dst, a.Diffs...)
	}
	return a.apply.entryValues.appendDiffs(dst, a.apply.user.dir.value)
}

// diffsFromEntry reports whether the action's diffs are listed from its
// directory entry rather than held in Diffs.
func (a *Action) diffsFromEntry() bool {
	return a.Diffs == nil && a.apply != nil && a.apply.entryValues != nil && a.apply.user != nil && a.apply.user.dir != nil
}
