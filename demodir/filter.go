package demodir

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// Filter choices (RFC 4511 section 4.5.1), as context tags.
const (
	filterAnd        = 0
	filterOr         = 1
	filterNot        = 2
	filterEquality   = 3
	filterSubstrings = 4
	filterGreater    = 5
	filterLess       = 6
	filterPresent    = 7
	filterApprox     = 8
	filterExtensible = 9
)

// Active Directory's matching rules: membership through nested groups
// (LDAP_MATCHING_RULE_IN_CHAIN) and bitwise AND / OR on integers.
const (
	ruleInChain = "1.2.840.113556.1.4.1941"
	ruleBitAnd  = "1.2.840.113556.1.4.803"
	ruleBitOr   = "1.2.840.113556.1.4.804"
)

// filter is a decoded search filter.
type filter struct {
	kind    int
	subs    []*filter // and, or, not
	attr    string
	value   string
	initial string
	any     []string
	final   string
	rule    string // extensible match
	dnAttrs bool
}

var errBadFilter = errors.New("malformed search filter")

// parseFilter decodes a BER filter; errors mean a protocol error.
func parseFilter(p *ber.Packet) (*filter, error) {
	if p.ClassType != ber.ClassContext {
		return nil, errBadFilter
	}
	f := &filter{kind: int(p.Tag)}
	switch f.kind {
	case filterAnd, filterOr, filterNot:
		if p.TagType != ber.TypeConstructed || (f.kind == filterNot && len(p.Children) != 1) {
			return nil, errBadFilter
		}
		for _, c := range p.Children {
			sub, err := parseFilter(c)
			if err != nil {
				return nil, err
			}
			f.subs = append(f.subs, sub)
		}
	case filterEquality, filterGreater, filterLess, filterApprox:
		if len(p.Children) != 2 {
			return nil, errBadFilter
		}
		f.attr, f.value = str(p.Children[0]), str(p.Children[1])
	case filterPresent:
		if p.TagType != ber.TypePrimitive {
			return nil, errBadFilter
		}
		f.attr = str(p)
	case filterSubstrings:
		if len(p.Children) != 2 || len(p.Children[1].Children) == 0 {
			return nil, errBadFilter
		}
		f.attr = str(p.Children[0])
		for i, c := range p.Children[1].Children {
			v := str(c)
			switch c.Tag {
			case 0:
				if i != 0 {
					return nil, errBadFilter
				}
				f.initial = v
			case 1:
				f.any = append(f.any, v)
			case 2:
				if i != len(p.Children[1].Children)-1 {
					return nil, errBadFilter
				}
				f.final = v
			default:
				return nil, errBadFilter
			}
		}
	case filterExtensible:
		for _, c := range p.Children {
			switch c.Tag {
			case 1:
				f.rule = str(c)
			case 2:
				f.attr = str(c)
			case 3:
				f.value = str(c)
			case 4:
				f.dnAttrs = len(c.Data.Bytes()) > 0 && c.Data.Bytes()[0] != 0
			}
		}
		if f.rule == "" && f.attr == "" {
			return nil, errBadFilter
		}
	default:
		return nil, fmt.Errorf("%w: unknown filter choice %d", errBadFilter, f.kind)
	}
	return f, nil
}

// str returns the content of a primitive packet as a string.
func str(p *ber.Packet) string {
	if p.Data == nil {
		return ""
	}
	return p.Data.String()
}

// tri is the three-valued logic of LDAP filters.
type tri int

const (
	undefined tri = iota
	isFalse
	isTrue
)

func boolTri(b bool) tri {
	if b {
		return isTrue
	}
	return isFalse
}

// match evaluates f against e. Callers hold the read lock.
func (d *directory) match(f *filter, e *entry) tri {
	switch f.kind {
	case filterAnd:
		out := isTrue
		for _, s := range f.subs {
			switch d.match(s, e) {
			case isFalse:
				return isFalse
			case undefined:
				out = undefined
			}
		}
		return out
	case filterOr:
		out := isFalse
		for _, s := range f.subs {
			switch d.match(s, e) {
			case isTrue:
				return isTrue
			case undefined:
				out = undefined
			}
		}
		return out
	case filterNot:
		switch d.match(f.subs[0], e) {
		case isTrue:
			return isFalse
		case isFalse:
			return isTrue
		}
		return undefined
	}
	t := d.sch.attr(f.attr)
	if f.kind == filterPresent {
		if strings.EqualFold(f.attr, "objectClass") {
			return isTrue
		}
		return boolTri(t != nil && len(d.values(e, t)) > 0)
	}
	if f.kind == filterExtensible {
		return d.matchExtensible(f, e)
	}
	if t == nil || t.equality == "" && f.kind != filterSubstrings {
		return undefined
	}
	vals := d.values(e, t)
	switch f.kind {
	case filterEquality:
		value := f.value
		if d.fl.ad && strings.EqualFold(t.names[0], "objectCategory") {
			value = adCategoryAssertion(value)
		}
		n := t.normalize(value)
		for _, v := range vals {
			if t.normalize(v) == n {
				return isTrue
			}
		}
	case filterGreater, filterLess:
		if !t.hasOrdering() || !d.fl.ad && t.ordering == "" { // OpenLDAP needs an ORDERING rule
			return undefined
		}
		for _, v := range vals {
			c := t.compareOrdered(v, f.value)
			if f.kind == filterGreater && c >= 0 || f.kind == filterLess && c <= 0 {
				return isTrue
			}
		}
	case filterApprox:
		if !d.fl.ad && phoneticApprox(t.equality) {
			// OpenLDAP's directoryStringApproxMatch (see approx.go).
			for _, v := range vals {
				if ApproxMatch(v, f.value) {
					return isTrue
				}
			}
			break
		}
		if !d.fl.ad { // no approximate rule: OpenLDAP uses equality
			n := t.normalize(f.value)
			for _, v := range vals {
				if t.normalize(v) == n {
					return isTrue
				}
			}
			break
		}
		k := approxKey(f.value)
		for _, v := range vals {
			if approxKey(v) == k {
				return isTrue
			}
		}
	case filterSubstrings:
		if t.substr == "" {
			return undefined
		}
		for _, v := range vals {
			if substrMatch(t, v, f) {
				return isTrue
			}
		}
	}
	return isFalse
}

func substrMatch(t *attrType, v string, f *filter) bool {
	v = t.substrNormalize(v)
	ini, fin := t.substrNormalize(f.initial), t.substrNormalize(f.final)
	if !strings.HasPrefix(v, ini) {
		return false
	}
	v = v[len(ini):]
	for _, a := range f.any {
		a = t.substrNormalize(a)
		i := strings.Index(v, a)
		if i < 0 {
			return false
		}
		v = v[i+len(a):]
	}
	return strings.HasSuffix(v, fin)
}

// matchExtensible handles (attr:=value), (attr:rule:=value), (attr:dn:=value)
// and, on the AD flavour, the in-chain rule over member/memberOf.
func (d *directory) matchExtensible(f *filter, e *entry) tri {
	t := d.sch.attr(f.attr)
	if f.attr != "" && t == nil {
		return undefined
	}
	if f.rule == ruleInChain && t != nil {
		return boolTri(d.inChain(e, t, f.value))
	}
	if (f.rule == ruleBitAnd || f.rule == ruleBitOr) && t != nil {
		return matchBits(f.rule, d.values(e, t), f.value)
	}
	rule := ""
	if t != nil {
		rule = t.equality
	}
	if f.rule != "" {
		switch strings.ToLower(f.rule) {
		case "caseignorematch", "2.5.13.2", "caseexactmatch", "2.5.13.5", "distinguishednamematch", "2.5.13.1",
			"integermatch", "2.5.13.14", "octetstringmatch", "2.5.13.17", "caseignoreia5match", "1.3.6.1.4.1.1466.109.114.2":
			rule = f.rule
		default:
			return undefined
		}
	}
	n := normalizeByRule(rule, f.value)
	if t != nil {
		for _, v := range d.values(e, t) {
			if normalizeByRule(rule, v) == n {
				return isTrue
			}
		}
	}
	if f.dnAttrs {
		for _, rdn := range e.dn.RDNs {
			for _, ava := range rdn.Attributes {
				if (t == nil || strings.EqualFold(d.sch.canonical(ava.Type), t.name())) && normalizeByRule(rule, ava.Value) == n {
					return isTrue
				}
			}
		}
	}
	return isFalse
}

// inChain reports whether e reaches the group (memberOf) or member (member)
// named value through any number of nested groups.
func (d *directory) inChain(e *entry, t *attrType, value string) bool {
	target, err := parseDN(value)
	if err != nil {
		return false
	}
	tk := dnKey(target)
	switch t.name() {
	case "memberOf": // is e a (nested) member of target?
		seen := map[string]bool{}
		queue := []string{e.key}
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			for gk, g := range d.groups {
				if g.members[k] && !seen[gk] {
					if gk == tk {
						return true
					}
					seen[gk] = true
					queue = append(queue, gk)
				}
			}
		}
	case "member": // is target a (nested) member of e?
		seen := map[string]bool{}
		queue := []*entry{e}
		for len(queue) > 0 {
			g := queue[0]
			queue = queue[1:]
			if g.members[tk] {
				return true
			}
			for k := range g.members {
				if sub := d.groups[k]; sub != nil && !seen[k] {
					seen[k] = true
					queue = append(queue, sub)
				}
			}
		}
	}
	return false
}

// matchBits evaluates the bitwise AND / OR rules against integer values.
func matchBits(rule string, vals []string, assertion string) tri {
	mask, err := strconv.ParseInt(strings.TrimSpace(assertion), 10, 64)
	if err != nil {
		return undefined
	}
	for _, v := range vals {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		if rule == ruleBitAnd && n&mask == mask || rule == ruleBitOr && n&mask != 0 {
			return isTrue
		}
	}
	return isFalse
}
