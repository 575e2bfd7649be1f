package ldap

import (
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// Operators of a FilterNode that combine clauses.
const (
	FilterOpAnd = "and"
	FilterOpOr  = "or"
	FilterOpNot = "not"
)

// FilterNode is one clause of a search filter: an and, or or not of
// clauses, or a single assertion such as (mail=*). It only takes a filter
// apart; whether an entry matches a clause is the server's to say (see
// Conn.Matches), since only the server knows each attribute's matching
// rules.
type FilterNode struct {
	// Text is the clause as a filter string, e.g. "(mail=*)".
	Text string `json:"text"`
	// Op is FilterOpAnd, FilterOpOr or FilterOpNot; "" for an assertion.
	Op string `json:"op,omitempty"`
	// Attr is an assertion's attribute ("" for and, or, not, and for an
	// extensible match without one).
	Attr string `json:"attr,omitempty"`
	// Clauses are the clauses an and, or or not combines.
	Clauses []FilterNode `json:"clauses,omitempty"`
}

// ParseFilterTree takes a search filter (RFC 4515, written with or without
// its outer parentheses) apart into its clauses.
func ParseFilterTree(filter string) (FilterNode, error) {
	_, p, err := compileFilterText(filter)
	if err != nil {
		return FilterNode{}, err
	}
	return filterNode(p)
}

// filterNode converts a compiled filter packet into a FilterNode. An and,
// or or not writes its text from its clauses' (as goldap.DecompileFilter
// writes it: "(&" and each clause's text and ")"), so that each clause is
// decompiled once, not again inside every clause around it: that made
// taking apart a filter nested d deep cost d decompilations of it.
func filterNode(p *ber.Packet) (FilterNode, error) {
	op, ok := filterOps[p.Tag]
	if !ok || (p.Tag == goldap.FilterNot && len(p.Children) == 0) {
		text, err := goldap.DecompileFilter(p)
		if err != nil {
			return FilterNode{}, err
		}
		return FilterNode{Text: text, Attr: assertionAttr(p)}, nil
	}
	children := p.Children
	if p.Tag == goldap.FilterNot {
		children = children[:1] // a not has one clause
	}
	n := FilterNode{Op: op.name, Clauses: make([]FilterNode, 0, len(children))}
	var text strings.Builder
	text.WriteString(op.open)
	for _, c := range children {
		sub, err := filterNode(c)
		if err != nil {
			return FilterNode{}, err
		}
		n.Clauses = append(n.Clauses, sub)
		text.WriteString(sub.Text)
	}
	text.WriteByte(')')
	n.Text = text.String()
	return n, nil
}

// filterOps are the operators that combine clauses: their FilterNode.Op
// and how their text opens.
var filterOps = map[ber.Tag]struct{ name, open string }{
	goldap.FilterAnd: {FilterOpAnd, "(&"},
	goldap.FilterOr:  {FilterOpOr, "(|"},
	goldap.FilterNot: {FilterOpNot, "(!"},
}

// assertionAttr is the attribute of a single assertion's packet ("" for an
// extensible match without one).
func assertionAttr(p *ber.Packet) string {
	switch p.Tag {
	case goldap.FilterPresent:
		return packetText(p)
	case goldap.FilterExtensibleMatch:
		attr := ""
		for _, c := range p.Children {
			if c.Tag == 2 { // type
				attr = packetText(c)
			}
		}
		return attr
	}
	if len(p.Children) > 0 { // equality, substrings, >=, <=, ~=: the attribute comes first
		return packetText(p.Children[0])
	}
	return ""
}

// packetText is the content of a primitive packet as a string.
func packetText(p *ber.Packet) string {
	if p.Data == nil {
		return ""
	}
	return p.Data.String()
}
