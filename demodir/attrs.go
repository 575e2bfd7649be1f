package demodir

import "strings"

// outAttr is one attribute as returned to a client.
type outAttr struct {
	name string
	vals []string
	op   bool // operational: returned only when asked for by name or with "+"
}

// selection is the attribute list of a search request.
type selection struct {
	allUser, allOp bool
	named          map[string]bool // lower-case canonical names
}

func (d *directory) newSelection(attrs []string) selection {
	s := selection{named: map[string]bool{}}
	if len(attrs) == 0 {
		s.allUser = true
	}
	for _, a := range attrs {
		switch a = strings.TrimSpace(a); a {
		case "*":
			s.allUser = true
		case "+":
			s.allOp = true
		case "1.1", "":
		default:
			s.named[strings.ToLower(d.sch.canonical(a))] = true
		}
	}
	return s
}

func (s selection) wants(a outAttr) bool {
	if s.named[strings.ToLower(a.name)] {
		return true
	}
	if a.op {
		return s.allOp
	}
	return s.allUser
}

// apply keeps the attributes the selection asks for.
func (s selection) apply(all []outAttr) []outAttr {
	var out []outAttr
	for _, a := range all {
		if s.wants(a) {
			out = append(out, a)
		}
	}
	return out
}

// entryAttrs lists the attributes of e that sel asks for and the client may
// see: stored ones, then computed ones. userPassword is shown only to the
// administrator and the entry itself; unicodePwd never (as on AD). Callers
// hold the read lock.
func (d *directory) entryAttrs(e *entry, who *session, sel selection) []outAttr {
	var out []outAttr
	for _, a := range e.attrs {
		switch a.t.name() {
		case "unicodePwd":
			continue
		case "userPassword":
			if !who.admin && (who.bindDN == nil || !who.bindDN.EqualFold(e.dn)) {
				continue
			}
		}
		if a := (outAttr{name: a.t.name(), vals: a.vals, op: a.t.operational()}); sel.wants(a) {
			out = append(out, a)
		}
	}
	for _, n := range d.computedAttrs() {
		t := d.sch.attr(n)
		if !sel.wants(outAttr{name: t.name(), op: t.operational()}) {
			continue
		}
		if vals := d.values(e, t); len(vals) > 0 {
			out = append(out, outAttr{name: t.name(), vals: vals, op: t.operational()})
		}
	}
	return out
}
